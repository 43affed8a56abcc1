import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

describe('loadtester-type-unknown', () => {
  const RULE = 'loadtester-type-unknown';

  test('passes for the tutorial (type: bash, and no type)', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a misspelt task type fails every call: an error with the closest type', () => {
    // GIVEN type: bsah on the acceptance test
    const objects = tutorial();
    webhook(objects, 'acceptance-test').metadata.type = 'bsah';

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN an error, and the acceptance-test rule does not pretend the type is missing
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('sets metadata.type "bsah", which is not a loadtester task type');
    expect(finding.hint).toBe('did you mean type: bash ?');
    expect(findingsOf(objects, 'acceptance-test-unchecked')).toEqual([]);
  });

  test.each(['cmd', 'bash', 'helm', 'helmv3', 'kubectl', 'concord', 'ngrinder'])('the loadtester knows type %s', (type) => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.type = type;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a metadata.type on a webhook that is not a loadtester call is its own business', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.webhooks.push({ name: 'notify', type: 'event', url: 'https://hooks.example.com/x', metadata: { type: 'slack' } });
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
