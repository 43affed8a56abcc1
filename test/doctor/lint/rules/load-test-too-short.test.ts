import { planCanaries } from '../../../../lib/doctor/plan/plan';
import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

const RULE = 'load-test-too-short';

describe('load-test-too-short', () => {
  test('hey -z 1m with a 1m interval is a warning about the race with the next call', () => {
    const [finding, ...rest] = findingsOf(tutorial(), RULE);
    expect(rest).toEqual([]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('runs hey -z 1m, as long as the analysis interval 1m: whether a run has ended when Flagger calls the webhook again is a race');
    expect(finding.hint).toContain('longer than the interval and shorter than two, e.g. -z 1m55s');
  });

  test('hey -z 55s with a 1m interval leaves a 5s gap in every interval; it cannot be skipped', () => {
    // GIVEN a load test a little shorter than the interval
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 55s -q 10 -c 2 http://podinfo-canary.test:9898/';

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the message names the gap, and does not claim a run can still be running at the next call
    expect(finding.message).toContain('shorter than the analysis interval 1m: each run ends 5s before Flagger calls the webhook again');
    expect(finding.message).not.toContain('skipped');
  });

  test('lint and plan give the same advice for a load test as long as the interval', () => {
    // GIVEN the tutorial (hey -z 1m, interval 1m)
    const objects = tutorial();

    // WHEN linted and planned
    const hint = findingsOf(objects, RULE)[0].hint;
    const plan = planCanaries(objects)[0].messages.map((m) => m.message).join('\n');

    // THEN both recommend the same duration: longer than the interval, shorter than two
    expect(hint).toContain('-z 1m55s');
    expect(plan).toContain('Make it longer than the interval and shorter than two (e.g. -z 1m55s)');
    expect(plan).not.toContain('a few seconds shorter than the interval');
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
