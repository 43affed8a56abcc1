import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import { constructHint } from '../lib/constructs/internal/synth-lint-hints';
import * as kplus from 'cdk8s-plus-25';
import {
  Canary, CanaryAutoscaler, CanaryMetric, CanaryTarget, CanaryTargetKind, FlaggerTutorialChart, IngressRoute, IstioGateway, LINT_CONTEXT_DISABLE, LINT_CONTEXT_RULES,
  LINT_CONTEXT_SCRAPE_INTERVAL, LoadTester, MeshNamespace, Podinfo,
} from '../lib';

function synthError(app: App): string {
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

function appWithContext(context: Record<string, unknown>): App {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  return app;
}

function captureStderr(run: () => void): string {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    run();
    return spy.mock.calls.map(([text]) => String(text)).join('');
  } finally {
    spy.mockRestore();
  }
}

describe('flagger-doctor lint at synth time', () => {
  test('the tutorial chart synthesizes with no finding at all', () => {
    const app = Testing.app();
    new FlaggerTutorialChart(app, 'podinfo');
    expect(captureStderr(() => app.synth())).toBe('');
  });

  test('an error fails the synth with the construct path, the rule and the fix', () => {
    // GIVEN a hand-written VirtualService that Flagger would overwrite
    const app = Testing.app();
    const chart = new FlaggerTutorialChart(app, 'podinfo');
    new ApiObject(chart, 'my-vs', {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace: 'test' }, spec: { hosts: ['podinfo'] },
    });
    // WHEN / THEN
    expect(() => app.synth()).toThrow(/\[podinfo\/canary\] VirtualService\/test\/podinfo \(podinfo\/my-vs\): error virtualservice-takeover: .*Fix: /);
  });

  test('each finding is reported once, by the Canary in its namespace', () => {
    const app = Testing.app();
    const chart = new FlaggerTutorialChart(app, 'a', { namespace: 'a' });
    new FlaggerTutorialChart(app, 'b', { namespace: 'b', gateway: chart.gateway });
    new ApiObject(chart, 'takeover', { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace: 'b' }, spec: {} });
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.match(/virtualservice-takeover/g)).toHaveLength(1);
    expect(message).toContain('[b/canary] VirtualService/b/podinfo (a/takeover)');
  });

  test('a Canary without its route fails: delegation with nothing delegating to it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'bare');
    const namespace = new MeshNamespace(chart, 'ns');
    const podinfo = new Podinfo(chart, 'podinfo', { namespace });
    new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler });
    expect(() => Testing.synth(chart)).toThrow(/\[bare\/canary\] Canary\/test\/podinfo \(bare\/canary\/Resource\): error delegation-broken/);
  });

  test('warnings are printed once and do not fail the synth', () => {
    const app = Testing.app();
    new FlaggerTutorialChart(app, 'podinfo', {
      analysis: { metrics: [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration({ interval: Duration.seconds(30) })] },
    });
    const stderr = captureStderr(() => app.synth());
    expect(stderr.match(/flagger-doctor: Canary\/test\/podinfo \(podinfo\/canary\/Resource\): warning metric-window-short: /g)).toHaveLength(1);
  });

  test('the scrape interval is read from the app context', () => {
    const app = appWithContext({ [LINT_CONTEXT_SCRAPE_INTERVAL]: '30s' });
    new FlaggerTutorialChart(app, 'podinfo');
    expect(captureStderr(() => app.synth())).toMatch(/warning metric-window-short: .*30s/);
  });

  test.each(['soon', '-15s', '0s', 15])('a bad scrape interval in the context (%p) is named', (value) => {
    const app = appWithContext({ [LINT_CONTEXT_SCRAPE_INTERVAL]: value });
    new FlaggerTutorialChart(app, 'podinfo');
    expect(() => app.synth()).toThrow(`context flagger-doctor:scrape-interval is ${JSON.stringify(value)}; use a positive Go duration such as 15s or 1m.`);
  });

  test('the lint can be turned off through the app context', () => {
    const app = appWithContext({ [LINT_CONTEXT_DISABLE]: true });
    const chart = new FlaggerTutorialChart(app, 'podinfo');
    new ApiObject(chart, 'my-vs', { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace: 'test' }, spec: {} });
    expect(() => app.synth()).not.toThrow();
  });

  test('flagger-doctor:rules sets the level of each rule', () => {
    const shortWindow = { analysis: { metrics: [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration({ interval: Duration.seconds(30) })] } };
    const error = appWithContext({ [LINT_CONTEXT_RULES]: { 'metric-window-short': 'error' } });
    new FlaggerTutorialChart(error, 'podinfo', shortWindow);
    expect(synthError(error)).toMatch(/error metric-window-short: .*Fix: pass a longer interval to the CanaryMetric/);

    const off = appWithContext({ [LINT_CONTEXT_RULES]: { 'metric-window-short': 'off' } });
    new FlaggerTutorialChart(off, 'podinfo', shortWindow);
    expect(captureStderr(() => off.synth())).toBe('');
  });

  test('flagger-doctor:rules as JSON text, as cdk8s.yaml and --context give it', () => {
    const app = appWithContext({ [LINT_CONTEXT_RULES]: '{"metric-window-short": "off"}' });
    new FlaggerTutorialChart(app, 'podinfo');
    expect(captureStderr(() => app.synth())).toBe('');
  });

  test.each([
    [{ 'metric-window-shrt': 'off' }, /^context flagger-doctor:rules names the rule "metric-window-shrt", which does not exist; the rules are /],
    [{ 'metric-window-short': 'quiet' }, 'context flagger-doctor:rules sets rule metric-window-short to "quiet"; use one of off, info, warning, error.'],
    ['{not json', 'context flagger-doctor:rules is "{not json", which is not JSON; give a mapping such as {"namespace-missing": "off"}.'],
  ])('a bad flagger-doctor:rules is named: %j', (value, message) => {
    const app = appWithContext({ [LINT_CONTEXT_RULES]: value });
    new FlaggerTutorialChart(app, 'podinfo');
    expect(() => app.synth()).toThrow(message);
  });
});

