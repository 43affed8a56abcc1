import { App, Duration } from 'cdk8s';
import { FlaggerTutorialChart, IstioGateway, TutorialRouting } from '../lib';
import { findObject, kinds, Testing } from './support/objects';
import { validateStrictly } from './support/schemas';

describe('FlaggerTutorialChart', () => {
  const chart = new FlaggerTutorialChart(Testing.app(), 'podinfo');
  const objects = Testing.synth(chart);

  test('snapshot of the whole tutorial', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every object of the tutorial, and the Namespace first', () => {
    expect(kinds(objects)).toEqual([
      'Namespace', 'Gateway', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Deployment', 'Service', 'NetworkPolicy', 'Canary', 'VirtualService',
    ]);
  });

  test('every object validates strictly against its schema', () => {
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('the strict validation catches an unknown field in every kind the chart emits', () => {
    // GIVEN a copy of each object with one misspelt field
    const broken = objects.map((object) => ({ ...object, spec: { ...(object.spec ?? {}), replicaz: 1 } }));
    // WHEN / THEN: one problem per object, so the check above cannot pass vacuously
    expect(validateStrictly(broken).map((problem) => problem.object)).toEqual(objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`));
  });

  test('every namespaced object of the tutorial is in the mesh namespace, except the Gateway', () => {
    const namespaces = objects.filter((object) => object.kind !== 'Namespace').map((object) => `${object.kind}:${object.metadata.namespace}`);
    expect(namespaces.filter((entry) => !entry.endsWith(':test'))).toEqual(['Gateway:istio-system']);
  });

  test('the Canary uses delegation and the root VirtualService delegates to it', () => {
    const canary = findObject(objects, 'Canary', 'podinfo');
    const root = findObject(objects, 'VirtualService', 'podinfo-root');
    expect(canary.spec.service.delegation).toBe(true);
    expect(root.spec.http[0].delegate).toEqual({ name: canary.metadata.name, namespace: canary.metadata.namespace });
  });

  test('synthesis is deterministic', () => {
    const again = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo'));
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
  });

  test('gateway routing reproduces the tutorial mode with no VirtualService of ours', () => {
    const tutorial = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo', { routing: TutorialRouting.GATEWAY }));
    expect(kinds(tutorial)).not.toContain('VirtualService');
    expect(findObject(tutorial, 'Canary', 'podinfo').spec.service).toMatchObject({ gateways: ['istio-system/public-gateway', 'mesh'], hosts: ['app.example.com'] });
    expect(validateStrictly(tutorial)).toEqual([]);
  });

  test('props override the namespace, host, images and analysis', () => {
    const custom = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'shop', {
      namespace: 'shop', host: 'shop.example.com', podinfoImage: 'ghcr.io/stefanprodan/podinfo:6.1.0',
      loadTesterImage: 'ghcr.io/fluxcd/flagger-loadtester:0.39.0', analysis: { interval: Duration.seconds(30), threshold: 3 },
    }));
    expect(findObject(custom, 'Namespace', 'shop')).toBeDefined();
    expect(findObject(custom, 'Deployment', 'podinfo').spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:6.1.0');
    expect(findObject(custom, 'Deployment', 'flagger-loadtester').spec.template.spec.containers[0].image).toBe('ghcr.io/fluxcd/flagger-loadtester:0.39.0');
    expect(findObject(custom, 'VirtualService', 'podinfo-root').spec.hosts).toEqual(['shop.example.com', 'podinfo.shop.svc.cluster.local']);
    const canary = findObject(custom, 'Canary', 'podinfo');
    expect(canary.spec.analysis).toMatchObject({ interval: '30s', threshold: 3 });
    expect(canary.spec.analysis.webhooks[2].url).toBe('http://flagger-loadtester.shop/');
    expect(canary.spec.analysis.webhooks[2].metadata.cmd).toBe('hey -z 55s -q 10 -c 2 http://podinfo-canary.shop:9898/');
  });

  test('another app can instantiate it twice, sharing one Gateway', () => {
    // GIVEN
    const app = new App({ outdir: Testing.app().outdir });
    const first = new FlaggerTutorialChart(app, 'team-a', { namespace: 'team-a', host: 'a.example.com' });
    // WHEN
    const second = new FlaggerTutorialChart(app, 'team-b', { namespace: 'team-b', host: 'b.example.com', gateway: first.gateway });
    // THEN
    expect(second.gateway).toBe(first.gateway);
    expect(kinds(Testing.synth(second))).not.toContain('Gateway');
    expect(findObject(Testing.synth(second), 'VirtualService', 'podinfo-root').spec.gateways).toEqual(['istio-system/public-gateway', 'mesh']);
    expect(() => app.synth()).not.toThrow();
  });

  test('a shared Gateway may come from another chart', () => {
    const app = Testing.app();
    const gateway = new IstioGateway(new FlaggerTutorialChart(app, 'a'), 'edge', { name: 'edge' });
    const chart = new FlaggerTutorialChart(app, 'b', { namespace: 'b', host: 'b.example.com', gateway });
    expect(findObject(Testing.synth(chart), 'VirtualService', 'podinfo-root').spec.gateways[0]).toBe('istio-system/edge');
  });

  test.each([
    [{ namespace: 'Test' }, /podinfo\/namespace: name is "Test"/],
    [{ host: 'not a host' }, /podinfo\/route: hosts\[0\] is "not a host"/],
    [{ routing: TutorialRouting.GATEWAY, host: 'not a host' }, /podinfo\/canary: hosts\[0\] is "not a host"/],
    [{ routing: 'ingress' as any }, /podinfo: routing is "ingress"; use TutorialRouting.DELEGATION or TutorialRouting.GATEWAY/],
    [{ podinfoImage: '' }, /podinfo\/podinfo: image is ""/],
    [{ analysis: { threshold: -1 } }, /podinfo\/canary: analysis.threshold is -1/],
  ])('rejects %j with the construct path, the field and the fix', (props, message) => {
    expect(() => new FlaggerTutorialChart(Testing.app(), 'podinfo', props)).toThrow(message);
  });
});
