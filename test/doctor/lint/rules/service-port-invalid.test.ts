import { canarySpec, findingsOf, tutorial } from '../helpers';

describe('service-port-invalid', () => {
  const PORT_RULE = 'service-port-invalid';

  test('passes for the tutorial (port 9898)', () => {
    expect(findingsOf(tutorial(), PORT_RULE)).toEqual([]);
  });

  test('a missing service.port is rejected by the API server', () => {
    // GIVEN a Canary service without port
    const objects = tutorial();
    delete canarySpec(objects).service.port;

    // WHEN linted
    const [finding] = findingsOf(objects, PORT_RULE);

    // THEN an error, instead of silently skipping every port check
    expect(finding.severity).toBe('error');
    expect(finding.message).toBe('spec.service.port is missing; the Flagger CRD requires it, so the API server rejects the Canary.');
  });

  test('a quoted service.port is rejected by the API server', () => {
    const objects = tutorial();
    canarySpec(objects).service.port = '9898';
    const [finding] = findingsOf(objects, PORT_RULE);
    expect(finding.message).toContain('spec.service.port "9898" is not a number');
    expect(finding.hint).toBe('write it without quotes: port: 9898.');
  });

  test.each([[0, 'not between 1 and 65535'], [70000, 'not between 1 and 65535'], [9898.5, 'not a whole number']])('port %p: %s', (port, text) => {
    const objects = tutorial();
    canarySpec(objects).service.port = port;
    expect(findingsOf(objects, PORT_RULE)[0].message).toContain(text);
  });

  test('a Canary without spec.service cannot create its Services', () => {
    const objects = tutorial();
    delete canarySpec(objects).service;
    expect(findingsOf(objects, PORT_RULE)[0].message).toContain('has no spec.service');
  });

  test('a Knative Canary needs no spec.service: Knative routes between revisions, Flagger creates no Services', () => {
    const objects = tutorial();
    const spec = canarySpec(objects);
    delete spec.service;
    spec.provider = 'knative';
    spec.targetRef = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' };
    expect(findingsOf(objects, PORT_RULE)).toEqual([]);
  });
});
