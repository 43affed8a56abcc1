import * as fs from 'fs';
import * as path from 'path';
import { explain } from '../../../lib/doctor/explain/explain';
import { ExplainedMessage } from '../../../lib/doctor/explain/report';
import { manifestCrossReference } from '../../../lib/doctor/explain/cross-reference';
import { lint } from '../../../lib/doctor/lint/engine';
import { parseLogInput } from '../../../lib/doctor/input/logs';
import { fromObjects, loadManifests } from '../../../lib/doctor/input/manifests';
import { Finding } from '../../../lib/doctor/lint/rule';
import { REFERENCE_DIR } from '../../support/reference';

const FIXTURES = path.join(__dirname, 'fixtures');
const GOOD = path.join(FIXTURES, 'manifests', 'good');
const BROKEN = path.join(FIXTURES, 'manifests', 'broken');

function explainWith(manifestDir: string, logs: string, options: { withLint?: boolean } = {}): ExplainedMessage[] {
  const objects = loadManifests([manifestDir]);
  const findings: Finding[] = options.withLint === false ? [] : lint(objects);
  const report = explain([parseLogInput(logs)], { crossReference: manifestCrossReference(objects, findings) });
  return report.messages;
}

const log = (msg: string): string => JSON.stringify({ level: 'info', ts: '2026-11-26T10:02:03.527Z', msg, canary: 'podinfo.test' });

const DNS_FAILURE = log('Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtester.tst/ giving up after 1 attempt(s): Post "http://flagger-loadtester.tst/": dial tcp: lookup flagger-loadtester.tst on 10.96.0.10:53: no such host');
const NO_VALUES_DURATION = log('Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic');

