import { canarySpec, findingsOf, objectOf, tutorial } from '../helpers';

const RULE = 'target-port-not-exposed';

describe('target-port-not-exposed', () => {
  test('passes for the tutorial (targetPort 9898)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([['http'], ['grpc'], [9797]])('passes for container port %p', (targetPort) => {
    const objects = tutorial();
    canarySpec(objects).service.targetPort = targetPort;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a number that is no containerPort is an error listing the ports', () => {
    const objects = tutorial();
    canarySpec(objects).service.targetPort = 8080;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('service.targetPort 8080 is not a containerPort of Deployment/test/podinfo');
    expect(finding.message).toContain('http/9898');
  });

  test('a name that is no port name is an error', () => {
    const objects = tutorial();
    canarySpec(objects).service.targetPort = 'web';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('service.targetPort "web" is not a port name');
    expect(finding.hint).toContain('http');
  });

  test('without targetPort, service.port must be a container port', () => {
    const objects = tutorial();
    delete canarySpec(objects).service.targetPort;
    canarySpec(objects).service.port = 80;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('service.targetPort is not set, so Flagger uses service.port 80');
  });

  test('a containerPort written as a string is listed without "undefined" and not offered as a choice', () => {
    // GIVEN podinfo's http port written as "9898" (a string), and targetPort 8080
    const objects = tutorial();
    objectOf(objects, 'Deployment', 'podinfo').spec.template.spec.containers[0].ports[0].containerPort = '9898';
    canarySpec(objects).service.targetPort = 8080;

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the port shows by name only, and the hint offers only real numbers
    expect(finding.message).toContain('(its container ports: http, http-metrics/9797, grpc/9999)');
    expect(finding.message).not.toContain('undefined');
    expect(finding.hint).toBe('set service.targetPort to one of: 9797, 9999');
  });
});
