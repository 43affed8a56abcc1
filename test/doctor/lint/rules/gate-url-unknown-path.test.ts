import { canarySpec, findingsOf, tutorial } from '../helpers';

const RULE = 'gate-url-unknown-path';

function withHook(hook: Record<string, unknown>) {
  const objects = tutorial();
  canarySpec(objects).analysis.webhooks.push({ name: 'gate', ...hook });
  return objects;
}

describe('gate-url-unknown-path', () => {
  test.each([
    ['confirm-rollout', '/gate/approve'],
    ['confirm-traffic-increase', '/gate/check'],
    ['confirm-promotion', '/gate/halt'],
    ['rollback', '/rollback/check'],
  ])('passes for a %s webhook at the loadtester\'s %s', (type, path) => {
    expect(findingsOf(withHook({ type, url: `http://flagger-loadtester.test${path}` }), RULE)).toEqual([]);
  });

  test('a gate at a path the loadtester does not serve never opens (/gate/approved)', () => {
    // GIVEN the kubernetes e2e gate with a one-letter slip
    const objects = withHook({ type: 'confirm-rollout', url: 'http://flagger-loadtester.test/gate/approved' });

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the error says what the loadtester answers, and the fix
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('the loadtester serves no /gate/approved');
    expect(finding.message).toContain('answers 400 "metadata not found in payload", so the gate never opens');
    expect(finding.hint).toBe('use http://flagger-loadtester.test/gate/approve (open it with /gate/open), or /gate/approve to pass at once.');
  });

  test('a trailing slash is another path: ServeMux matches /gate/check exactly', () => {
    const [finding] = findingsOf(withHook({ type: 'confirm-traffic-increase', url: 'http://flagger-loadtester.test/gate/check/' }), RULE);
    expect(finding.hint).toContain('http://flagger-loadtester.test/gate/check');
  });

  test('a rollback hook at /rollback never signals a rollback', () => {
    const [finding] = findingsOf(withHook({ type: 'rollback', url: 'http://flagger-loadtester.test/rollback' }), RULE);
    expect(finding.message).toContain('the rollback is never signalled');
    expect(finding.hint).toContain('/rollback/check');
  });

  test('a rollback hook at /gate/approve rolls back at the first check', () => {
    const [finding] = findingsOf(withHook({ type: 'rollback', url: 'http://flagger-loadtester.test/gate/approve' }), RULE);
    expect(finding.message).toContain('Flagger rolls the canary back at its first check');
  });

  test('a gate with metadata runs a task at / instead: not judged', () => {
    expect(findingsOf(withHook({ type: 'confirm-rollout', url: 'http://flagger-loadtester.test/', metadata: { type: 'bash', cmd: 'test -f /tmp/ok' } }), RULE)).toEqual([]);
  });

  test('a gate of another service is not the loadtester\'s API', () => {
    expect(findingsOf(withHook({ type: 'confirm-rollout', url: 'http://approvals.ops/gate/approved' }), RULE)).toEqual([]);
  });
});
