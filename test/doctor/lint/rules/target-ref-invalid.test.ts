import { canarySpec, findingsOf, objectOf, tutorial } from '../helpers';

describe('target-ref-invalid', () => {
  const RULE = 'target-ref-invalid';

  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a missing targetRef is an error', () => {
    const objects = tutorial();
    delete canarySpec(objects).targetRef;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('has no spec.targetRef');
  });

  test('an unsupported kind is an error', () => {
    const objects = tutorial();
    canarySpec(objects).targetRef.kind = 'StatefulSet';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('"StatefulSet" is not one Flagger supports');
  });

  test('a workload that is not in the manifests is an error with the closest name', () => {
    const objects = tutorial();
    canarySpec(objects).targetRef.name = 'podinf';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('Deployment test/podinf, which is not in the linted manifests');
    expect(finding.hint).toBe('did you mean name: podinfo ?');
  });

  test('a DaemonSet target passes when it is in the manifests', () => {
    const objects = tutorial();
    objectOf(objects, 'Deployment', 'podinfo').kind = 'DaemonSet';
    canarySpec(objects).targetRef.kind = 'DaemonSet';
    delete canarySpec(objects).autoscalerRef;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a target that is not in the manifests is a note by default (another kustomization deploys it), an error when they are complete', () => {
    const objects = tutorial().filter((o) => o.object.kind === 'Canary');
    canarySpec(objects).targetRef.name = 'checkout';
    expect(findingsOf(objects, RULE).map((f) => f.severity)).toEqual(['info']);
    expect(findingsOf(objects, RULE, { completeness: 'complete' }).map((f) => f.severity)).toEqual(['error']);
  });
});
