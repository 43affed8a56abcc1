import { findingsOf, tutorial, withYaml } from '../helpers';
import { REFERENCE_DIR } from '../helpers';
import * as fs from 'fs';
import * as path from 'path';

const RULE = 'duplicate-canary-target';
const canaryText = fs.readFileSync(path.join(REFERENCE_DIR, 'tutorial-canary.yaml'), 'utf8');

describe('duplicate-canary-target', () => {
  test('passes for one Canary per workload', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a second Canary for the same Deployment is an error on the second one', () => {
    const objects = withYaml(tutorial(), canaryText.replace('name: podinfo\n  namespace: test', 'name: podinfo-2\n  namespace: test'), 'second.yaml');
    const findings = findingsOf(objects, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ name: 'podinfo-2', file: 'second.yaml' });
    expect(findings[0].message).toBe('Canary test/podinfo-2 (second.yaml:1) targets Deployment test/podinfo, which Canary test/podinfo (tutorial-canary.yaml:1) already targets.');
  });

  test('the same name in another namespace is another workload', () => {
    const objects = withYaml(tutorial(), canaryText.replace(/namespace: test/g, 'namespace: prod'));
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the same Canary given twice is one object, not two Canaries', () => {
    // GIVEN the tutorial's Canary a second time (another copy of the file, or the file and stdin)
    const objects = withYaml(tutorial(), canaryText, 'copy.yaml');

    // WHEN linted
    // THEN the API server would just apply it again: no duplicate
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});

describe('duplicate-object', () => {
  const OBJECT = 'duplicate-object';

  test('passes when every kind, namespace and name is defined once', () => {
    expect(findingsOf(tutorial(), OBJECT)).toEqual([]);
  });

  test('the same document twice is harmless', () => {
    expect(findingsOf(withYaml(tutorial(), canaryText, 'copy.yaml'), OBJECT)).toEqual([]);
  });

  test('two different definitions of one object are an error naming both places', () => {
    // GIVEN a second Canary test/podinfo that differs from the first
    const objects = withYaml(tutorial(), canaryText.replace('stepWeight: 10', 'stepWeight: 20'), 'overlay.yaml');

    // WHEN linted
    const [finding] = findingsOf(objects, OBJECT);

    // THEN the later one is reported, and both files are named
    expect(finding).toMatchObject({ kind: 'Canary', name: 'podinfo', file: 'overlay.yaml', severity: 'error' });
    expect(finding.message).toBe('Canary/test/podinfo (overlay.yaml:1) is also defined, differently, at tutorial-canary.yaml:1: the one applied last replaces the other.');
  });

  test('objects of the same name in different API groups are different objects', () => {
    const objects = withYaml(tutorial(), `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public-gateway, namespace: istio-system}
spec: {gatewayClassName: istio, listeners: []}
`);
    expect(findingsOf(objects, OBJECT)).toEqual([]);
  });
});

describe('duplicate-virtualservice-host', () => {
  const HOST = 'duplicate-virtualservice-host';
  const rootVs = (name: string, host: string, gateways = '[istio-system/public-gateway]') => `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ${name}, namespace: test}
spec:
  hosts: [${host}]
  gateways: ${gateways}
  http:
  - route:
    - destination: {host: frontend}
`;

  test('passes when each host of each gateway has one root VirtualService', () => {
    expect(findingsOf(withYaml(tutorial(), rootVs('frontend', 'www.example.com')), HOST)).toEqual([]);
  });

  test("a VirtualService that claims the Canary's public host on its gateway is an error naming both", () => {
    const [finding] = findingsOf(withYaml(tutorial(), rootVs('frontend', 'app.example.com'), 'frontend.yaml'), HOST);
    expect(finding).toMatchObject({ kind: 'VirtualService', name: 'frontend', severity: 'error' });
    expect(finding.message).toBe('VirtualService test/frontend (frontend.yaml:1) claims host app.example.com on gateway istio-system/public-gateway, '
      + 'which the VirtualService Flagger generates for Canary test/podinfo (tutorial-canary.yaml:1) already claims: Istio merges them in no defined order, so one catch-all route shadows the other.');
  });

  test('two VirtualServices with the same host on different gateways do not clash', () => {
    const objects = withYaml(tutorial(), rootVs('frontend', 'app.example.com', '[istio-system/private-gateway]'));
    expect(findingsOf(objects, HOST)).toEqual([]);
  });

  test('a short host is a Service of the namespace: two mesh VirtualServices for podinfo clash', () => {
    const objects = withYaml(withYaml(tutorial(), rootVs('a', 'frontend', '[mesh]')), rootVs('b', 'frontend.test.svc.cluster.local', '[]'));
    const [finding] = findingsOf(objects, HOST);
    expect(finding.message).toContain('claims host frontend.test.svc.cluster.local on gateway mesh');
  });

  test('delegates (no hosts) and a Canary with delegation claim nothing', () => {
    expect(findingsOf(withYaml(tutorial(), rootVs('delegate', '').replace('hosts: []', 'hosts: []')), HOST)).toEqual([]);
  });
});
