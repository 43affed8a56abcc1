import { canarySpec, findingsOf, objectOf, tutorial, without } from '../helpers';

const RULE = 'replicas-with-hpa';

describe('replicas-with-hpa', () => {
  test('passes for the tutorial, whose Deployment leaves replicas to the HPA', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('spec.replicas on a Deployment an HPA scales is a warning on the Deployment', () => {
    const objects = tutorial();
    objectOf(objects, 'Deployment', 'podinfo').spec.replicas = 2;
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ severity: 'warning', kind: 'Deployment', name: 'podinfo' });
    expect(finding.message).toContain('sets spec.replicas: 2, but HorizontalPodAutoscaler/test/podinfo scales it');
  });

  test('without any HPA or autoscalerRef, replicas are fine', () => {
    const objects = without(tutorial(), 'HorizontalPodAutoscaler');
    delete canarySpec(objects).autoscalerRef;
    objectOf(objects, 'Deployment', 'podinfo').spec.replicas = 2;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
