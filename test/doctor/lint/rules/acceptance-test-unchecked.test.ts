import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

const RULE = 'acceptance-test-unchecked';

describe('acceptance-test-unchecked', () => {
  test('passes for the tutorial: curl piped into grep', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([
    "curl -sfd 'test' http://podinfo-canary:9898/token",
    "curl -sS --fail -d 'test' http://podinfo-canary:9898/token",
    "curl --fail-with-body -d 'test' http://podinfo-canary:9898/token",
    "code=$(curl -s -o /dev/null -w '%{http_code}' http://podinfo-canary:9898/healthz); [ \"$code\" = 200 ]",
  ])('passes when curl can fail or its output is checked: %s', (cmd) => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.cmd = cmd;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test.each([
    "curl -sd 'test' http://podinfo-canary:9898/token",
    "curl -sd 'test' http://podinfo-canary:9898/token && echo ok",
    // -d takes the rest of the group as its value, so this f is data, not --fail
    'curl -df http://podinfo-canary:9898/token',
  ])('curl without -f and without a check is a warning: %s', (cmd) => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.cmd = cmd;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('without -f/--fail and without a following check');
  });

  test('a pre-rollout test without type: bash runs in the background and never gates', () => {
    const objects = tutorial();
    delete webhook(objects, 'acceptance-test').metadata.type;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('answers 202 at once');
    expect(finding.hint).toContain('metadata.type: bash');
  });

  test('a one-shot check as a rollout webhook without type never gates either', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'curl -sf http://podinfo-canary.test:9898/healthz';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toMatch(/^rollout webhook "load-test" runs .* in the background/);
  });

  test('traffic in a loop as a rollout webhook is load, not a check', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'for i in $(seq 1 600); do curl -s http://podinfo-canary.test:9898/; sleep 0.1; done';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a rollout load test without type is fine', () => {
    const objects = tutorial();
    expect(webhook(objects, 'load-test').metadata.type).toBeUndefined();
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('an explicit metadata.type cmd is named as such, not as a missing type', () => {
    // GIVEN the acceptance test with type: cmd, the loadtester's background task type
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.type = 'cmd';

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the message quotes the type that is set
    expect(finding.message).toContain('with metadata.type cmd, so the loadtester starts it in the background');
    expect(finding.message).not.toContain('without metadata.type');
  });

  test('it is an error when nothing else in the analysis can fail the release (issue #431: webhooks only, curl -s)', () => {
    // GIVEN no metrics, and the only check a background curl that passes on HTTP 500
    const objects = tutorial();
    const analysis = canarySpec(objects).analysis;
    analysis.metrics = [];
    analysis.webhooks = [{ name: 'load test', type: 'rollout', url: 'http://flagger-loadtester.test/', metadata: { cmd: 'curl -s podinfo.test.svc.cluster.local/status/500' } }];

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN it is an error that says nothing else can fail the release
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('The analysis has no metric and no other check that could fail, so Flagger promotes a canary that answers every request with HTTP 500.');
  });

  test('with a metric, or another check that can fail, it stays a warning', () => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.cmd = "curl -s http://podinfo-canary:9898/token";
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['warning']);
    canarySpec(objects).analysis.metrics = [];
    canarySpec(objects).analysis.webhooks.push({ name: 'smoke', type: 'pre-rollout', url: 'http://flagger-loadtester.test/', metadata: { type: 'bash', cmd: 'curl -sf http://podinfo-canary:9898/healthz' } });
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['warning']);
  });
});
