import { parseManifests } from '../../../../lib/doctor/input/manifests';
import { fromObjects } from '../../../../lib/doctor/input/manifests';
import { canarySpec, findingsOf, objectOf, tutorial, withFlagger, without } from '../helpers';

describe('namespace-missing', () => {
  const RULE = 'namespace-missing';

  test('passes when the Namespace is in the manifests', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test("a Canary's namespace without a Namespace object is a note by default: it is assumed to be created separately", () => {
    const [finding] = findingsOf(without(tutorial(), 'Namespace'), RULE);
    expect(finding).toMatchObject({ kind: 'Canary', name: 'podinfo', severity: 'info' });
    expect(finding.message).toContain('namespace test, which has no Namespace object');
    expect(finding.message).toContain('It is assumed to be created separately (kubectl create namespace, another kustomization)');
    expect(finding.hint).toContain('--assume-present Namespace/test silences this note; pass --complete');
  });

  test('with completeness complete, it is an error', () => {
    const [finding] = findingsOf(without(tutorial(), 'Namespace'), RULE, { completeness: 'complete' });
    expect(finding.severity).toBe('error');
    expect(finding.hint).toBe('add a Namespace test labelled istio-injection: enabled before the other objects.');
  });

  test('a Namespace of a similar name in the manifests makes it an error: a typo', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.name = 'tets';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('error');
    expect(finding.hint).toBe('did you mean namespace tets ?');
  });

  test.each([
    ['--assume-present', { assumePresent: [{ kind: 'Namespace', namespace: '', name: 'test' }] }],
    ['--assume-external-namespace', { externalNamespaces: ['test'] }],
  ])('a namespace declared present (%s) is not reported, even in complete mode', (_flag, options) => {
    expect(findingsOf(without(tutorial(), 'Namespace'), RULE, { completeness: 'complete', ...options })).toEqual([]);
  });
});

describe('namespace-injection', () => {
  const RULE = 'namespace-injection';

  test('passes with istio-injection=enabled', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test("a Canary without spec.provider follows Flagger's -mesh-provider: nginx needs no sidecar", () => {
    // GIVEN a namespace without injection, and Flagger started with -mesh-provider=nginx
    const objects = withFlagger(tutorial(), ['-mesh-provider=nginx']);
    objectOf(objects, 'Namespace', 'test').metadata.labels = {};

    // WHEN linted
    // THEN the Istio rule does not apply; with Flagger's default provider (istio) it does
    expect(findingsOf(objects, RULE)).toEqual([]);
    expect(findingsOf(withFlagger(tutorial(), []).map((s) => (s.object.kind === 'Namespace' ? { ...s, object: { ...s.object, metadata: { name: 'test' } } } : s)), RULE)).toHaveLength(1);
  });

  test('passes with istio.io/rev', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = { 'istio.io/rev': 'canary' };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a Namespace without the label is an error on the Namespace', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = { team: 'web' };
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ kind: 'Namespace', name: 'test', namespace: '' });
    expect(finding.message).toContain('neither istio-injection=enabled nor istio.io/rev (labels: team=web)');
  });

  test('istio-injection=disabled is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels['istio-injection'] = 'disabled';
    expect(findingsOf(objects, RULE)[0].message).toContain('istio-injection=disabled');
  });

  test('a pod template that opts out of injection is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'Deployment', 'podinfo').spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false';
    expect(findingsOf(objects, RULE)[0].message).toContain('sidecar.istio.io/inject: "false"');
  });

  test('a pod template that already carries the istio-proxy sidecar needs no injection (istioctl kube-inject)', () => {
    // GIVEN gitops-istio's setup: istio-injection=disabled, and the sidecar injected offline into the Deployment
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = { 'istio-injection': 'disabled' };
    const template = objectOf(objects, 'Deployment', 'podinfo').spec.template;

    // WHEN linted with the sidecar in the pod template, by container or by the status annotation
    template.spec.containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.0' });
    expect(findingsOf(objects, RULE)).toEqual([]);
    template.spec.containers.pop();
    template.metadata.annotations = { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' };
    expect(findingsOf(objects, RULE)).toEqual([]);

    // THEN without either, it is an error
    delete template.metadata.annotations;
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });

  test('a Canary with gatewayRefs (Gateway API provider) needs no sidecar', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = {};
    const service = canarySpec(objects).service;
    delete service.gateways;
    delete service.trafficPolicy;
    service.gatewayRefs = [{ name: 'gateway', namespace: 'istio-ingress' }];
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('ambient mode (istio.io/dataplane-mode=ambient) needs no sidecar', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = { 'istio.io/dataplane-mode': 'ambient' };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('Istio assumed for lack of any evidence: a warning that names the assumption, not an error', () => {
    // GIVEN no spec.provider, no Flagger Deployment, no Istio field, label, object or annotation
    const objects = tutorial().filter((o) => o.object.kind !== 'Gateway');
    objectOf(objects, 'Namespace', 'test').metadata.labels = {};
    canarySpec(objects).service = { port: 9898, targetPort: 9898 };

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN it is a warning, and says which provider was assumed and why
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain("get no Istio sidecar, which its provider istio (assumed: Flagger's default -mesh-provider; nothing in the manifests names a provider, and a Helm install's meshProvider is not in them) needs.");
  });

  test('other mesh providers are not checked', () => {
    const objects = tutorial();
    objectOf(objects, 'Namespace', 'test').metadata.labels = {};
    canarySpec(objects).provider = 'kubernetes';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});

describe('namespace-order', () => {
  const RULE = 'namespace-order';

  test('passes when the Namespace comes first', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a Namespace in a file that sorts after the objects in it is an error', () => {
    // GIVEN the tutorial files, with the namespace in zz-namespace.yaml, as `kubectl apply -f DIR` orders them
    const objects = without(tutorial(), 'Namespace');
    const all = [...objects, ...parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: test}\n', 'zz-namespace.yaml', objects.length)];

    // WHEN linted
    const [finding, ...rest] = findingsOf(all, RULE);

    // THEN one error on the Namespace names the first object and suggests a file that sorts first
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'Namespace', name: 'test', file: 'zz-namespace.yaml' });
    expect(finding.message).toContain('comes after 5 objects in it');
    expect(finding.message).toContain('Deployment/test/podinfo in kustomize-podinfo.yaml');
    expect(finding.hint).toContain('00-namespace.yaml');
  });

  test('a Namespace in another folder may be applied first: no finding', () => {
    // GIVEN the tutorial files in apps/, and the namespace in infra/ given after them on the command line
    const objects = without(tutorial(), 'Namespace').map((s) => ({ ...s, source: { ...s.source, file: `apps/${s.source.file}` } }));
    const all = [...objects, ...parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: test}\n', 'infra/namespace.yaml', objects.length)];
    expect(findingsOf(all, RULE)).toEqual([]);
  });

  test('within one file, a Namespace below the objects in it is an error', () => {
    const objects = parseManifests('kind: Service\napiVersion: v1\nmetadata: {name: a, namespace: web}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n', 'all.yaml');
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('comes after 1 object in it');
    expect(finding.hint).toBe('move the Namespace document above the objects in it.');
  });

  test('objects without a file or construct path have no known apply order', () => {
    const objects = fromObjects([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'web' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
    ]);
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('objects of a construct tree are in synth order', () => {
    const objects = [
      { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'web' } }, source: { order: 0, path: 'app/chart/svc' } },
      { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }, source: { order: 1, path: 'app/chart/ns' } },
    ];
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });
});
