import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

const RULE = 'interval-unparsable';

describe('interval-unparsable', () => {
  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each(['30s', '1m', '1m30s', '90s'])('analysis interval %s passes', (interval) => {
    const objects = tutorial();
    canarySpec(objects).analysis.interval = interval;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('an interval the CRD accepts but Go cannot parse silently becomes 60s', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.interval = '1min';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toBe('spec.analysis.interval "1min" is not a Go duration; Flagger cannot parse it and silently uses 60s.');
  });

  test('an interval that does not match the CRD pattern is rejected by the API server', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.interval = '1.5m';
    expect(findingsOf(objects, RULE)[0].message).toContain('the API server rejects the Canary');
  });

  test('a metric window Prometheus cannot parse fails every check', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics[0].interval = '2mins';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('metrics[0].interval "2mins" of metric "request-success-rate" is not a Prometheus duration');
  });

  test('a webhook timeout Go cannot parse fails every call', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').timeout = '5sec';
    expect(findingsOf(objects, RULE)[0].message).toContain('timeout "5sec" is not a Go duration');
  });

  test('a hey -z hey cannot parse sends no load', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 2min -q 10 -c 2 http://podinfo-canary.test:9898/';
    expect(findingsOf(objects, RULE)[0].message).toContain('runs hey -z 2min, which is not a Go duration');
  });

  test('a missing interval is rejected by the API server: the CRD requires it', () => {
    // GIVEN an analysis without interval (Flagger itself would use 60s, but the CRD's oneOf requires interval)
    const objects = tutorial();
    delete canarySpec(objects).analysis.interval;

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the message names the CRD rule
    expect(finding.message).toContain('interval is missing; the Flagger CRD requires interval and threshold');
  });

  test('a Canary without spec.analysis is an error', () => {
    const objects = tutorial();
    delete canarySpec(objects).analysis;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('has no spec.analysis, which the Flagger CRD requires');
  });

  test('spec.canaryAnalysis in place of spec.analysis is canary-field-unknown\'s to report', () => {
    const objects = tutorial();
    const spec = canarySpec(objects);
    spec.canaryAnalysis = spec.analysis;
    delete spec.analysis;
    expect(findingsOf(objects, RULE)).toEqual([]);
    expect(findingsOf(objects, 'canary-field-unknown')[0].hint).toContain('rename it to spec.analysis');
  });
});
