import { Chart, Duration } from 'cdk8s';
import { Canary, IngressRoute, LINT_CONTEXT_DISABLE, IstioGateway, LoadTestRoute, LoadTester, LoadTesterGate, LoadTesterGateAction, LoadTesterRunner, MeshNamespace, Podinfo, WebhookType } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { findObject, Json, newChart, referenceObjects, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';

function buildWith(webhooks: (tester: LoadTester) => any[]) {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const tester = new LoadTester(chart, 'tester', { namespace });
  const construct = new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler, webhooks: webhooks(tester) });
  new IngressRoute(chart, 'route', { canary: construct, gateway: new IstioGateway(chart, 'gw') });
  const objects = Testing.synth(chart);
  expect(validateStrictly(objects)).toEqual([]);
  return { canary: findObject(objects, 'Canary', 'podinfo'), objects };
}

function build(loadTestOptions: Parameters<LoadTester['loadTest']>[0] = {}, acceptanceOptions: Parameters<LoadTester['acceptanceTest']>[0] = {}, interval?: Duration) {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'tester', { namespace });
  const canary = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
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

  const networkPolicy = findObject(objects, 'NetworkPolicy', 'flagger-loadtester');

  test('snapshot', () => {
    expect([deployment, service, networkPolicy]).toMatchSnapshot();
  });

  test.each(['image', 'ports', 'livenessProbe', 'readinessProbe', 'resources', 'imagePullPolicy', 'name'])(
    'container %s carries the reference facts', (field) => {
      const withoutDefaults = (value: Json) => JSON.parse(JSON.stringify(value, (key, v) => (key === 'failureThreshold' && v === 3 ? undefined : key === 'protocol' && v === 'TCP' && field === 'ports' ? undefined : key === 'ephemeral-storage' ? undefined : v)));
      expect(withoutDefaults(container[field])).toEqual(withoutDefaults(referenceContainer[field]));
    });

  test('the command is the reference one, restricted to the Canaries of its own namespace', () => {
    expect(container.command).toEqual([...referenceContainer.command, '-namespace-regexp=^(test)$']);
  });

  test('ephemeral storage is requested and limited: the root filesystem is read-only, the log is what it writes', () => {
    expect(container.resources.requests['ephemeral-storage']).toBe('16Mi');
    expect(container.resources.limits['ephemeral-storage']).toBe('128Mi');
  });

  test('a NetworkPolicy admits only Flagger\'s pods (kustomize/istio labels them app: flagger) to the loadtester port', () => {
    expect(networkPolicy.spec.podSelector).toEqual({ matchLabels: { app: 'flagger-loadtester' } });
    expect(networkPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(networkPolicy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'flagger' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
  });

  test('its egress is DNS, istiod for its sidecar, and the namespaces it tests, where setup.sh fail sends its traffic from inside the pod', () => {
    expect(networkPolicy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
        ports: [{ protocol: 'TCP', port: 15012 }],
      },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } } }] },
    ]);
  });

  test('every object validates strictly', () => {
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('it can serve Canaries of several namespaces, with Flagger installed by Helm elsewhere', () => {
    const chart = newChart();
    const namespace = new MeshNamespace(chart, 'ns', { name: 'tools' });
    new LoadTester(chart, 'tester', {
      namespace, canaryNamespaces: ['shop', 'blog'], flaggerNamespace: 'flagger-system',
      flaggerPodLabels: { 'app.kubernetes.io/name': 'flagger' }, istioNamespace: 'istio-control',
    });
    const synthesized = Testing.synth(chart);
    const tester = findObject(synthesized, 'Deployment', 'flagger-loadtester');
    const policy = findObject(synthesized, 'NetworkPolicy', 'flagger-loadtester');
    expect(tester.spec.template.spec.containers[0].command).toContain('-namespace-regexp=^(shop|blog)$');
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'flagger-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'flagger' } } }]);
    expect(policy.spec.egress[1].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('istio-control');
    expect(policy.spec.egress[2].to).toEqual(['shop', 'blog'].map((name) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })));
    expect(validateStrictly(synthesized)).toEqual([]);
  });

  test('the NetworkPolicy can be left to the cluster\'s own policies', () => {
    const chart = newChart();
    new LoadTester(chart, 'tester', { namespace: new MeshNamespace(chart, 'ns'), networkPolicy: false });
    expect(Testing.synth(chart).map((object) => object.kind)).not.toContain('NetworkPolicy');
  });

  test('a Canary outside the namespaces it serves is refused: the loadtester would answer 403', () => {
    const chart = newChart();
    const tools = new MeshNamespace(chart, 'tools', { name: 'tools' });
    const shop = new MeshNamespace(chart, 'shop', { name: 'shop' });
    const tester = new LoadTester(chart, 'tester', { namespace: tools });
    const podinfo = new Podinfo(chart, 'podinfo', { namespace: shop });
    expect(() => new Canary(chart, 'canary', { target: podinfo.canaryTarget, webhooks: [tester.loadTest()] }))
      .toThrow(/test\/canary: webhooks is "http:\/\/flagger-loadtester.tools\/"; test\/tester serves Canaries in tools only \(-namespace-regexp\) and would answer 403; add "shop" to its canaryNamespaces/);
  });

  test('gates: confirm webhooks to /gate/check by default, or approve/halt; rollback to /rollback/check', () => {
    const { canary } = buildWith((tester) => [
      tester.confirmRollout(),
      tester.confirmTrafficIncrease({ gate: LoadTesterGate.APPROVE, muteAlert: true }),
      tester.confirmPromotion({ gate: LoadTesterGate.HALT, name: 'hold' }),
      tester.rollbackGate(),
    ]);
    expect(canary.spec.analysis.webhooks).toMatchSnapshot();
    expect(canary.spec.analysis.webhooks).toEqual([
      { name: 'rollout-gate', type: 'confirm-rollout', url: 'http://flagger-loadtester.test/gate/check' },
      { name: 'traffic-increase-gate', type: 'confirm-traffic-increase', url: 'http://flagger-loadtester.test/gate/approve', muteAlert: true },
      { name: 'hold', type: 'confirm-promotion', url: 'http://flagger-loadtester.test/gate/halt' },
      { name: 'rollback-gate', type: 'rollback', url: 'http://flagger-loadtester.test/rollback/check' },
    ]);
  });

  test('the operator\'s gate actions run inside the loadtester pod, which the NetworkPolicy allows', () => {
    expect(loadTester.gateCommand(LoadTesterGateAction.OPEN_GATE, 'test', 'podinfo'))
      .toBe('kubectl -n test exec deploy/flagger-loadtester -- curl -sd \'{"name":"podinfo","namespace":"test"}\' http://localhost:8080/gate/open');
    expect(loadTester.gateCommand(LoadTesterGateAction.CLOSE_ROLLBACK, 'test', 'podinfo')).toMatch(/\/rollback\/close$/);
    expect(() => loadTester.gateCommand(LoadTesterGateAction.OPEN_GATE, 'test', 'x;id')).toThrow(/tester: canaryName is "x;id"/);
  });

  test('typed commands: the runner and its output options become the loadtester\'s metadata', () => {
    const { canary } = buildWith((tester) => [
      tester.command(WebhookType.ROLLOUT, { name: 'grpc-load', command: 'ghz -z 1m --insecure podinfo-canary.test:9898' }),
      tester.command(WebhookType.PRE_ROLLOUT, { name: 'bats', command: 'bats /tests/acceptance.bats', runner: LoadTesterRunner.BASH, returnOutput: true, timeout: Duration.minutes(5) }),
    ]);
    expect(canary.spec.analysis.webhooks).toEqual([
      { name: 'grpc-load', type: 'rollout', url: 'http://flagger-loadtester.test/', metadata: { type: 'cmd', cmd: 'ghz -z 1m --insecure podinfo-canary.test:9898', logCmdOutput: 'true' } },
      { name: 'bats', type: 'pre-rollout', url: 'http://flagger-loadtester.test/', timeout: '5m', metadata: { type: 'bash', cmd: 'bats /tests/acceptance.bats', returnCmdOutput: 'true' } },
    ]);
  });

  test.each<[string, (tester: LoadTester) => any, RegExp]>([
    ['an operator action as a gate', (tester) => tester.confirmRollout({ gate: '/gate/open' as any }), /canary: gate.gate is "\/gate\/open"; use LoadTesterGate.CHECK, APPROVE or HALT; \/gate\/open and \/gate\/close are what an operator calls/],
    ['a command over two lines', (tester) => tester.command(WebhookType.ROLLOUT, { name: 'x', command: 'a\nb' }), /canary: webhooks\["x"\].command is "a\\nb"; give one command line/],
    ['output of a background command', (tester) => tester.command(WebhookType.ROLLOUT, { name: 'x', command: 'hey', returnOutput: true }), /canary: webhooks\["x"\].returnOutput is true; the loadtester returns output only from blocking runners/],
    ['an unknown runner', (tester) => tester.command(WebhookType.ROLLOUT, { name: 'x', command: 'k6 run', runner: 'k6' as any }), /canary: webhooks\["x"\].runner is "k6"; use a LoadTesterRunner/],
  ])('rejects %s with the field and the fix', (_name, webhook, message) => {
    expect(() => buildWith((tester) => [webhook(tester)])).toThrow(message);
  });

  test('a shared loadtester of another team is referenced by its Service: no objects, recorded as external', () => {
    // The synth-time lint does not read the external objects yet, so it is off here.
    const app = Testing.app();
    app.node.setContext(LINT_CONTEXT_DISABLE, true);
    const chart = new Chart(app, 'test');
    const namespace = new MeshNamespace(chart, 'ns');
    const shared = LoadTester.fromService(chart, 'shared', { namespace: 'flagger', canaryNamespaces: ['test'] });
    const podinfo = new Podinfo(chart, 'podinfo', { namespace });
    const canary = new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler, webhooks: [shared.acceptanceTest(), shared.confirmPromotion()] });
    new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gw') });
    const synthesized = Testing.synth(chart);
    expect(synthesized.filter((object) => object.metadata.name === 'flagger-loadtester')).toEqual([]);
    expect(findObject(synthesized, 'Canary', 'podinfo').spec.analysis.webhooks.map((webhook: Json) => webhook.url))
      .toEqual(['http://flagger-loadtester.flagger/', 'http://flagger-loadtester.flagger/gate/check']);
    expect(ExternalObjects.of(chart).list()).toEqual([{ kind: 'Service', namespace: 'flagger', name: 'flagger-loadtester', path: 'test/shared' }]);
    expect(shared.gateCommand(LoadTesterGateAction.OPEN_GATE, 'test', 'podinfo')).toBe('curl -sd \'{"name":"podinfo","namespace":"test"}\' http://flagger-loadtester.flagger/gate/open');
  });

  test('a loadtester by URL is not recorded: lint still checks the URL', () => {
    const chart = newChart();
    const byUrl = LoadTester.fromUrl(chart, 'ext', 'http://loadtester.tools.svc.cluster.local:8080');
    expect(byUrl.url).toBe('http://loadtester.tools.svc.cluster.local:8080/');
    expect(ExternalObjects.of(chart).list()).toEqual([]);
    expect(() => LoadTester.fromUrl(newChart(), 'ext', 'loadtester:80')).toThrow(/test\/ext: url is "loadtester:80"; use an absolute http:\/\/ or https:\/\/ URL/);
    expect(() => LoadTester.fromService(newChart(), 'shared', { namespace: 'Tools' })).toThrow(/test\/shared: namespace is "Tools"/);
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

  test('the load test may go through the apex Service, sending an A/B test\'s header', () => {
    const { webhooks: apex } = build({ route: LoadTestRoute.APEX_SERVICE, headers: { 'x-canary': 'insider', 'Cookie': 'canary=always' }, warmUp: false });
    expect(apex[1].metadata.cmd).toBe("hey -z 1m55s -q 10 -c 2 -H 'x-canary: insider' -H 'Cookie: canary=always' http://podinfo.test:9898/");
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
    const canary = new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler, port: 80, targetPortName: 'http', webhooks: [tester.loadTest({ path: '/api', requestsPerSecond: 5, concurrency: 4, duration: Duration.minutes(3), warmUp: false })] });
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
    [{ name: 'x'.repeat(60) }, /canary: loadTest.name is "x{60}-warmup"/],
    [{ headers: { 'x-a': "b'; id" } }, /canary: loadTest.headers\["x-a"\] is "b'; id"; use letters, digits, spaces/],
    [{ headers: { 'x a': 'b' } }, /canary: loadTest.headers is "x a"; use a header name/],
    [{ route: 'pod' as any }, /canary: loadTest.route is "pod"; use LoadTestRoute.CANARY_SERVICE or LoadTestRoute.APEX_SERVICE/],
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
    [{ canaryNamespaces: [] }, /tester: canaryNamespaces is \[\]; list the namespaces of the Canaries it serves/],
    [{ canaryNamespaces: ['Shop'] }, /tester: canaryNamespaces\[0\] is "Shop"/],
    [{ flaggerPodLabels: {} }, /tester: flaggerPodLabels is \{\}; name the labels of Flagger's pods/],
    [{ networkPolicy: false, flaggerNamespace: 'flagger' }, /tester: networkPolicy is false; flaggerNamespace, flaggerPodLabels and istioNamespace only shape the NetworkPolicy/],
  ])('rejects %j with the field and the fix', (props, message) => {
    const chart = newChart();
    const namespace = new MeshNamespace(chart, 'ns');
    expect(() => new LoadTester(chart, 'tester', { namespace, ...props })).toThrow(message);
  });
});