describe('the synth-time lint beside objects other teams own', () => {
  function platform(app: App): Chart {
    const chart = new Chart(app, 'shop');
    const namespace = MeshNamespace.fromName(chart, 'ns', 'shop');
    const podinfo = new Podinfo(chart, 'podinfo', { namespace });
    const loadTester = LoadTester.fromService(chart, 'loadtester', { namespace: 'flagger', canaryNamespaces: ['shop'] });
    const canary = new Canary(chart, 'canary', {
      target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler,
      webhooks: [loadTester.acceptanceTest(), loadTester.loadTest()],
    });
    const edge = IstioGateway.fromName(chart, 'edge', { namespace: 'istio-ingress', name: 'edge', hosts: ['*.example.com'] });
    new IngressRoute(chart, 'route', { canary, gateway: edge, hosts: ['shop.example.com'] });
    return chart;
  }

  test('a referenced Namespace, loadtester and Gateway raise no "missing" finding', () => {
    const app = Testing.app();
    platform(app);
    expect(synthError(app)).toBe('');
  });

  test('what is neither synthesized nor referenced is an error, with the fix worded for the constructs', () => {
    // GIVEN a Canary whose target another app deploys, in a namespace nothing creates or references
    const app = Testing.app();
    const chart = new Chart(app, 'payments');
    new Canary(chart, 'canary', { target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'payments', name: 'api' }), analysis: {} });

    // WHEN synthesized
    const message = synthError(app);

    // THEN the namespace is reported, and the fix names the construct API, not a manifest edit
    expect(message).toContain('error namespace-missing: Canary payments/api is in namespace payments');
    expect(message).toContain("Fix: create the namespace with new MeshNamespace(scope, id, { name: 'payments' }) and pass it as the workload's namespace, "
      + "or refer to the one another app creates: MeshNamespace.fromName(scope, id, 'payments').");
  });

  test('a host the referenced Gateway does not serve is still checked', () => {
    // GIVEN a hand-written root VirtualService bound to the mesh team's Gateway with a host it does not serve
    const app = Testing.app();
    const chart = platform(app);
    new ApiObject(chart, 'legacy-route', {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
      metadata: { name: 'legacy', namespace: 'shop' },
      spec: { hosts: ['shop.example.org'], gateways: ['istio-ingress/edge'], http: [{ route: [{ destination: { host: 'podinfo' } }] }] },
    });
    expect(synthError(app)).toMatch(/VirtualService\/shop\/legacy \(shop\/legacy-route\): error gateway-host-mismatch: .*declared with hosts \*\.example\.com/);
  });

  test('addToNamespace(deployment, hpa, canary) orders them after the namespace: no namespace-order finding (issue 11)', () => {
    // GIVEN the app: a cdk8s-plus Deployment and HPA created after the namespace, then added to it
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    const deployment = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'shop' }, select: false, podMetadata: { labels: { app: 'web' } },
      containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.0', ports: [{ number: 9898, name: 'http' }], securityContext: { ensureNonRoot: true, user: 1000 } }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    const hpa = new kplus.HorizontalPodAutoscaler(chart, 'hpa', { metadata: { name: 'web', namespace: 'shop' }, target: deployment, maxReplicas: 3 });
    const canary = new Canary(chart, 'canary', { target: CanaryTarget.fromDeployment(deployment), autoscaler: CanaryAutoscaler.fromHorizontalPodAutoscaler(hpa), analysis: {} });
    const route = new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gw', { hosts: ['*'] }) });

    // WHEN they are added to the namespace
    namespace.addToNamespace(deployment, hpa, canary, route);

    // THEN the lint, which runs on the objects in the order cdk8s writes them, finds no namespace-order
    expect(synthError(app)).not.toContain('namespace-order');
  });

  test('two Canary constructs for one Deployment are an error that names both construct paths', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'dup');
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    const podinfo = new Podinfo(chart, 'podinfo', { namespace });
    new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler });
    new Canary(chart, 'again', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler });
    expect(synthError(app)).toContain('error duplicate-object: Canary/shop/podinfo (dup/again/Resource) is also defined at dup/canary/Resource: '
      + 'two constructs synthesize the same object. Fix: give one of the two constructs another name');
  });

  test('two objects of one kind, namespace and name are an error that names both', () => {
    const app = Testing.app();
    const chart = new FlaggerTutorialChart(app, 'podinfo');
    new kplus.ConfigMap(chart, 'a', { metadata: { name: 'settings', namespace: 'test' }, data: { a: '1' } });
    new kplus.ConfigMap(chart, 'b', { metadata: { name: 'settings', namespace: 'test' }, data: { a: '2' } });
    expect(synthError(app)).toMatch(/ConfigMap\/test\/settings \(podinfo\/b\/Resource\)[^\n]* is also defined, differently, at podinfo\/a\/Resource/);
  });
});

