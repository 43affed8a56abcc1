import { canarySpec, findingsOf, tutorial, without, withYaml } from '../helpers';

const RULE = 'gateway-missing';

const ROOT_VS = (gateways: string) => `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: frontend, namespace: test}
spec:
  hosts: [frontend.example.com]
  gateways: ${gateways}
  http:
  - route:
    - destination: {host: frontend}
`;

describe('gateway-missing', () => {
  test('passes for the tutorial (istio-system/public-gateway is in the manifests)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a Canary gateway that is not in the manifests is an error with the closest Gateway', () => {
    const objects = tutorial();
    canarySpec(objects).service.gateways = ['istio-system/public-gw'];
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('references Gateway "istio-system/public-gw"');
    expect(finding.hint).toBe('did you mean "istio-system/public-gateway" ?');
  });

  test('a bare gateway name means the referrer\'s namespace', () => {
    const objects = tutorial();
    canarySpec(objects).service.gateways = ['public-gateway'];
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('that is test/public-gateway');
  });

  test('the Gateway missing altogether is an error', () => {
    const objects = without(tutorial(), 'Gateway');
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });

  test.each([
    '[istio-system/public-gateway, mesh]',
    '[public-gateway.istio-system.svc.cluster.local]',
    '[mesh]',
  ])('a VirtualService with gateways %s passes', (gateways) => {
    expect(findingsOf(withYaml(tutorial(), ROOT_VS(gateways)), RULE)).toEqual([]);
  });

  test('a VirtualService with a missing gateway is an error on the VirtualService', () => {
    const [finding] = findingsOf(withYaml(tutorial(), ROOT_VS('[istio-system/private-gateway]')), RULE);
    expect(finding).toMatchObject({ kind: 'VirtualService', name: 'frontend', file: 'extra.yaml' });
  });

  test('gateways in http match conditions are checked too', () => {
    const text = ROOT_VS('[istio-system/public-gateway]').replace('  - route:', '  - match: [{gateways: [edge]}]\n    route:');
    const [finding] = findingsOf(withYaml(tutorial(), text), RULE);
    expect(finding.message).toContain('spec.http[0].match[0].gateways references Gateway "edge"');
  });
});
