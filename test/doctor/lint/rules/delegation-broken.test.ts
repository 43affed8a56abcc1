import { canarySpec, dist, findingsOf, objectOf, tutorial, without, withYaml } from '../helpers';

const RULE = 'delegation-broken';

describe('delegation-broken', () => {
  test('passes for the dist: delegation with a root VirtualService delegating to test/podinfo', () => {
    expect(findingsOf(dist(), RULE)).toEqual([]);
  });

  test('passes for the tutorial, which does not delegate', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('delegation with hosts and gateways is an error', () => {
    const objects = tutorial();
    canarySpec(objects).service.delegation = true;
    const findings = findingsOf(objects, RULE);
    expect(findings.map((f) => f.message).join('\n')).toContain('also sets hosts (app.example.com) and gateways (istio-system/public-gateway)');
  });

  test('delegation without a root VirtualService delegating to the canary is an error', () => {
    const objects = without(dist(), 'VirtualService');
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('no VirtualService of the manifests delegates to test/podinfo');
  });

  test('a root VirtualService delegating to a canary without delegation: true is an error on the root', () => {
    const objects = dist();
    canarySpec(objects).service.delegation = false;
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ kind: 'VirtualService', name: 'podinfo-root' });
    expect(finding.message).toContain('does not set service.delegation: true');
  });

  test('a delegate that neither exists nor is generated is an error with the closest canary', () => {
    const objects = dist();
    objectOf(objects, 'VirtualService', 'podinfo-root').spec.http[0].delegate.name = 'podinf';
    const findings = findingsOf(objects, RULE);
    const onRoot = findings.find((f) => f.kind === 'VirtualService');
    expect(onRoot?.hint).toBe('did you mean name: podinfo ?');
    // and the Canary now has no delegating root
    expect(findings.some((f) => f.kind === 'Canary')).toBe(true);
  });

  test("a delegate without namespace is in the root's namespace", () => {
    const objects = dist();
    delete objectOf(objects, 'VirtualService', 'podinfo-root').spec.http[0].delegate.namespace;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a hand-written delegate VirtualService must not have hosts', () => {
    const objects = withYaml(dist(), `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: root2, namespace: test}
spec:
  hosts: [b.example.com]
  http: [{delegate: {name: docs}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: docs, namespace: test}
spec:
  hosts: [docs]
  http: [{route: [{destination: {host: docs}}]}]
`);
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('Istio only accepts a delegate without hosts');
  });

  test('a targetRef typo does not also report the delegation to the real name', () => {
    // GIVEN the dist set (root VirtualService delegating to test/podinfo) with a typo in targetRef.name
    const objects = dist();
    canarySpec(objects).targetRef.name = 'podinf';

    // WHEN linted
    // THEN neither "no VirtualService delegates to test/podinf" nor "delegates to test/podinfo, which is neither ..."
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('hosts that are not strings are shown as written', () => {
    const objects = tutorial();
    canarySpec(objects).service.delegation = true;
    canarySpec(objects).service.hosts = [{ name: 'app.example.com' }];
    const messages = findingsOf(objects, RULE).map((f) => f.message).join('\n');
    expect(messages).toContain('hosts ({"name":"app.example.com"})');
    expect(messages).not.toContain('[object Object]');
  });

  test('without any root VirtualService, and nothing suggesting one belongs here, it is a note (the mesh team owns it)', () => {
    const objects = without(without(dist(), 'VirtualService'), 'Namespace');
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['info']);
    expect(findingsOf(objects, RULE, { assumePresent: [{ kind: 'VirtualService', namespace: 'test', name: '*' }] })).toEqual([]);
  });
});
