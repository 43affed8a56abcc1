import { canarySpec, findingsOf, tutorial, withFlagger } from '../helpers';

const RULE = 'provider-unknown';

describe('provider-unknown', () => {
  test.each(['istio', 'gatewayapi:v1', 'gatewayapi:v1beta1', 'appmesh:v1beta2', 'smi:v1alpha3:linkerd', 'gloo', 'kubernetes'])('passes for %s', (provider) => {
    const objects = tutorial();
    canarySpec(objects).provider = provider;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('gatewayapi without its version falls back to the Istio router: an error', () => {
    const objects = tutorial();
    canarySpec(objects).provider = 'gatewayapi';
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toBe('spec.provider is "gatewayapi", which Flagger v1.44 does not know: its router factory falls back to the Istio router for Canary test/podinfo.');
    expect(finding.hint).toMatch(/^did you mean gatewayapi:v1 \? /);
  });

  test('a -mesh-provider Flagger does not know is reported on the Flagger Deployment', () => {
    const [finding] = findingsOf(withFlagger(tutorial(), ['-mesh-provider=ngnix']), RULE);
    expect(finding).toMatchObject({ kind: 'Deployment', name: 'flagger' });
    expect(finding.hint).toMatch(/^did you mean nginx \? /);
  });
});
