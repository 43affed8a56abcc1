import { canarySpec, findingsOf, tutorial, withYaml } from '../helpers';

const RULE = 'virtualservice-takeover';

const vs = (name: string, namespace = 'test') => `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [app.example.com]
  gateways: [istio-system/public-gateway]
  http:
  - route:
    - destination: {host: podinfo}
`;

describe('virtualservice-takeover', () => {
  test('passes for the tutorial (Flagger creates the VirtualService)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a VirtualService named like the canary in its namespace is an error on that VirtualService', () => {
    const [finding] = findingsOf(withYaml(tutorial(), vs('podinfo')), RULE);
    expect(finding).toMatchObject({ severity: 'error', kind: 'VirtualService', namespace: 'test', name: 'podinfo' });
    expect(finding.hint).toContain('podinfo-root');
  });

  test.each([['podinfo-root', 'test'], ['podinfo', 'other']])('a VirtualService %s in %s passes', (name, namespace) => {
    expect(findingsOf(withYaml(tutorial(), vs(name, namespace)), RULE)).toEqual([]);
  });

  test('service.name is the apex name', () => {
    const objects = withYaml(tutorial(), vs('web'));
    canarySpec(objects).service.name = 'web';
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });

  test('with revertOnDeletion: true the takeover is adopting on purpose (the Istio e2e): a warning about re-applying it', () => {
    const objects = withYaml(tutorial(), vs('podinfo'));
    canarySpec(objects).revertOnDeletion = true;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('Flagger adopts it and restores it when the Canary is deleted');
  });
});
