import { canarySpec, dist, findingsOf, objectOf, tutorial, webhook, withYaml } from '../helpers';
import { SourcedObject } from '../../../../lib/doctor/model/object';

/** The Istio ingress gateway's Service, as the Istio install creates it. */
const INGRESS_SERVICE = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}]
`;

function loadTest(objects: SourcedObject[], cmd: string): SourcedObject[] {
  webhook(objects, 'load-test').metadata.cmd = cmd;
  return objects;
}

const RULE = 'command-wrong-service';

describe('command-wrong-service', () => {
  test('passes for the tutorial: hey and curl call podinfo-canary on service.port', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([
    'hey -z 1m -q 10 -c 2 http://podinfo-canary.test.svc.cluster.local:9898/',
    'curl -sf https://example.com/ && hey -z 1m http://podinfo-canary.test:9898/',
    // -U takes a value in hey: Mozilla/5.0 is its user agent, not a host called mozilla
    'hey -U Mozilla/5.0 -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/',
  ])('passes for the canary\'s own Services, in any host form: %s', (cmd) => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.cmd = cmd;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the primary Service serves the version in production: a test against it is an error', () => {
    const [finding] = findingsOf(loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo-primary:9898/'), RULE);
    expect(finding.message).toContain('that is the primary Service test/podinfo-primary');
    expect(finding.hint).toBe("call the canary's Service: http://podinfo-canary.test:9898/");
  });

  describe('the apex Service', () => {
    test('under Istio with the VirtualService bound to gateways only, the apex reaches the primary: an error', () => {
      // GIVEN the tutorial: service.gateways [istio-system/public-gateway] without mesh, and a load test on the apex
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');

      // WHEN linted
      const [finding] = findingsOf(objects, RULE);

      // THEN Flagger's VirtualService does not apply to sidecars, so the canary gets nothing
      expect(finding.message).toContain('that is the apex Service test/podinfo, and under provider istio');
      expect(finding.message).toContain('not to the mesh gateway');
      expect(finding.hint).toBe("send the requests through the ingress or gateway with a routed host (-host app.example.com), or call the canary's Service: http://podinfo-canary.test:9898/");
    });

    test.each([['mesh among the gateways', ['istio-system/public-gateway', 'mesh']], ['no gateways (mesh by default)', undefined]])(
      'under Istio with %s, the mesh splits the apex: no finding', (_name, gateways) => {
        const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
        canarySpec(objects).service.gateways = gateways;
        expect(findingsOf(objects, RULE)).toEqual([]);
      });

    test.each(['kubernetes', 'nginx', 'traefik', 'contour', 'gloo', 'skipper', 'apisix'])('under %s the apex selects the primary pods: an error', (provider) => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
      canarySpec(objects).provider = provider;
      const [finding] = findingsOf(objects, RULE);
      expect(finding.message).toContain(`under provider ${provider} (spec.provider)`);
      expect(finding.severity).toBe('error');
    });

    test.each(['linkerd', 'kuma', 'appmesh', 'osm'])('under the mesh provider %s the apex is split: no finding', (provider) => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
      canarySpec(objects).provider = provider;
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('Blue/Green without mirroring routes nothing to the canary before promotion: the apex is an error', () => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
      const spec = canarySpec(objects);
      spec.service.gateways = undefined;
      spec.analysis = { ...spec.analysis, iterations: 10, stepWeight: undefined, maxWeight: undefined };
      expect(findingsOf(objects, RULE)[0].message).toContain('during a Blue/Green analysis');
      spec.analysis.mirror = true;
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('an A/B analysis needs the request to carry a matching header or cookie', () => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
      const spec = canarySpec(objects);
      spec.service.gateways = ['mesh'];
      spec.analysis = { ...spec.analysis, iterations: 10, stepWeight: undefined, maxWeight: undefined,
        match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }, { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }] };
      expect(findingsOf(objects, RULE)[0].message).toContain('sends none of its headers or cookies');
      webhook(objects, 'load-test').metadata.cmd = "hey -z 1m -q 10 -c 2 -H 'Cookie: type=insider' http://podinfo.test:9898/";
      expect(findingsOf(objects, RULE)).toEqual([]);
      webhook(objects, 'load-test').metadata.cmd = "hey -z 1m -q 10 -c 2 -U 'Mozilla/5.0 Firefox/120.0' http://podinfo.test:9898/";
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('a Blue/Green analysis does not depend on the provider: the apex is an error even for an assumed one', () => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 http://podinfo.test:9898/');
      canarySpec(objects).service = { port: 9898, targetPort: 9898 };
      canarySpec(objects).analysis = { interval: '1m', threshold: 5, iterations: 10, webhooks: canarySpec(objects).analysis.webhooks };
      const withoutIstio = objects.filter((o) => o.object.kind !== 'Gateway' && o.object.kind !== 'Namespace');
      expect(findingsOf(withoutIstio, RULE).map((f) => f.severity)).toEqual(['error']);
    });
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

  describe('through the ingress gateway', () => {
    test.each([
      'hey -z 1m -q 10 -c 2 -host app.example.com http://istio-ingressgateway.istio-system/',
      "curl -sf -H 'Host: app.example.com' http://istio-ingressgateway.istio-system/",
    ])('a request with one of the canary\'s hosts reaches it: %s', (cmd) => {
      // GIVEN the tutorial (service.hosts app.example.com on istio-system/public-gateway) and the gateway's Service
      const objects = loadTest(withYaml(tutorial(), INGRESS_SERVICE), cmd);

      // WHEN linted
      // THEN the gateway counts as a way to the canary
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('a root VirtualService that delegates to the canary routes its hosts to it (the dist set)', () => {
      const objects = loadTest(withYaml(dist(), INGRESS_SERVICE), 'hey -z 2m -q 10 -c 2 -host app.example.com http://istio-ingressgateway.istio-system/');
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('the gateway Service outside the manifests, in the namespace of a Gateway, is not reported', () => {
      const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 -host app.example.com http://istio-ingressgateway.istio-system/');
      expect(findingsOf(objects, RULE)).toEqual([]);
    });

    test('a request to the gateway with another Host header is an error that names the routed hosts', () => {
      // GIVEN a load test through the gateway's Service with a host no route sends to the canary
      const objects = loadTest(withYaml(tutorial(), INGRESS_SERVICE), 'hey -z 1m -host www.example.org http://istio-ingressgateway.istio-system/');

      // WHEN linted
      const [finding] = findingsOf(objects, RULE);

      // THEN the error explains the gateway routes by Host and suggests a routed host
      expect(finding.message).toContain('an ingress or gateway routes by the Host header');
      expect(finding.message).toContain('the Host header www.example.org, which is not a host routed to Canary test/podinfo (routed hosts: app.example.com, from Canary test/podinfo service.hosts)');
      expect(finding.hint).toContain('-host app.example.com');
    });

    test('a request to the gateway without a Host header is an error', () => {
      const objects = loadTest(withYaml(tutorial(), INGRESS_SERVICE), 'hey -z 1m http://istio-ingressgateway.istio-system/');
      expect(findingsOf(objects, RULE)[0].message).toContain('no Host header');
    });
  });

  test.each([
    "curl -sf -H 'Referer: http://other-svc.test/' -d 'url=http://x.prod:8080/x' http://podinfo-canary.test:9898/token",
    "curl -sf --data-urlencode 'next=http://flagger-loadtester.test/' http://podinfo-canary.test:9898/token",
  ])('URLs inside option values are data, not targets: %s', (cmd) => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.cmd = cmd;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test.each(['hey -z 1m http://$HOST:9898/', 'hey -z 1m http://${SVC}.test:9898/', 'hey -z 1m "http://`cat host`:9898/"'])(
    'a host built from a shell expansion is not checked: %s', (cmd) => {
      expect(findingsOf(loadTest(tutorial(), cmd), RULE)).toEqual([]);
    });

  test('https:// to the plain HTTP port Flagger generates is an error', () => {
    // GIVEN hey with https:// against podinfo-canary's service.port, which Flagger names http
    const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 https://podinfo-canary.test:9898/');

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the TLS handshake cannot work
    expect(finding.message).toContain('it uses https://, but port 9898 of Service test/podinfo-canary speaks plain HTTP');
    expect(finding.hint).toBe('use http://podinfo-canary.test:9898/');
  });

  test('https:// passes when service.portName says the port speaks TLS', () => {
    const objects = loadTest(tutorial(), 'hey -z 1m -q 10 -c 2 https://podinfo-canary.test:9898/');
    canarySpec(objects).service.portName = 'https';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a targetRef that names no workload does not also report the commands', () => {
    // GIVEN a typo in targetRef.name, so the apex would be podinf
    const objects = tutorial();
    canarySpec(objects).targetRef.name = 'podinf';

    // WHEN linted
    // THEN target-ref-invalid reports it; the commands against podinfo-canary are not blamed
    expect(findingsOf(objects, RULE)).toEqual([]);
    expect(findingsOf(objects, 'target-ref-invalid')).toHaveLength(1);
  });
});
