import { canarySpec, findingsOf, tutorial, withFlagger } from '../helpers';

function analysisWith(edit: (analysis: any) => void, objects = tutorial()) {
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

  test('none of iterations, stepWeight and stepWeights: the CRD rejects the Canary', () => {
    // GIVEN an analysis without any of the three fields the CRD's oneOf asks for
    const objects = analysisWith((a) => { delete a.stepWeight; });

    // WHEN linted
    const [finding, ...rest] = findingsOf(objects, RULE);

    // THEN one error explains the CRD's rule
    expect(rest).toEqual([]);
    expect(finding.message).toContain('has none of iterations, stepWeight and stepWeights');
    expect(finding.message).toContain('the API server rejects the Canary');
  });

  test.each([
    [{ stepWeights: [10, 20, 50] }, 'stepWeight and stepWeights'],
    [{ iterations: 10 }, 'iterations and stepWeight'],
  ])('two of iterations, stepWeight and stepWeights (%p added): the CRD\'s oneOf rejects the Canary', (added, named) => {
    // GIVEN the tutorial's stepWeight plus a second strategy field
    const objects = analysisWith((a) => Object.assign(a, added));

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN it is an error that names both fields and says the API server rejects it
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain(`sets ${named}`);
    expect(finding.message).toContain('exactly one of iterations, stepWeight and stepWeights');
  });

  test('stepWeights that repeat a weight stall the canary at that weight', () => {
    // GIVEN stepWeights with a repeated 20
    const objects = analysisWith((a) => { delete a.stepWeight; a.stepWeights = [10, 20, 20, 50]; });

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the message says where Flagger stops (nextStepWeight is 0 there), not that traffic moves back
    expect(finding.message).toContain('not strictly increasing (20 → 20)');
    expect(finding.message).toContain('the canary stalls at weight 20 and is never promoted');
    expect(finding.message).not.toContain('back');
    expect(finding.hint).toBe('list strictly increasing weights between 1 and 100: [10, 20, 50]');
  });

  test('a lower stepWeight stalls the canary too: Flagger only advances on a positive step', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [10, 30, 20, 50]; }), RULE);
    expect(finding.message).toContain("at weight 30 Flagger's next step is -10");
    expect(finding.message).toContain('stalls at weight 30');
  });

  test('a first step of 0 stalls at 0', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [0, 50, 100]; }), RULE);
    expect(finding.message).toContain('starts at 0');
    expect(finding.message).toContain('stalls at weight 0');
  });

  test('a step above 100 is capped: an error that says it sends all traffic', () => {
    const [finding] = findingsOf(analysisWith((a) => { delete a.stepWeight; a.stepWeights = [50, 150]; }), RULE);
    expect(finding.message).toContain('150 above 100');
    expect(finding.message).toContain('sends all traffic to the canary');
  });

  test('stepWeight 0 never moves traffic', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.stepWeight = 0; }), RULE);
    expect(finding.message).toContain('stepWeight is 0');
    expect(finding.message).toContain('stays at weight 0');
  });

  test('maxWeight above 100 is never reached', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.maxWeight = 150; }), RULE);
    expect(finding.message).toContain('never promoted');
  });

  test('maxWeight 0 is ignored by Flagger, which goes up to 100%', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.maxWeight = 0; }), RULE);
    expect(finding.message).toContain('Flagger ignores it and shifts traffic up to 100%');
  });

  test.each([['stepWeight', 12.5], ['maxWeight', 50.5], ['iterations', 2.5]])('a %s of %p passes the CRD but Flagger cannot decode it', (field, value) => {
    // GIVEN a field Flagger reads as a Go int, written with a fraction (iterations replaces stepWeight)
    const objects = analysisWith((a) => {
      if (field === 'iterations') delete a.stepWeight;
      a[field] = value;
    });

    // WHEN linted
    const findings = findingsOf(objects, RULE);

    // THEN one error says why
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`${field} ${value} is not a whole number`);
    expect(findings[0].message).toContain('Go int');
  });

  test('a quoted stepWeight is rejected by the API server', () => {
    const [finding] = findingsOf(analysisWith((a) => { a.stepWeight = '10'; }), RULE);
    expect(finding.message).toContain('stepWeight "10" is not a number');
  });

  test('Blue/Green (iterations) needs no weights', () => {
    expect(findingsOf(analysisWith((a) => { delete a.stepWeight; delete a.maxWeight; a.iterations = 10; }), RULE)).toEqual([]);
  });

  test('the kubernetes provider runs Blue/Green, so its weights do not matter', () => {
    // GIVEN stepWeight 0, which stalls an Istio canary
    const istio = analysisWith((a) => { a.stepWeight = 0; });
    const kubernetes = analysisWith((a) => { a.stepWeight = 0; });
    canarySpec(kubernetes).provider = 'kubernetes';

    // WHEN linted
    // THEN only the Istio canary stalls: Flagger gives the kubernetes provider 10 iterations instead
    expect(findingsOf(istio, RULE)).toHaveLength(1);
    expect(findingsOf(kubernetes, RULE)).toEqual([]);
  });

  test("Flagger's -mesh-provider applies when spec.provider is empty", () => {
    // GIVEN stepWeight 0 and a Flagger started with -mesh-provider=kubernetes
    const objects = withFlagger(analysisWith((a) => { a.stepWeight = 0; }), ['-mesh-provider=kubernetes']);

    // WHEN linted
    // THEN the weights are not checked; with -mesh-provider=istio they are
    expect(findingsOf(objects, RULE)).toEqual([]);
    expect(findingsOf(withFlagger(analysisWith((a) => { a.stepWeight = 0; }), ['-mesh-provider', 'istio']), RULE)).toHaveLength(1);
  });

  test('skipAnalysis promotes at once, so the weights do not matter', () => {
    const objects = analysisWith((a) => { a.stepWeight = 0; });
    canarySpec(objects).skipAnalysis = true;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the oneOf still applies with skipAnalysis: the API server validates every Canary', () => {
    const objects = analysisWith((a) => { delete a.stepWeight; });
    canarySpec(objects).skipAnalysis = true;
    expect(findingsOf(objects, RULE)[0].message).toContain('the API server rejects the Canary');
  });
});