describe('fixes worded for the construct API', () => {
  const finding = (rule: string, message: string, hint = 'add Service test/x to the manifests.') => ({
    severity: 'error' as const, rule, kind: 'Canary', namespace: 'test', name: 'podinfo', file: 'dist/app.k8s.yaml', message, hint,
  });

  test('a missing object gets the construct that refers to one another team owns', () => {
    expect(constructHint(finding('webhook-url-unresolved', 'webhook "x" URL http://x.test/ names Service test/x, which is not in the manifests (no Services).')))
      .toContain('LoadTester.fromService(scope, id, { namespace, name })');
    expect(constructHint(finding('namespace-order', 'Namespace test comes after 3 objects in it'))).toContain("MeshNamespace's addToNamespace(...)");
  });

  test('other findings of the same rule, and near misses, keep the engine\'s fix', () => {
    expect(constructHint(finding('webhook-url-unresolved', 'webhook "x" URL http://x.test/: Service test/x selects pods with app=x, but no workload ...'))).toBeUndefined();
    expect(constructHint(finding('webhook-url-unresolved', 'names Service test/x, which is not in the manifests.', 'did you mean http://y.test/ ?'))).toBeUndefined();
    expect(constructHint(finding('weights-invalid', 'anything'))).toBeUndefined();
  });
});
