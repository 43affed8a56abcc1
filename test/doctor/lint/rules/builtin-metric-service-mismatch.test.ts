import { canarySpec, findingsOf, tutorial } from '../helpers';

const RULE = 'builtin-metric-service-mismatch';

function traefik(serviceName?: string) {
  const objects = tutorial();
  const spec = canarySpec(objects);
  spec.provider = 'traefik';
  spec.service = { port: 80, targetPort: 9898, ...(serviceName ? { name: serviceName } : {}) };
  return objects;
}

describe('builtin-metric-service-mismatch', () => {
  test('passes when service.name is not set, or equals the target', () => {
    expect(findingsOf(traefik(), RULE)).toEqual([]);
    expect(findingsOf(traefik('podinfo'), RULE)).toEqual([]);
  });

  test('Traefik with service.name podinfo-service: the built-in query looks for the target (issue #1767)', () => {
    const [finding] = findingsOf(traefik('podinfo-service'), RULE);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('under provider traefik (spec.provider)');
    expect(finding.message).toContain('service="test-podinfo-service-canary-80@kubernetescrd"');
  });

  test.each(['istio', 'nginx', 'contour', 'kubernetes'])('%s queries by names that follow service.name, or by workload: no finding', (provider) => {
    const objects = traefik('podinfo-service');
    canarySpec(objects).provider = provider;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('without built-in metrics there is nothing to mismatch', () => {
    const objects = traefik('podinfo-service');
    canarySpec(objects).analysis.metrics = [];
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
