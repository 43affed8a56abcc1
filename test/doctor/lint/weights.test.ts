import { canarySpec, findingsOf, tutorial } from './helpers';

function analysisWith(edit: (analysis: any) => void) {
  const objects = tutorial();
  edit(canarySpec(objects).analysis);
  return objects;
}

describe('weights-invalid', () => {
  const RULE = 'weights-invalid';

  test('passes for the tutorial (stepWeight 10, maxWeight 50)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('passes for strictly increasing stepWeights', () => {
    expect(findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [1, 5, 10, 20, 50]; }), RULE)).toEqual([]);
  });

  test('stepWeights that repeat a weight are an error with the sorted list', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [10, 20, 20, 5]; }), RULE);
    expect(finding.message).toContain('not strictly increasing (20 → 20, 20 → 5)');
    expect(finding.hint).toBe('sort them and drop duplicates: [5, 10, 20]');
  });

  test('a step weight outside 1..100 is an error', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [0, 50, 150]; }), RULE);
    expect(finding.message).toContain('0, 150 outside 1..100');
  });

  test('stepWeight 0 never moves traffic', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.stepWeight = 0; }), RULE);
    expect(finding.message).toContain('stepWeight is 0');
  });

  test('maxWeight above 100 is never reached', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.maxWeight = 150; }), RULE);
    expect(finding.message).toContain('never promoted');
  });

  test('Blue/Green (iterations) needs no weights', () => {
    expect(findingsOf(analysisWith((a) => { delete a.stepWeight; delete a.maxWeight; a.iterations = 10; }), RULE)).toEqual([]);
  });
});

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
});

describe('threshold-invalid', () => {
  const RULE = 'threshold-invalid';

  test('passes for threshold 5', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([0, -1])('threshold %p is an error: Flagger uses 1', (threshold) => {
    const [finding] = findingsOf(analysisWith((a) => { a.threshold = threshold; }), RULE);
    expect(finding.message).toContain(`threshold is ${threshold}; Flagger treats it as 1`);
  });

  test('a missing threshold is an error', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.threshold; }), RULE);
    expect(finding.message).toContain('missing');
  });
});
