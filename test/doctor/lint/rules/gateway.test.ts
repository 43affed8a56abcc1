import { canarySpec, findingsOf, objectOf, tutorial, without, withYaml } from '../helpers';

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

  test('the Gateway missing altogether is a note by default (the mesh team installs it), an error when the manifests are complete', () => {
    const objects = without(tutorial(), 'Gateway');
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['info']);
    expect(findingsOf(objects, RULE, { completeness: 'complete' }).map((f) => f.severity)).toEqual(['error']);
  });

  test('a Gateway declared present (--assume-present) is not reported', () => {
    const objects = without(tutorial(), 'Gateway');
    expect(findingsOf(objects, RULE, { completeness: 'complete', assumePresent: [{ kind: 'Gateway', namespace: 'istio-system', name: 'public-gateway' }] })).toEqual([]);
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

describe('gateway-host-mismatch', () => {
  const HOST = 'gateway-host-mismatch';

  test('passes when the Gateway serves the Canary\'s hosts (the tutorial\'s "*")', () => {
    expect(findingsOf(tutorial(), HOST)).toEqual([]);
  });

  test('a Gateway of the manifests that serves none of the hosts is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'Gateway', 'public-gateway').spec.servers[0].hosts = ['*.shop.example.org'];
    const [finding] = findingsOf(objects, HOST);
    expect(finding.severity).toBe('error');
    expect(finding.message).toBe('Canary/test/podinfo binds the hosts app.example.com to Gateway istio-system/public-gateway, which serves *.shop.example.org, '
      + 'so Istio attaches none of its routes there.');
  });

  test('a Gateway declared with its hosts is checked against them', () => {
    const objects = without(tutorial(), 'Gateway');
    const declared = (hosts: string[]) => ({ assumePresent: [{ kind: 'Gateway', namespace: 'istio-system', name: 'public-gateway', hosts }] });
    expect(findingsOf(objects, HOST, declared(['*.example.com']))).toEqual([]);
    expect(findingsOf(objects, HOST, declared(['shop.example.org']))[0].message).toContain('(declared with hosts shop.example.org)');
  });

  test('a server restricted to another namespace does not serve the Canary\'s', () => {
    const objects = tutorial();
    objectOf(objects, 'Gateway', 'public-gateway').spec.servers[0].hosts = ['prod/*'];
    expect(findingsOf(objects, HOST)[0].message).toContain('which serves no host to namespace test (servers: prod/*)');
  });
});
