import { canarySpec, findingsOf, tutorial, webhook } from './helpers';

const RULE = 'load-test-too-short';

describe('load-test-too-short', () => {
  test('hey -z 1m with a 1m interval is a warning that suggests just under two intervals', () => {
    const [finding, ...rest] = findingsOf(tutorial(), RULE);
    expect(rest).toEqual([]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('runs hey -z 1m, no longer than the analysis interval 1m');
    expect(finding.hint).toContain('-z 1m55s');
  });

  test('a load test longer than the interval passes', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 115s -q 10 -c 2 http://podinfo-canary.test:9898/';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the interval defaults to 60s when it cannot be parsed', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.interval = '5min';
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 45s http://podinfo-canary.test:9898/';
    expect(findingsOf(objects, RULE)[0].message).toContain('analysis interval 1m');
  });

  test('hey without -z sends 200 requests and stops', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -q 10 -c 2 http://podinfo-canary.test:9898/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('sends 200 requests (-n) and stops (about 10s at 20 requests/s)');
  });

  test('only rollout webhooks count: a pre-rollout warm-up is not the load test', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').type = 'pre-rollout';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
