import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

const RULE = 'webhook-timeouts-too-long';

describe('webhook-timeouts-too-long', () => {
  test('passes for the tutorial (one rollout webhook, 5s)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('rollout webhooks whose timeouts add up to the interval are a warning', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').timeout = '30s';
    canarySpec(objects).analysis.webhooks.push({ name: 'smoke', url: 'http://flagger-loadtester.test/', timeout: '30s', metadata: { cmd: 'true' } });
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('may take 1m ("load-test" 30s + "smoke" 30s), at least the analysis interval 1m');
  });

  test('retries multiply a timeout; an empty timeout is 10s', () => {
    const objects = tutorial();
    const hook = webhook(objects, 'load-test');
    delete hook.timeout;
    hook.retries = 5;
    expect(findingsOf(objects, RULE)[0].message).toContain('"load-test" 10s (default) × 6 attempts');
  });

  test('pre-rollout webhooks do not count', () => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').timeout = '5m';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
