import { canarySpec, findingsOf, tutorial, withYaml } from './helpers';

function metric(objects: any[], name: string) {
  return canarySpec(objects).analysis.metrics.find((m: any) => m.name === name);
}

describe('metric-window-short', () => {
  const RULE = 'metric-window-short';

  test('the tutorial\'s 30s request-duration window is a warning at a 15s scrape', () => {
    const findings = findingsOf(tutorial(), RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('metric "request-duration" interval 30s spans 2 Prometheus scrapes at 15s');
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

describe('metric-unknown', () => {
  const RULE = 'metric-unknown';

  test('built-in metrics pass', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
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