describe('a failing webhook URL against the Services of the manifests', () => {
  test('a wrong URL in the manifests is lint\'s webhook-url-unresolved finding, with its fix, and not said twice', () => {
    // GIVEN the manifests that ship the typo
    const [message] = explainWith(BROKEN, DNS_FAILURE);
    // THEN lint's finding names the right URL, and no note of this module repeats it
    expect(message.evidence.some((note) => note.startsWith('lint error webhook-url-unresolved (Canary/podinfo)') && note.includes('http://flagger-loadtester.test/'))).toBe(true);
    expect(message.evidence.some((note) => note.startsWith('http://flagger-loadtester.tst/ names Service'))).toBe(false);
  });

  test('when the cluster called another URL than the manifests say, re-applying is the fix, and the right Service is named', () => {
    // GIVEN correct manifests, but a cluster still running the Canary with the typo: lint has nothing to say
    const [message] = explainWith(GOOD, DNS_FAILURE);
    expect(message.evidence).toEqual([
      'Flagger called http://flagger-loadtester.tst/, but your manifests say http://flagger-loadtester.test/: the cluster runs an older Canary; re-apply your manifests.',
      'http://flagger-loadtester.tst/ names Service tst/flagger-loadtester, which is not in your manifests. The right one is Service test/flagger-loadtester (port 80): use http://flagger-loadtester.test/.',
    ]);
  });

  test('a URL that matches a Service and its port is confirmed, so the cause lies elsewhere', () => {
    const [message] = explainWith(GOOD, log('Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtester.test/ giving up after 1 attempt(s): Post "http://flagger-loadtester.test/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'));
    expect(message.evidence).toContain('http://flagger-loadtester.test/ reaches Service test/flagger-loadtester on port 80: the address matches your manifests.');
    expect(message.evidence).toContain('Webhook load-test has timeout 5s.');
    // and the timeout from the manifests is filled into the diagnosis
    expect(message.diagnosis.causes[0].text).toContain("webhook's timeout (5s)");
  });

  test('lint findings about another webhook are left out', () => {
    // GIVEN manifests whose load-test webhook has a wrong URL, and a failure of the acceptance test
    const [message] = explainWith(BROKEN, log('Halt podinfo.test advancement pre-rollout check acceptance-test failed POST http://flagger-loadtester.test/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error'));
    // THEN no finding about load-test is shown as evidence for acceptance-test
    expect(message.evidence.filter((note) => note.includes('webhook "load-test"'))).toEqual([]);
    // while the load-test's own failure does show them
    const [loadTest] = explainWith(BROKEN, DNS_FAILURE);
    expect(loadTest.evidence.some((note) => note.includes('webhook "load-test"'))).toBe(true);
  });

  test('a 5xx is read by the webhook\'s task type from the manifests', () => {
    // GIVEN the manifests: load-test has no metadata.type (cmd), acceptance-test runs type bash
    const fiveHundred = (kind: string, name: string): string => log(`Halt podinfo.test advancement ${kind} ${name} failed POST http://flagger-loadtester.test/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error`);
    const [loadTest] = explainWith(GOOD, fiveHundred('external check', 'load-test'), { withLint: false });
    const [acceptance] = explainWith(GOOD, fiveHundred('pre-rollout check', 'acceptance-test'), { withLint: false });
    // THEN the cmd task's 5xx is not blamed on its command, the bash task's is
    expect(loadTest.diagnosis.causes[0].text).toMatch(/answers with 202 as soon as it accepts it/);
    expect(JSON.stringify(loadTest.diagnosis)).not.toMatch(/exited non-zero/);
    expect(acceptance.diagnosis.causes[0].text).toMatch(/^The loadtester ran the command and it exited non-zero/);
  });

  test('a port the Service does not expose is pointed out with the right one', () => {
    const [message] = explainWith(GOOD, log('Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtester.test:8080/ giving up after 1 attempt(s): Post "http://flagger-loadtester.test:8080/": dial tcp 10.96.142.17:8080: connect: connection refused'), { withLint: false });
    expect(message.evidence).toContain('http://flagger-loadtester.test:8080/ uses port 8080, but Service test/flagger-loadtester only exposes 80: use http://flagger-loadtester.test/.');
  });

  test('a failing command is checked URL by URL, resolved from the loadtester\'s namespace', () => {
    const [message] = explainWith(GOOD, log('Halt podinfo.test advancement pre-rollout check acceptance-test failed POST http://flagger-loadtester.test/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error'));
    expect(message.evidence).toContain('In metadata.cmd: http://podinfo-canary.test:9898/token reaches Service test/podinfo-canary (created by Flagger for Canary test/podinfo) on port 9898: the address matches your manifests.');
    // the command from the manifests is what the user is told to run in the loadtester
    expect(message.diagnosis.causes[0].checks.map((c) => c.command)).toContain(`kubectl -n test exec deploy/flagger-loadtester -- bash -c 'curl -sd '\\''test'\\'' http://podinfo-canary.test:9898/token | grep token'`);
  });
});

