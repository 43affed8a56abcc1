import { canarySpec, findingsOf, tutorial } from '../helpers';

function analysisWith(edit: (analysis: any) => void, objects = tutorial()) {
  edit(canarySpec(objects).analysis);
  return objects;
}

describe('threshold-invalid', () => {
  const RULE = 'threshold-invalid';

  test('passes for threshold 5', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test.each([0, -1])('threshold %p is an error: Flagger uses 1', (threshold) => {
    const [finding] = findingsOf(analysisWith((a) => { a.threshold = threshold; }), RULE);
    expect(finding.message).toContain(`threshold is ${threshold}; Flagger treats it as 1`);
  });

  test('a missing threshold is an error: the CRD requires it', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.threshold; }), RULE);
    expect(finding.message).toContain('threshold is missing');
    expect(finding.message).toContain('the API server rejects the Canary');
  });

  test('a fractional threshold is an error: Flagger cannot decode it', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.threshold = 2.5; }), RULE);
    expect(finding.message).toContain('threshold 2.5 is not a whole number');
  });

  test('threshold 0 does not matter when the analysis is skipped', () => {
    // GIVEN threshold 0 on a Canary that skips its analysis
    const objects = analysisWith((a) => { a.threshold = 0; });
    canarySpec(objects).skipAnalysis = true;

    // WHEN linted
    // THEN there is no check to fail, so no finding
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
