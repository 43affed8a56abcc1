import { Duration } from 'cdk8s';
import { Canary, IngressRoute, IstioGateway, LoadTester, MeshNamespace, Podinfo } from '../../lib';
import { findObject, Json, newChart, referenceObjects, Testing } from '../support/objects';

function build(loadTestOptions: Parameters<LoadTester['loadTest']>[0] = {}, acceptanceOptions: Parameters<LoadTester['acceptanceTest']>[0] = {}, interval?: Duration) {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'tester', { namespace });
  const canary = new Canary(chart, 'canary', {
    target: podinfo.deployment,
    autoscaler: podinfo.autoscaler,
    analysis: interval ? { interval } : undefined,
    webhooks: [loadTester.acceptanceTest(acceptanceOptions), loadTester.loadTest(loadTestOptions)],
  });
  new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gw') });
  const objects = Testing.synth(chart);
  return { objects, loadTester, webhooks: findObject(objects, 'Canary', 'podinfo').spec.analysis.webhooks as Json[] };
}

describe('LoadTester', () => {
  const { objects, loadTester, webhooks } = build();
  const deployment = findObject(objects, 'Deployment', 'flagger-loadtester');
  const service = findObject(objects, 'Service', 'flagger-loadtester');
  const [referenceService, referenceDeployment] = referenceObjects('kustomize-tester.yaml');
  const container = deployment.spec.template.spec.containers[0];
  const referenceContainer = referenceDeployment.spec.template.spec.containers[0];

  test('snapshot', () => {
    expect([deployment, service]).toMatchSnapshot();
  });

  test.each(['image', 'command', 'ports', 'livenessProbe', 'readinessProbe', 'resources', 'imagePullPolicy', 'name'])(
    'container %s carries the reference facts', (field) => {
      const withoutDefaults = (value: Json) => JSON.parse(JSON.stringify(value, (key, v) => (key === 'failureThreshold' && v === 3 ? undefined : key === 'protocol' && v === 'TCP' && field === 'ports' ? undefined : v)));
      expect(withoutDefaults(container[field])).toEqual(withoutDefaults(referenceContainer[field]));
    });

  test('the Service exposes port 80 "http" to the container port 8080, selecting app: flagger-loadtester', () => {
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    expect(service.spec.selector).toEqual(referenceService.spec.selector);
    expect(deployment.spec.selector).toEqual(referenceDeployment.spec.selector);
    expect(deployment.spec.template.metadata.labels).toEqual(referenceDeployment.spec.template.metadata.labels);
  });

  test('runs as user 10001 with a read-only root, as the reference, hardened further', () => {
    expect(container.securityContext).toMatchObject({
      runAsUser: 10001, readOnlyRootFilesystem: true, runAsNonRoot: true,
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] },
    });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('exposes its in-cluster URL, derived from its Service', () => {
    expect(loadTester.url).toBe(`http://${service.metadata.name}.${service.metadata.namespace}/`);
  });

  test('the acceptance test is a pre-rollout bash check of the canary Service', () => {
    expect(webhooks[0]).toEqual({
      name: 'acceptance-test',
      type: 'pre-rollout',
      url: 'http://flagger-loadtester.test/',
      timeout: '30s',
      metadata: { type: 'bash', cmd: "curl -sd 'test' http://podinfo-canary.test:9898/token | grep token" },
    });
  });

  test('the load test is a rollout hook whose hey run outlasts the 1m interval and logs its output', () => {
    expect(webhooks[2]).toEqual({
      name: 'load-test',
      type: 'rollout',
      url: 'http://flagger-loadtester.test/',
      timeout: '5s',
      metadata: { cmd: 'hey -z 1m55s -q 10 -c 2 http://podinfo-canary.test:9898/', logCmdOutput: 'true' },
    });
  });

  test('a pre-rollout warm-up starts the identical command one tick earlier, so the first check has traffic', () => {
    expect(webhooks[1]).toEqual({ ...webhooks[2], name: 'load-test-warmup', type: 'pre-rollout' });
    expect(webhooks.map((webhook) => webhook.name)).toEqual(['acceptance-test', 'load-test-warmup', 'load-test']);
  });

  test('the warm-up can be left out', () => {
    const { webhooks: without } = build({ warmUp: false });
    expect(without.map((webhook) => webhook.name)).toEqual(['acceptance-test', 'load-test']);
  });

  test('the load test duration follows the canary interval', () => {
    const { webhooks: slower } = build({}, {}, Duration.minutes(2));
    expect(slower[2].metadata.cmd).toBe('hey -z 3m55s -q 10 -c 2 http://podinfo-canary.test:9898/');
  });

  test('webhook URLs follow the Canary port and the tester name', () => {
    const chart = newChart();
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    const podinfo = new Podinfo(chart, 'podinfo', { namespace, name: 'web' });
    const tester = new LoadTester(chart, 'tester', { namespace, name: 'tester' });
    const canary = new Canary(chart, 'canary', { target: podinfo.deployment, autoscaler: podinfo.autoscaler, port: 80, targetPort: 'http', webhooks: [tester.loadTest({ path: '/api', requestsPerSecond: 5, concurrency: 4, duration: Duration.minutes(3), warmUp: false })] });
    new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gw') });
    const [webhook] = findObject(Testing.synth(chart), 'Canary', 'web').spec.analysis.webhooks;
    expect(webhook.url).toBe('http://tester.shop/');
    expect(webhook.metadata.cmd).toBe('hey -z 3m -q 5 -c 4 http://web-canary.shop:80/api');
  });

  test.each([
    [{ duration: Duration.minutes(1) }, /canary: loadTest.duration is 60s; it must be longer than the analysis interval \(60s\)/],
    [{ duration: Duration.seconds(30) }, /loadTest.duration is 30s/],
    [{ requestsPerSecond: 0 }, /canary: loadTest.requestsPerSecond is 0/],
    [{ concurrency: -1 }, /canary: loadTest.concurrency is -1/],
    [{ path: 'no-slash' }, /canary: loadTest.path is "no-slash"; use an absolute URL path/],
    [{ path: "/a'; rm -rf /" }, /loadTest.path is/],
    [{ name: 'Load Test' }, /canary: loadTest.name is "Load Test"/],
    [{ timeout: Duration.millis(1500) }, /canary: loadTest.timeout is 1.5s; use a whole number of seconds/],
  ])('the load test rejects %j with the field and the fix', (options, message) => {
    expect(() => build(options)).toThrow(message);
  });

  test.each([
    [{ expect: 'token; rm -rf /' }, /canary: acceptanceTest.expect is "token; rm -rf \/"/],
    [{ path: 'token' }, /canary: acceptanceTest.path is "token"/],
  ])('the acceptance test rejects %j', (options, message) => {
    expect(() => build({}, options)).toThrow(message);
  });

  test.each([
    [{ name: 'Tester' }, /tester: name is "Tester"/],
    [{ image: ' ' }, /tester: image is " "/],
    [{ runAsUser: 0 }, /tester: runAsUser is 0/],
    [{ commandTimeout: Duration.millis(10) }, /tester: commandTimeout is 0.01s/],
  ])('rejects %j with the field and the fix', (props, message) => {
    const chart = newChart();
    const namespace = new MeshNamespace(chart, 'ns');
    expect(() => new LoadTester(chart, 'tester', { namespace, ...props })).toThrow(message);
  });
});
