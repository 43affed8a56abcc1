import { ManifestIndex } from '../../../../lib/doctor/model/manifest-index';
import { SourcedObject } from '../../../../lib/doctor/model/object';
import { canarySpec, objectOf, tutorial, withFlagger, withYaml } from '../helpers';

function providerOf(objects: SourcedObject[]) {
  return new ManifestIndex(objects).canaries[0].providerInfo;
}

function bare(): SourcedObject[] {
  // The tutorial without anything that names Istio: no Gateway, Namespace labels or Istio fields.
  const objects = tutorial().filter((o) => o.object.kind !== 'Gateway');
  objectOf(objects, 'Namespace', 'test').metadata.labels = {};
  canarySpec(objects).service = { port: 9898 };
  return objects;
}

describe('the provider of a Canary', () => {
  test('spec.provider wins', () => {
    const objects = withFlagger(tutorial(), ['-mesh-provider=nginx']);
    canarySpec(objects).provider = 'traefik';
    expect(providerOf(objects)).toMatchObject({ name: 'traefik', family: 'traefik', source: 'spec', reason: 'spec.provider' });
  });

  test('else the -mesh-provider of the Flagger Deployment of the manifests', () => {
    expect(providerOf(withFlagger(bare(), ['-mesh-provider=gatewayapi:v1beta1']))).toMatchObject({
      name: 'gatewayapi:v1beta1', family: 'gatewayapi', source: 'flagger', reason: '-mesh-provider of Deployment istio-system/flagger',
    });
    expect(providerOf(withFlagger(bare(), []))).toMatchObject({ name: 'istio', source: 'flagger', reason: expect.stringContaining('does not set it') });
  });

  test('or of a Flux HelmRelease of Flagger\'s chart, from its values', () => {
    const objects = withYaml(bare(), `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flagger, namespace: flagger-system}
spec:
  chart: {spec: {chart: flagger, sourceRef: {kind: HelmRepository, name: flagger}}}
  values: {meshProvider: nginx, prometheus: {install: true}}
`);
    const index = new ManifestIndex(objects);
    expect(index.canaries[0].providerInfo).toMatchObject({ name: 'nginx', source: 'flagger' });
    expect(index.canaries[0].flagger).toMatchObject({ namespace: 'flagger-system', metricsServer: 'http://flagger-prometheus:9090' });
  });

  test.each([
    ['gatewayRefs', (o: SourcedObject[]) => { canarySpec(o).service.gatewayRefs = [{ name: 'gw', namespace: 'gw' }]; }, 'gatewayapi:v1'],
    ['ingressRef', (o: SourcedObject[]) => { canarySpec(o).ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' }; }, 'nginx'],
    ['routeRef', (o: SourcedObject[]) => { canarySpec(o).routeRef = { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'podinfo' }; }, 'apisix'],
    ['upstreamRef', (o: SourcedObject[]) => { canarySpec(o).upstreamRef = { apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', name: 'u' }; }, 'gloo'],
    ['service.gateways', (o: SourcedObject[]) => { canarySpec(o).service.gateways = ['mesh']; }, 'istio'],
    ['a linkerd.io/inject namespace', (o: SourcedObject[]) => { objectOf(o, 'Namespace', 'test').metadata.annotations = { 'linkerd.io/inject': 'enabled' }; }, 'linkerd'],
    ['a kuma.io/sidecar-injection namespace', (o: SourcedObject[]) => { objectOf(o, 'Namespace', 'test').metadata.labels = { 'kuma.io/sidecar-injection': 'enabled' }; }, 'kuma'],
  ])('without spec.provider or Flagger, it follows the evidence: %s', (_name, edit, expected) => {
    const objects = bare();
    edit(objects);
    expect(providerOf(objects)).toMatchObject({ name: expected, source: 'evidence' });
  });

  test('without any evidence, Flagger\'s default istio is assumed, and said so', () => {
    expect(providerOf(bare())).toMatchObject({ name: 'istio', source: 'default', reason: expect.stringContaining('assumed') });
  });

  test('a provider name Flagger does not know falls back to the Istio router', () => {
    const objects = tutorial();
    canarySpec(objects).provider = 'gatewayapi';
    const canary = new ManifestIndex(objects).canaries[0];
    expect(canary.providerInfo.family).toBeUndefined();
    expect(canary.isIstio).toBe(true);
  });
});
