import { findingsOf, objectOf, tutorial, withFlagger } from '../helpers';

const RULE = 'selector-label-missing';

describe('selector-label-missing', () => {
  test('passes for the tutorial (app: podinfo)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('passes with app.kubernetes.io/name', () => {
    const objects = tutorial();
    const deployment = objectOf(objects, 'Deployment', 'podinfo');
    deployment.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'podinfo' };
    deployment.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'podinfo' };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a selector without app, name or app.kubernetes.io/name is an error on the Deployment', () => {
    const objects = tutorial();
    const deployment = objectOf(objects, 'Deployment', 'podinfo');
    deployment.spec.selector.matchLabels = { role: 'web' };
    deployment.spec.template.metadata.labels = { role: 'web' };
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ severity: 'error', kind: 'Deployment', name: 'podinfo' });
    expect(finding.message).toContain('(role=web) contain none of app, name, app.kubernetes.io/name');
  });

  test('a selector that does not match the pod labels is an error', () => {
    const objects = tutorial();
    objectOf(objects, 'Deployment', 'podinfo').spec.template.metadata.labels = { app: 'podinfo-v2' };
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('app=podinfo does not match the pod template label app=podinfo-v2');
  });

  test("Flagger's -selector-labels replace the default labels", () => {
    // GIVEN a Flagger started with -selector-labels=app.kubernetes.io/component, and the tutorial's selector app: podinfo
    const objects = withFlagger(tutorial(), ['-mesh-provider=istio', '-selector-labels=app.kubernetes.io/component']);

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN app no longer counts, and the message says where the labels come from
    expect(finding.message).toContain('contain none of app.kubernetes.io/component (the -selector-labels of Deployment/istio-system/flagger)');
    expect(finding.hint).toContain('app.kubernetes.io/component');
  });

  test('a selector with one of the configured -selector-labels passes', () => {
    const objects = withFlagger(tutorial(), ['--selector-labels', 'team,app']);
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
