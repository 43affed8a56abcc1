import { canarySpec, findingsOf, objectOf, tutorial, webhook } from './helpers';

const RULE = 'command-wrong-service';

describe('command-wrong-service', () => {
  test('passes for the tutorial: hey and curl call podinfo-canary on service.port', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([
    'hey -z 1m -q 10 -c 2 http://podinfo-canary.test.svc.cluster.local:9898/',
    'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/',
    'hey -z 1m -q 10 -c 2 http://podinfo-primary:9898/',
    'curl -sf https://example.com/ && hey -z 1m http://podinfo-canary.test:9898/',
  ])('passes for the canary\'s own Services, in any host form: %s', (cmd) => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = cmd;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a command against another namespace is an error with the corrected URL', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 1m -q 10 -c 2 http://podinfo-canary.prod:9898/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('prod/podinfo-canary');
    expect(finding.hint).toBe('did you mean http://podinfo-canary.test:9898/ ?');
  });

  test('a command against a port other than service.port is an error', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test:8080/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('port 8080');
    expect(finding.message).toContain('service.port 9898');
    expect(finding.hint).toBe('use http://podinfo-canary.test:9898/');
  });

  test('a command without a port uses port 80, which is not service.port', () => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.cmd = "curl -sd 'test' http://podinfo-canary.test/token | grep token";
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('default port 80');
  });

  test('a command against an unrelated Service is an error', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 1m -q 10 -c 2 http://flagger-loadtester.test/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('Service test/flagger-loadtester');
    expect(finding.message).toContain('not one of this canary\'s Services');
  });

  test("a short host resolves in the loadtester's namespace, where the command runs", () => {
    // GIVEN the loadtester in its own namespace, and a command with the short host podinfo-canary
    const objects = tutorial();
    objectOf(objects, 'Service', 'flagger-loadtester').metadata.namespace = 'loadtesting';
    webhook(objects, 'load-test').url = 'http://flagger-loadtester.loadtesting/';
    webhook(objects, 'acceptance-test').url = 'http://flagger-loadtester.loadtesting/';

    // WHEN linted
    const findings = findingsOf(objects, RULE);

    // THEN the acceptance test's short host is an error that explains where it resolves; the load test's
    // podinfo-canary.test is fine
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('webhook "acceptance-test"');
    expect(findings[0].message).toContain("resolves in the loadtester's namespace loadtesting");
    expect(findings[0].hint).toBe('did you mean http://podinfo-canary.test:9898/token ?');
  });

  test('service.name renames the canary Services', () => {
    const objects = tutorial();
    canarySpec(objects).service.name = 'web';
    webhook(objects, 'acceptance-test').metadata.cmd = "curl -sd 'test' http://web-canary:9898/token | grep token";
    const findings = findingsOf(objects, RULE);
    // the acceptance test now calls web-canary (right); the load test still calls podinfo-canary (wrong)
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('webhook "load-test"');
    expect(findings[0].hint).toBe('did you mean http://web-canary.test:9898/ ?');
  });

  test('localhost in a command is the loadtester itself', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = 'hey -z 1m http://localhost:9898/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('the loadtester itself');
  });
});
