import { ApiObject } from 'cdk8s';
import { MeshNamespace, SidecarNetworkSetup } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { newChart, Testing } from '../support/objects';

describe('MeshNamespace', () => {
  const POD_SECURITY_WITH_ISTIO_INIT = {
    'pod-security.kubernetes.io/enforce': 'privileged',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };

  test('defaults to the tutorial namespace with sidecar injection', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const namespace = new MeshNamespace(chart, 'ns');
    // THEN
    const objects = Testing.synth(chart);
    expect(objects).toMatchSnapshot();
    expect(namespace.name).toBe('test');
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', labels: { 'istio-injection': 'enabled', ...POD_SECURITY_WITH_ISTIO_INIT } } }]);
  });

  test('Pod Security: istio-init needs NET_ADMIN and NET_RAW, so only privileged is enforced; warnings and audits are restricted', () => {
    // GIVEN Istio's default install (setup.sh's), where each pod gets the istio-init container
    const chart = newChart();
    new MeshNamespace(chart, 'ns');
    const [namespace] = Testing.synth(chart);
    // THEN baseline, which allows neither capability, cannot be enforced; restricted still warns
    expect(namespace.metadata.labels).toMatchObject(POD_SECURITY_WITH_ISTIO_INIT);
  });

  test('Pod Security: with Istio CNI the pods need no capabilities and baseline is enforced', () => {
    const chart = newChart();
    new MeshNamespace(chart, 'ns', { sidecarNetworkSetup: SidecarNetworkSetup.ISTIO_CNI });
    const [namespace] = Testing.synth(chart);
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('a namespace another app creates is a reference: no object, recorded as external, nothing to order', () => {
    const chart = newChart();
    const namespace = MeshNamespace.fromName(chart, 'shared', 'payments');
    const early = new ApiObject(chart, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', namespace: 'payments' } });
    namespace.addToNamespace(early);
    expect(namespace.name).toBe('payments');
    expect(Testing.synth(chart).map((object) => object.kind)).toEqual(['ConfigMap']);
    expect(ExternalObjects.of(chart).list()).toEqual([{ kind: 'Namespace', namespace: '', name: 'payments', path: 'test/shared' }]);
    expect(() => MeshNamespace.fromName(newChart(), 'shared', 'Payments')).toThrow(/test\/shared: name is "Payments"/);
  });

  test('a revisioned control plane gets istio.io/rev instead of istio-injection', () => {
    const chart = newChart();
    new MeshNamespace(chart, 'ns', { name: 'shop', istioRevision: 'canary-1-30', labels: { team: 'a' } });
    const [namespace] = Testing.synth(chart);
    expect(namespace.metadata.labels).toEqual({ 'istio.io/rev': 'canary-1-30', 'team': 'a', ...POD_SECURITY_WITH_ISTIO_INIT });
  });

  test('objects added to it synthesize after it, whatever the creation order', () => {
    // GIVEN a construct created before the namespace
    const chart = newChart();
    const early = new ApiObject(chart, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', namespace: 'test' } });
    const namespace = new MeshNamespace(chart, 'ns');
    // WHEN
    namespace.addToNamespace(early);
    // THEN
    expect(Testing.synth(chart).map((object) => object.kind)).toEqual(['Namespace', 'ConfigMap']);
  });

  test.each([
    ['name', { name: 'Test_NS' }, /ns: name is "Test_NS"; use at most 63 lowercase/],
    ['name', { name: '' }, /ns: name is ""; use/],
    ['istioRevision', { istioRevision: 'Bad Rev' }, /ns: istioRevision is "Bad Rev"/],
    ['labels', { labels: { 'istio-injection': 'disabled' } }, /ns: labels\["istio-injection"\] is "disabled"; leave sidecar injection to MeshNamespace/],
    ['labels', { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }, /ns: labels\["pod-security.kubernetes.io\/enforce"\] is "restricted"; MeshNamespace sets the Pod Security labels from sidecarNetworkSetup/],
    ['sidecarNetworkSetup', { sidecarNetworkSetup: 'ambient' as any }, /ns: sidecarNetworkSetup is "ambient"; use SidecarNetworkSetup.INIT_CONTAINER or SidecarNetworkSetup.ISTIO_CNI/],
  ])('rejects a bad %s with the field and the fix', (_field, props, message) => {
    expect(() => new MeshNamespace(newChart(), 'ns', props)).toThrow(message);
  });
});
