import { canarySpec, findingsOf, objectOf, tutorial, webhook, withYaml } from '../helpers';

const RULE = 'webhook-url-unresolved';

describe('webhook-url-unresolved', () => {
  test('passes for the tutorial, whose webhooks call flagger-loadtester.test', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a misspelt Service is an error that lists the Services and suggests the closest', () => {
    // GIVEN the load test webhook with a typo in the Service name
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'http://flagger-loadtestr.test/';

    // WHEN linted
    const [finding, ...rest] = findingsOf(objects, RULE);

    // THEN one error names the webhook, the URL, the Service and the existing Services, and suggests the fix
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', kind: 'Canary', namespace: 'test', name: 'podinfo', file: 'tutorial-canary.yaml' });
    expect(finding.message).toContain('webhook "load-test" URL http://flagger-loadtestr.test/ names Service test/flagger-loadtestr');
    expect(finding.message).toContain('flagger-loadtester');
    expect(finding.hint).toBe('did you mean http://flagger-loadtester.test/ ?');
  });

  test('a loadtester that is not in the manifests is a note by default: installed by Helm elsewhere', () => {
    // GIVEN the Canary alone, as in the APISIX tutorial: the loadtester is a Helm release in test
    const objects = tutorial().filter((o) => o.object.kind === 'Canary' || o.object.kind === 'Deployment' && o.object.metadata?.name === 'podinfo');

    // WHEN linted
    const findings = findingsOf(objects, RULE);

    // THEN one note for the loadtester, naming both webhooks, says how to silence it or make lint strict
    expect(findings.map((f) => f.severity)).toEqual(['info']);
    expect(findings[0].message).toContain('It is assumed to be installed separately: Namespace test is not defined in these manifests');
    expect(findings[0].message).toContain('The webhook "load-test" of Canary test/podinfo calls it too.');
    expect(findings[0].hint).toMatch(/^if it is installed separately, nothing to do \(--assume-present Service\/test\/flagger-loadtester silences this note; pass --complete/);
    expect(findingsOf(objects, RULE, { completeness: 'complete' }).map((f) => f.severity)).toEqual(['error', 'error']);
    expect(findingsOf(objects, RULE, { externalNamespaces: ['test'] })).toEqual([]);
  });

  test('with its Namespace defined in the manifests, the loadtester is expected there too: an error', () => {
    const objects = tutorial().filter((o) => !(o.object.kind === 'Service' && o.object.metadata?.name === 'flagger-loadtester'));
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['error', 'error']);
    expect(findingsOf(objects, RULE)[0].message).toContain('Namespace test is defined in these manifests, so they should hold it too.');
  });

  test.each([
    ['flagger-loadtester', {}, 'flagger-loadtester'],
    ['tester', {}, 'tester-loadtester'],
    ['tester', { fullnameOverride: 'lt' }, 'lt'],
  ])('a Flux HelmRelease %s of the loadtester chart renders its Service (values %j): %s', (release, values, service) => {
    // GIVEN the loadtester installed by a HelmRelease in the namespace the manifests define
    const objects = withYaml(tutorial().filter((o) => !(o.object.kind === 'Service' && o.object.metadata?.name === 'flagger-loadtester')), `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${release}, namespace: test}
spec:
  chart: {spec: {chart: loadtester, sourceRef: {kind: HelmRepository, name: flagger}}}
  values: ${JSON.stringify(values)}
`);
    webhook(objects, 'load-test').url = `http://${service}.test/`;
    webhook(objects, 'acceptance-test').url = `http://${service}.test/`;

    // WHEN linted
    // THEN the webhooks resolve to the Service it renders
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the tutorial\'s own failure stays an error: flagger-loadtester.tst while the loadtester is in test', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'http://flagger-loadtester.tst/';
    const [finding] = findingsOf(objects, RULE, { completeness: 'auto' });
    expect(finding.severity).toBe('error');
    expect(finding.hint).toBe('did you mean http://flagger-loadtester.test/ ?');
  });

  test('a namespace the Service is not in is an error that suggests the right namespace', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'http://flagger-loadtester.default/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('names Service default/flagger-loadtester');
    expect(finding.hint).toContain('http://flagger-loadtester.test/');
  });

  test('a port the Service does not expose is an error naming its ports', () => {
    const objects = tutorial();
    webhook(objects, 'acceptance-test').url = 'http://flagger-loadtester.test:8080/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('port 8080');
    expect(finding.message).toContain('exposes only port 80');
    expect(finding.hint).toBe('use http://flagger-loadtester.test/');
  });

  test('a bare Service name is an error: Flagger resolves it in its own namespace, not the canary\'s', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'http://flagger-loadtester/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain("Flagger's namespace");
    expect(finding.hint).toContain('http://flagger-loadtester.test/');
  });

  test('a bare Service name passes when Flagger runs in the namespace of that Service', () => {
    const objects = withYaml(tutorial(), `apiVersion: apps/v1
kind: Deployment
metadata: {name: flagger, namespace: test}
spec:
  selector: {matchLabels: {app: flagger}}
  template:
    metadata: {labels: {app: flagger}}
    spec:
      containers: [{name: flagger, image: ghcr.io/fluxcd/flagger:1.44.0}]
`);
    webhook(objects, 'load-test').url = 'http://flagger-loadtester/';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test.each([
    'http://flagger-loadtester.test.svc.cluster.local/',
    'http://flagger-loadtester.test.svc:80/',
    'http://podinfo-canary.test:9898/',
  ])('%s resolves (FQDN forms, and the Services Flagger creates for the Canary)', (url) => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = url;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a URL without a scheme is an error', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'flagger-loadtester.test/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('no http:// or https:// scheme');
    expect(finding.hint).toBe('write it as http://flagger-loadtester.test/');
  });

  test('a host outside the cluster is only a note', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'https://hooks.example.com/flagger';
    expect(findingsOf(objects, RULE)).toEqual([]);
    const notes = findingsOf(objects, 'webhook-url-external');
    expect(notes).toHaveLength(1);
    expect(notes[0].severity).toBe('info');
  });

  test('a Service whose selector matches no pods of the manifests is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'Service', 'flagger-loadtester').spec.selector = { app: 'loadtester' };
    const findings = findingsOf(objects, RULE);
    expect(findings).toHaveLength(2);
    expect(findings[0].message).toContain('selects pods with app=loadtester, but no workload of the manifests in test has those labels');
    expect(findings[0].hint).toBe('did you mean selector app: flagger-loadtester ?');
  });

  test("a Service whose targetPort is not a port of its pods is an error", () => {
    const objects = tutorial();
    objectOf(objects, 'Service', 'flagger-loadtester').spec.ports[0].targetPort = 'web';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('sends port 80 to targetPort "web", which is not a port of its pods (http/8080)');
  });

  test('a Flagger watching one namespace only handles Canaries there: bare hosts resolve where the matching Flagger runs', () => {
    // GIVEN two Flaggers: one in flagger-a watching namespace other, one in test watching all namespaces
    const flagger = (namespace: string, args: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: flagger, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: flagger}}
  template:
    metadata: {labels: {app: flagger}}
    spec:
      containers: [{name: flagger, image: ghcr.io/fluxcd/flagger:1.44.0, command: [./flagger, ${args}]}]
`;
    const objects = withYaml(withYaml(tutorial(), flagger('flagger-a', '-namespace=other'), 'a.yaml'), flagger('test', '-log-level=info'), 'b.yaml');
    webhook(objects, 'load-test').url = 'http://flagger-loadtester/';

    // WHEN linted
    // THEN the Canary in test is handled by the Flagger in test, where flagger-loadtester resolves
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('https:// to a Service port named http is an error', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').url = 'https://flagger-loadtester.test:80/';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('it uses https://, but port 80 of Service test/flagger-loadtester speaks plain HTTP');
  });
});

describe('webhook-url-unresolved-nonblocking', () => {
  const NON_BLOCKING = 'webhook-url-unresolved-nonblocking';

  test.each([
    ['event', 'the events are lost'],
    ['post-rollout', 'only logs the failure'],
    ['rollback', 'never signals a rollback'],
  ])('an unresolved %s webhook is a warning: a failed call never halts the canary', (type, consequence) => {
    // GIVEN a webhook of a type that does not gate the analysis, with a misspelt Service
    const objects = tutorial();
    canarySpec(objects).analysis.webhooks.push({ name: 'notify', type, url: 'http://flagger-loadtestr.test/' });

    // WHEN linted
    const findings = findingsOf(objects, NON_BLOCKING);

    // THEN it is a warning that says what the failure costs, and not a webhook-url-unresolved error
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].message).toContain(`${type} webhook "notify" URL http://flagger-loadtestr.test/`);
    expect(findings[0].message).toContain(consequence);
    expect(findings[0].hint).toBe('did you mean http://flagger-loadtester.test/ ?');
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test.each(['confirm-rollout', 'confirm-promotion', 'pre-rollout'])('an unresolved %s webhook stays an error: it gates the rollout', (type) => {
    const objects = tutorial();
    canarySpec(objects).analysis.webhooks.push({ name: 'gate', type, url: 'http://flagger-loadtestr.test/' });
    expect(findingsOf(objects, RULE)).toHaveLength(1);
    expect(findingsOf(objects, NON_BLOCKING)).toEqual([]);
  });
});