describe('"no values found" against the manifests', () => {
  test('the broken tutorial: what lint cannot say is added, and nothing rules a real cause out', () => {
    const [message] = explainWith(BROKEN, NO_VALUES_DURATION, { withLint: false });
    // THEN the missing logCmdOutput is noted; the wrong host, the label and the window are lint's (next test)
    expect(message.evidence).toEqual([
      'Webhook load-test does not set logCmdOutput: "true", so the loadtester does not log the command\'s output and errors like "no such host" stay invisible.',
    ]);
    // the metric's own window is used in the diagnosis and its query
    expect(message.diagnosis.summary).toContain('over the last 30s');
  });

  test('with lint, the findings that explain the message are reused', () => {
    const [message] = explainWith(BROKEN, NO_VALUES_DURATION);
    const rules = message.evidence.filter((note) => note.startsWith('lint ')).map((note) => note.split(' ')[2]);
    expect(rules).toEqual(expect.arrayContaining(['namespace-injection', 'command-wrong-service', 'metric-window-short']));
  });

  test('a lint finding about another metric is not shown', () => {
    const [message] = explainWith(BROKEN, log('Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic: running query failed: no values found'));
    expect(message.evidence.some((note) => note.includes('metric-window-short'))).toBe(false);
    expect(message.evidence).toContain('Metric request-success-rate uses interval 1m (4 scrapes of 15s): long enough.');
  });

  test('the good manifests rule causes out instead', () => {
    const [message] = explainWith(GOOD, NO_VALUES_DURATION);
    expect(message.evidence).toEqual([
      'The load test (webhook load-test) targets http://podinfo-canary.test:9898/, the canary\'s Service: the URL is right.',
      'Namespace test has istio-injection=enabled in your manifests, so missing sidecars are unlikely (unless the pods predate the label).',
      'Metric request-duration uses interval 1m (4 scrapes of 15s): long enough.',
    ]);
  });

  test('a Namespace missing from the manifests is said to be unknown, not assumed (lint runs when no findings are given)', () => {
    const objects = loadManifests([path.join(GOOD, 'canary.yaml')]);
    const report = explain([parseLogInput(NO_VALUES_DURATION)], { crossReference: manifestCrossReference(objects) });
    const evidence = report.messages[0].evidence;
    expect(evidence.some((note) => note.startsWith('lint ') && note.includes(' namespace-missing '))).toBe(true);
    expect(evidence.some((note) => note.includes('istio-injection=enabled in your manifests'))).toBe(false);
  });
});

describe('other facts from the manifests', () => {
  test('Flagger\'s namespace and Prometheus come from its Deployment when the manifests install it', () => {
    const flagger = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'flagger', namespace: 'flagger-system' },
      spec: { template: { spec: { containers: [{ name: 'flagger', image: 'ghcr.io/fluxcd/flagger:1.44.0', args: ['-mesh-provider=istio', '-metrics-server=http://prometheus.monitoring:9090'] }] } } },
    };
    const objects = [...loadManifests([GOOD]), ...fromObjects([flagger])];
    const report = explain([parseLogInput(NO_VALUES_DURATION)], { crossReference: manifestCrossReference(objects) });
    const commands = report.messages[0].diagnosis.causes.flatMap((c) => c.checks.map((check) => check.command));
    expect(commands).toContain('kubectl -n monitoring port-forward svc/prometheus 9090:9090 &');
    expect(commands).toContain("kubectl -n flagger-system get deploy flagger -o jsonpath='{.spec.template.spec.containers[0].args}'");
  });

  test('the threshold and target of the Canary are used', () => {
    const objects = loadManifests([GOOD]);
    const xref = manifestCrossReference(objects);
    expect(xref.canary('podinfo', 'test')).toEqual({ namespace: 'test', target: 'podinfo', threshold: 5 });
    expect(xref.canary('podinfo', undefined)).toEqual({ namespace: 'test', target: 'podinfo', threshold: 5 });
    expect(xref.canary('backend', 'test')).toBeUndefined();
  });

  test('a canary the manifests do not define is said so', () => {
    const objects = loadManifests([GOOD]);
    const report = explain([parseLogInput(JSON.stringify({ msg: 'Halt backend.prod advancement success rate 92.41% < 99%', canary: 'backend.prod' }))], { crossReference: manifestCrossReference(objects) });
    expect(report.messages[0].evidence).toEqual(['Your manifests define no Canary backend in prod (they have test/podinfo).']);
  });

  test('Flagger\'s tutorial reference, as the user applied it, explains the tutorial\'s first problem', () => {
    const objects = loadManifests([REFERENCE_DIR]);
    const [message] = explain([parseLogInput(NO_VALUES_DURATION)], { crossReference: manifestCrossReference(objects, lint(objects)) }).messages;
    expect(message.evidence.some((note) => note.includes('metric-window-short') && note.includes('"request-duration" interval 30s'))).toBe(true);
  });
});

