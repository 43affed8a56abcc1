import { canarySpec, findingsOf, tutorial, withYaml } from '../helpers';

const RULE = 'canary-field-unknown';

describe('canary-field-unknown', () => {
  test('passes for the tutorial', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('failureThreshold on a metric is not in the CRD (issue #1716): an error with the nearest field', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics[0].failureThreshold = 5;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('spec.analysis.metrics[0].failureThreshold is not a field of the Canary CRD (flagger.app/v1beta1, Flagger v1.44)');
    expect(finding.hint).toMatch(/^did you mean threshold \? \(the fields here: /);
  });

  test('spec.canaryAnalysis from v1alpha3 names spec.analysis', () => {
    const objects = tutorial();
    const spec = canarySpec(objects);
    spec.canaryAnalysis = spec.analysis;
    delete spec.analysis;
    expect(findingsOf(objects, RULE)[0].hint).toBe('rename it to spec.analysis (v1alpha3 called it canaryAnalysis; without spec.analysis the CRD rejects the Canary).');
  });

  test('maps keep any key: templateVariables, webhook metadata, service labels', () => {
    const objects = tutorial();
    const spec = canarySpec(objects);
    spec.analysis.webhooks[0].metadata.anything = 'x';
    spec.service.apex = { labels: { team: 'web' } };
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a MetricTemplate field the CRD does not have is reported too', () => {
    const objects = withYaml(tutorial(), `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: x, namespace: test}
spec:
  provider: {type: prometheus, url: http://prometheus:9090}
  query: up
`);
    expect(findingsOf(objects, RULE)[0].message).toContain('spec.provider.url is not a field of the MetricTemplate CRD');
  });
});
