import { findingsOf, objectOf, tutorial } from './helpers';

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
});
