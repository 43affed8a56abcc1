import { findingsOf, objectOf, tutorial } from '../helpers';

function podinfoPod(objects: any[]) {
  return objectOf(objects, 'Deployment', 'podinfo').spec.template.spec;
}

describe('non-root-named-user', () => {
  const RULE = 'non-root-named-user';

  test('passes for the tutorial, which does not set runAsNonRoot', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('runAsNonRoot on the pod without runAsUser is an error for podinfo', () => {
    const objects = tutorial();
    podinfoPod(objects).securityContext = { runAsNonRoot: true };
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ severity: 'error', kind: 'Deployment', name: 'podinfo' });
    expect(finding.message).toContain('container "podinfod" (ghcr.io/stefanprodan/podinfo:6.0.0)');
  });

  test('the loadtester with runAsNonRoot and a digest is recognized too', () => {
    const objects = tutorial();
    const container = objectOf(objects, 'Deployment', 'flagger-loadtester').spec.template.spec.containers[0];
    container.image = 'ghcr.io/fluxcd/flagger-loadtester@sha256:0123';
    container.securityContext = { runAsNonRoot: true };
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });

  test('a numeric runAsUser in the container passes', () => {
    const objects = tutorial();
    podinfoPod(objects).securityContext = { runAsNonRoot: true };
    podinfoPod(objects).containers[0].securityContext = { runAsUser: 10001 };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a container that turns runAsNonRoot off passes', () => {
    const objects = tutorial();
    podinfoPod(objects).securityContext = { runAsNonRoot: true };
    podinfoPod(objects).containers[0].securityContext = { runAsNonRoot: false };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('runAsUser 0 with runAsNonRoot is an error for any image', () => {
    const objects = tutorial();
    podinfoPod(objects).containers[0].image = 'example.com/app:1';
    podinfoPod(objects).securityContext = { runAsNonRoot: true, runAsUser: 0 };
    expect(findingsOf(objects, RULE)[0].message).toContain('runAsUser: 0');
  });
});

describe('non-root-unverified', () => {
  test('another image is a warning', () => {
    const objects = tutorial();
    podinfoPod(objects).containers[0].image = 'example.com/app:1';
    podinfoPod(objects).securityContext = { runAsNonRoot: true };
    const findings = findingsOf(objects, 'non-root-unverified');
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findingsOf(objects, 'non-root-named-user')).toEqual([]);
  });
});
