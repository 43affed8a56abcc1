import { canarySpec, findingsOf, tutorial } from '../helpers';

function analysisWith(edit: (analysis: any) => void, objects = tutorial()) {
  edit(canarySpec(objects).analysis);
  return objects;
}

describe('step-weight-overshoot', () => {
  const RULE = 'step-weight-overshoot';

  test('passes when stepWeight divides maxWeight', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a stepWeight that does not divide maxWeight is a warning with the real weights', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.stepWeight = 20; }), RULE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('the canary goes 20, 40, 60 and gets 60% of the traffic, above maxWeight 50');
  });

  test('without maxWeight the last step stops at 100%, which is no overshoot', () => {
    expect(findingsOf(analysisWith((a) => { delete a.maxWeight; a.stepWeight = 30; }), RULE)).toEqual([]);
  });

  test('stepWeights never overshoot', () => {
    expect(findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [20, 45]; }), RULE)).toEqual([]);
  });

  test('the kubernetes provider shifts no weights, so nothing overshoots', () => {
    const objects = analysisWith((a) => { a.stepWeight = 20; });
    canarySpec(objects).provider = 'kubernetes';
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
