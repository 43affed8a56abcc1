import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import { Canary, CanaryMetric, FlaggerTutorialChart, LINT_CONTEXT_DISABLE, LINT_CONTEXT_SCRAPE_INTERVAL, MeshNamespace, Podinfo } from '../lib';

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

  test('a bad scrape interval in the context is named', () => {
    const app = appWithContext({ [LINT_CONTEXT_SCRAPE_INTERVAL]: 'soon' });
    new FlaggerTutorialChart(app, 'podinfo');
    expect(() => app.synth()).toThrow('context flagger-doctor:scrape-interval is "soon"; use a Go duration such as "15s".');
  });

  test('the lint can be turned off through the app context', () => {
    const app = appWithContext({ [LINT_CONTEXT_DISABLE]: true });
    const chart = new FlaggerTutorialChart(app, 'podinfo');
    new ApiObject(chart, 'my-vs', { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace: 'test' }, spec: {} });
    expect(() => app.synth()).not.toThrow();
  });
});
