import { planCanaries } from '../../../../lib/doctor/plan/plan';
import { canarySpec, findingsOf, tutorial, withFlagger, withYaml } from '../helpers';

function metric(objects: any[], name: string) {
  return canarySpec(objects).analysis.metrics.find((m: any) => m.name === name);
}

describe('metric-window-short', () => {
  const RULE = 'metric-window-short';

  test('the tutorial\'s 30s request-duration window is a warning at a 15s scrape', () => {
    const findings = findingsOf(tutorial(), RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('metric "request-duration" interval 30s spans 2 Prometheus scrapes at 15s '
      + '(assumed: the interval of Istio\'s Prometheus addon; give yours with --scrape-interval)');
    expect(findings[0].hint).toBe('set interval: 1m or more (4 × the 15s scrape interval).');
  });

  test('1m windows pass at 15s', () => {
    const objects = tutorial();
    metric(objects, 'request-duration').interval = '1m';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a slower scrape interval makes Flagger\'s default 1m window too short', () => {
    const objects = tutorial();
    delete metric(objects, 'request-success-rate').interval;
    metric(objects, 'request-duration').interval = '2m';
    const findings = findingsOf(objects, RULE, { scrapeIntervalMs: 30_000 });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("interval 1m (Flagger's default) spans 2 Prometheus scrapes at 30s");
  });

  test('an empty interval is Flagger\'s default 1m too, as in plan (Go cannot tell empty from unset)', () => {
    const objects = tutorial();
    metric(objects, 'request-success-rate').interval = '';
    metric(objects, 'request-duration').interval = '2m';
    const findings = findingsOf(objects, RULE, { scrapeIntervalMs: 30_000 });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('metric "request-success-rate" interval 1m (Flagger\'s default) spans 2 Prometheus scrapes at 30s'),
    ]);
    const [success] = planCanaries(objects, { scrapeIntervalMs: 30_000 })[0].metrics;
    expect(success).toMatchObject({ name: 'request-success-rate', windowMs: 60_000, scrapesPerWindow: 2 });
  });

  test('a ServiceMonitor of the canary in the manifests gives the scrape interval (the Prometheus Operator tutorial)', () => {
    // GIVEN ServiceMonitors that scrape podinfo-canary and podinfo-primary every 5s
    const monitor = (name: string) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: ${name}, namespace: test}
spec:
  endpoints: [{path: /metrics, port: http, interval: 5s}]
  selector: {matchLabels: {app: ${name}}}
`;
    const objects = withYaml(withYaml(tutorial(), monitor('podinfo-canary')), monitor('podinfo-primary'));

    // WHEN linted
    // THEN a 30s window holds 6 scrapes: no finding; at 10s it names the ServiceMonitor as the source
    expect(findingsOf(objects, RULE)).toEqual([]);
    metric(objects, 'request-duration').interval = '10s';
    expect(findingsOf(objects, RULE)[0].message).toContain('spans 2 Prometheus scrapes at 5s (the interval of ServiceMonitor test/podinfo-canary)');
  });

  test('Flagger\'s own Prometheus (-metrics-server http://flagger-prometheus...) scrapes every 5s', () => {
    const objects = withFlagger(tutorial(), ['-mesh-provider=istio', '-metrics-server=http://flagger-prometheus.istio-system:9090']);
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a scrape interval given explicitly wins over the manifests', () => {
    const objects = withFlagger(tutorial(), ['-metrics-server=http://flagger-prometheus:9090']);
    expect(findingsOf(objects, RULE, { scrapeIntervalMs: 15_000 })[0].message).toContain('(the given scrape interval)');
  });

  test.each([
    ['an in-line query without a range (issue #1609)', { query: 'sum(logback_events_total{level="error"}) <= bool 0', thresholdRange: { min: 1 } }],
    ['an in-line query with a fixed window', { query: 'sum(rate(x_total[1m]))', thresholdRange: { max: 1 }, interval: '10s' }],
  ])('%s has no window that the metric interval sets: no finding', (_name, extra) => {
    const objects = tutorial();
    metric(objects, 'request-duration').interval = '1m';
    canarySpec(objects).analysis.metrics.push({ name: 'custom', ...extra });
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a template query that renders {{ interval }} is windowed by the metric interval', () => {
    const objects = withYaml(tutorial(), `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: errors, namespace: test}
spec:
  provider: {type: prometheus, address: http://prometheus.istio-system:9090}
  query: sum(rate(errors_total{namespace="{{ namespace }}"}[{{ interval }}]))
`);
    metric(objects, 'request-duration').interval = '1m';
    canarySpec(objects).analysis.metrics.push({ name: 'errors', templateRef: { name: 'errors' }, thresholdRange: { max: 1 }, interval: '15s' });
    expect(findingsOf(objects, RULE)[0].message).toContain('metric "errors" interval 15s spans 1 Prometheus scrape');
  });
});

describe('metric-threshold-missing', () => {
  const RULE = 'metric-threshold-missing';

  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('request-duration without thresholdRange always fails', () => {
    const objects = tutorial();
    delete metric(objects, 'request-duration').thresholdRange;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('compares the request duration with 0ms and the check always fails');
  });

  test('request-success-rate without thresholdRange always passes', () => {
    const objects = tutorial();
    delete metric(objects, 'request-success-rate').thresholdRange;
    expect(findingsOf(objects, RULE)[0].message).toContain('always passes');
  });

  test('request-success-rate with only max fails on success', () => {
    const objects = tutorial();
    metric(objects, 'request-success-rate').thresholdRange = { max: 99 };
    expect(findingsOf(objects, RULE)[0].message).toContain('has thresholdRange.max 99 but no min');
  });

  test('a custom query without thresholdRange fails whenever the value is above 0', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics.push({ name: 'error-rate', interval: '1m', query: 'sum(rate(errors[1m]))' });
    expect(findingsOf(objects, RULE)[0].message).toContain('whenever the value is above 0');
  });
});

describe('metric-threshold-missing: units', () => {
  const RULE = 'metric-threshold-missing';

  test('a success-rate min written as a fraction is a warning: Flagger measures percent', () => {
    // GIVEN min: 0.99, meant as 99%
    const objects = tutorial();
    metric(objects, 'request-success-rate').thresholdRange = { min: 0.99 };

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the warning explains the unit and gives the percent
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('thresholdRange.min 0.99, which reads like a fraction');
    expect(finding.hint).toBe('write it in percent, e.g. min: 99.');
  });

  test('a duration max written in seconds is a warning: Flagger measures milliseconds', () => {
    const objects = tutorial();
    metric(objects, 'request-duration').thresholdRange = { max: 0.5 };
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('thresholdRange.max 0.5, which reads like seconds');
    expect(finding.hint).toBe('write it in milliseconds, e.g. max: 500.');
  });

  test.each([[{ min: 99.9 }, 'request-success-rate'], [{ max: 1 }, 'request-duration'], [{ min: 1.5 }, 'request-success-rate']])(
    '%p on %s is taken as written', (range, name) => {
      const objects = tutorial();
      metric(objects, name).thresholdRange = range;
      expect(findingsOf(objects, RULE)).toEqual([]);
    });
});

describe('metric-template-interval-missing', () => {
  const RULE = 'metric-template-interval-missing';
  const template = (query: string, provider = 'prometheus') => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: error-rate, namespace: test}
spec:
  provider: {type: ${provider}, address: http://prometheus.istio-system:9090}
  query: ${JSON.stringify(query)}
`;
  const withTemplateMetric = (query: string, interval?: string, provider?: string) => {
    const objects = withYaml(tutorial(), template(query, provider));
    canarySpec(objects).analysis.metrics.push({ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 }, ...(interval ? { interval } : {}) });
    return objects;
  };

  test('a template metric without interval whose query uses {{ interval }} fails every check', () => {
    // GIVEN a template query with {{ interval }} and a metric without interval
    const objects = withTemplateMetric('sum(rate(errors[{{ interval }}]))');

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN it is an error: Flagger passes an empty interval to template metrics
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('Flagger gives template metrics no default');
    expect(finding.message).toContain('uses {{ interval }}, which renders empty');
    // and, with no window at all, the window rule does not assume 1m (at a 30s scrape, 1m would be too short)
    expect(findingsOf(objects, 'metric-window-short', { scrapeIntervalMs: 30_000 }).map((f) => f.message).join()).not.toContain('error-rate');
  });

  test('with an interval it passes', () => {
    expect(findingsOf(withTemplateMetric('sum(rate(errors[{{ interval }}]))', '1m'), RULE)).toEqual([]);
  });

  test('a query without {{ interval }} on Prometheus needs none', () => {
    expect(findingsOf(withTemplateMetric('sum(errors)'), RULE)).toEqual([]);
  });

  test('a provider that parses the interval needs one whatever the query', () => {
    const [finding] = findingsOf(withTemplateMetric('avg:errors{*}', undefined, 'datadog'), RULE);
    expect(finding.message).toContain('its datadog provider parses the interval');
  });
});