describe('the Prometheus a diagnosis asks to query', () => {
  const LATENCY = log('Halt podinfo.test advancement latency 1.18 > 0.5');
  function portForwards(edit: (canary: any) => void, extra: any[] = []): string[] {
    const objects = loadManifests([GOOD]);
    edit(objects.find((s) => s.object.kind === 'Canary')!.object.spec);
    const report = explain([parseLogInput(LATENCY)], { crossReference: manifestCrossReference([...objects, ...fromObjects(extra)]) });
    return report.messages[0].diagnosis.causes.flatMap((c) => c.checks).filter((check) => check.command.includes('port-forward')).map((check) => `${check.command}  # ${check.look}`);
  }
  const latencyMetric = (canary: any): void => {
    canary.analysis.metrics = [{ name: 'latency', templateRef: { name: 'latency' }, thresholdRange: { max: 0.5 }, interval: '1m' }];
  };

  test('is the one the metric\'s template names, with its port, when it is a Service in the cluster', () => {
    const template = {
      apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: { name: 'latency', namespace: 'test' },
      spec: { provider: { type: 'prometheus', address: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9091' }, query: 'histogram_quantile(0.99, sum(rate(x_bucket[{{ interval }}])) by (le))' },
    };
    expect(portForwards(latencyMetric, [template])).toEqual([
      'kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090:9091 &  # then run the query below (the Prometheus the template names)',
    ]);
  });

  test('is the cluster\'s default when the template names a host outside the cluster, said to be Istio\'s under another provider', () => {
    const template = {
      apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: { name: 'latency', namespace: 'test' },
      spec: { provider: { type: 'prometheus', address: 'https://prometheus.example.com' }, query: 'sum(x)' },
    };
    expect(portForwards((canary) => { latencyMetric(canary); canary.provider = 'nginx'; }, [template])).toEqual([
      "kubectl -n istio-system port-forward svc/prometheus 9090:9090 &  # then run the query below (istio-system/prometheus is Istio's; under nginx use the Prometheus in Flagger's -metrics-server)",
    ]);
    expect(portForwards(latencyMetric, [template])).toEqual(['kubectl -n istio-system port-forward svc/prometheus 9090:9090 &  # then run the query below']);
  });
});

describe('Flagger\'s defaults, read as lint and plan read them', () => {
  function explainObjects(edit: (canary: any) => void, logs: string): ExplainedMessage[] {
    const objects = loadManifests([GOOD]);
    edit(objects.find((s) => s.object.kind === 'Canary')!.object.spec);
    return explain([parseLogInput(logs)], { crossReference: manifestCrossReference(objects, lint(objects)) }).messages;
  }
  const TIMEOUT = log('Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtester.test/ giving up after 1 attempt(s): Post "http://flagger-loadtester.test/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)');

  test('a webhook timeout shorter than two characters is Flagger\'s 10s default', () => {
    const [message] = explainObjects((spec) => {
      spec.analysis.webhooks.find((w: any) => w.name === 'load-test').timeout = '5';
    }, TIMEOUT);
    expect(message.evidence).toContain('Webhook load-test has timeout 10s (default).');
  });

  test('the window of a metric: 1m when a built-in metric\'s interval is empty, none for a template metric without interval', () => {
    const withMetric = (metric: Record<string, unknown>) => (spec: any) => spec.analysis.metrics.push(metric);
    const [builtin] = explainObjects((spec) => {
      spec.analysis.metrics.find((m: any) => m.name === 'request-duration').interval = '';
    }, NO_VALUES_DURATION);
    expect(builtin.context.fields.interval).toBe('1m');
    const custom = log('Halt advancement no values found for custom metric: error-rate');
    const [template] = explainObjects(withMetric({ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } }), custom);
    expect(template.context.fields.interval).toBeUndefined();
    const [withInterval] = explainObjects(withMetric({ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 }, interval: '2m' }), custom);
    expect(withInterval.context.fields.interval).toBe('2m');
  });
});
