import { canarySpec, findingsOf, objectOf, tutorial, without } from '../helpers';

describe('autoscaler-ref-invalid', () => {
  const RULE = 'autoscaler-ref-invalid';

  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('passes without HPA and without autoscalerRef', () => {
    const objects = without(tutorial(), 'HorizontalPodAutoscaler');
    delete canarySpec(objects).autoscalerRef;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('an autoscalerRef to an HPA that is not in the manifests, next to one of a similar name, is an error', () => {
    const objects = tutorial();
    canarySpec(objects).autoscalerRef.name = 'podinfo-hpa';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('HorizontalPodAutoscaler test/podinfo-hpa, which is not in the linted manifests');
    expect(finding.hint).toBe('did you mean name: podinfo ?');
  });

  test('an HPA that is simply not in the manifests is a note, an error when they are complete', () => {
    // GIVEN the Canary alone: its HPA comes with the app's Helm chart
    const objects = without(without(without(tutorial(), 'HorizontalPodAutoscaler'), 'Namespace'), 'Deployment');
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['info']);
    expect(findingsOf(objects, RULE, { completeness: 'complete' }).map((f) => f.severity)).toEqual(['error']);
  });

  test('an HPA that scales another workload is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'HorizontalPodAutoscaler', 'podinfo').spec.scaleTargetRef.name = 'frontend';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('scales Deployment frontend, not the canary\'s target Deployment podinfo');
  });

  test('another apiVersion than the HPA\'s is only a note: Flagger v1.44 ignores it (gitops-istio\'s autoscaling/v2beta2)', () => {
    const objects = tutorial();
    canarySpec(objects).autoscalerRef.apiVersion = 'autoscaling/v2beta2';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('"autoscaling/v2beta2", but HorizontalPodAutoscaler test/podinfo is autoscaling/v2');
    expect(finding.hint).toBe('set spec.autoscalerRef.apiVersion: autoscaling/v2');
  });

  test('the apiVersion message says what Flagger v1.44 really does with the field', () => {
    // GIVEN an autoscalerRef written with autoscaling/v1 for an autoscaling/v2 HPA
    const objects = tutorial();
    canarySpec(objects).autoscalerRef.apiVersion = 'autoscaling/v1';

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN it is a note, and does not claim the rollout breaks: Flagger reads every HPA through autoscaling/v2
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('Flagger v1.44 ignores this field (it reads every HorizontalPodAutoscaler through autoscaling/v2), so the rollout is not affected');
  });

  test('a targetRef that names no workload does not also blame the HPA that scales the real one', () => {
    // GIVEN a typo in targetRef.name; the HPA scales podinfo
    const objects = tutorial();
    canarySpec(objects).targetRef.name = 'podinf';

    // WHEN linted
    // THEN only target-ref-invalid reports it, not "point the HPA at Deployment podinf"
    expect(findingsOf(objects, RULE)).toEqual([]);
    expect(findingsOf(objects, 'target-ref-invalid')[0].hint).toBe('did you mean name: podinfo ?');
  });
});

describe('autoscaler-ref-missing', () => {
  const RULE = 'autoscaler-ref-missing';

  test('passes when the Canary references the HPA of its target', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('an HPA that scales the target while the Canary has no autoscalerRef is a warning: the primary is not autoscaled', () => {
    const objects = tutorial();
    delete canarySpec(objects).autoscalerRef;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('HorizontalPodAutoscaler/test/podinfo scales the target');
    expect(finding.hint).toContain('autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}');
  });
});
