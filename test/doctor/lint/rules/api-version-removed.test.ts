import { findingsOf, tutorial, withYaml } from '../helpers';

const RULE = 'api-version-removed';

describe('api-version-removed', () => {
  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('an extensions/v1beta1 Ingress (the Linkerd tutorial\'s A/B section) is an error', () => {
    const objects = withYaml(tutorial(), `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: podinfo, namespace: test}
spec:
  rules: [{host: app.example.com, http: {paths: [{backend: {serviceName: podinfo, servicePort: 9898}}]}}]
`);
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ kind: 'Ingress', severity: 'error' });
    expect(finding.message).toBe('Ingress test/podinfo is written in extensions/v1beta1, which Kubernetes 1.22 removed: `kubectl apply` fails with no matches for kind "Ingress" in version "extensions/v1beta1", so it is never created.');
    expect(finding.hint).toContain('write it in networking.k8s.io/v1');
  });

  test('an autoscaling/v2beta2 HPA object is an error; the same apiVersion in autoscalerRef is not this rule\'s', () => {
    const objects = tutorial();
    const hpa = objects.find((o) => o.object.kind === 'HorizontalPodAutoscaler')!.object as any;
    hpa.apiVersion = 'autoscaling/v2beta2';
    expect(findingsOf(objects, RULE)[0].message).toContain('which Kubernetes 1.26 removed');
  });

  test('a flagger.app/v1alpha3 Canary is an error', () => {
    const objects = tutorial();
    (objects.find((o) => o.object.kind === 'Canary')!.object as any).apiVersion = 'flagger.app/v1alpha3';
    expect(findingsOf(objects, RULE)[0].hint).toContain('flagger.app/v1beta1');
  });
});
