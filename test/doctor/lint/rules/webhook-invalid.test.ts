import { canarySpec, findingsOf, tutorial, webhook } from '../helpers';

describe('webhook-invalid', () => {
  const RULE = 'webhook-invalid';

  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a webhook type outside the CRD\'s list is rejected by the API server, with the closest type', () => {
    // GIVEN type: prerollout
    const objects = tutorial();
    webhook(objects, 'acceptance-test').type = 'prerollout';

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN an error names the field and suggests pre-rollout
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('webhook "acceptance-test" (spec.analysis.webhooks[0]) has type "prerollout"');
    expect(finding.message).toContain('the API server rejects the Canary');
    expect(finding.hint).toBe('did you mean type: pre-rollout ?');
  });

  test.each(['', 'event', 'rollback', 'confirm-traffic-increase'])('type %p is one of the CRD\'s types', (type) => {
    const objects = tutorial();
    webhook(objects, 'load-test').type = type;
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a webhook without url is rejected by the API server, not merely "every call fails"', () => {
    const objects = tutorial();
    delete webhook(objects, 'load-test').url;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toContain('has no url; the Flagger CRD requires a url string, so the API server rejects the Canary');
    expect(findingsOf(objects, 'webhook-url-unresolved')).toEqual([]);
  });

  test('a webhook without name is rejected by the API server', () => {
    const objects = tutorial();
    delete canarySpec(objects).analysis.webhooks[1].name;
    expect(findingsOf(objects, RULE)[0].message).toContain('(spec.analysis.webhooks[1]) has no name');
  });
});