describe('metric-unknown', () => {
  const RULE = 'metric-unknown';

  test('built-in metrics pass', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a MetricTemplate that is not in the manifests is a note by default, a warning when they are complete', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics.push({ name: 'latency', templateRef: { name: 'latency', namespace: 'istio-system' }, thresholdRange: { max: 500 }, interval: '1m' });
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('references MetricTemplate istio-system/latency, which is not in the linted manifests. It is assumed to be installed separately');
    expect(findingsOf(objects, RULE, { completeness: 'complete' })[0].severity).toBe('warning');
  });

  test('a misspelt built-in metric fails every check', () => {
    const objects = tutorial();
    metric(objects, 'request-success-rate').name = 'request-success';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('"request-success" is not a built-in metric');
    expect(finding.hint).toBe('did you mean "request-success-rate" ?');
  });

  test('a templateRef to a MetricTemplate that is not in the manifests is reported; with the template it passes', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics.push({ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } });
    expect(findingsOf(objects, RULE)[0].message).toContain('MetricTemplate test/error-rate, which is not in the linted manifests');
    const withTemplate = withYaml(objects, `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: error-rate, namespace: test}
spec:
  provider: {type: prometheus, address: http://prometheus.istio-system:9090}
  query: sum(rate(errors[{{ interval }}]))
`);
    expect(findingsOf(withTemplate, RULE)).toEqual([]);
  });
});
