import { canarySpec, findingsOf, tutorial, withYaml } from '../helpers';

const RULE = 'metric-query-invalid';

const template = (query: string, type = 'prometheus') => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: not-found-percentage, namespace: test}
spec:
  provider: {type: ${type}, address: http://prometheus.istio-system:9090}
  query: |
${query.split('\n').map((line) => `    ${line}`).join('\n')}
`;

function withTemplate(query: string, type?: string) {
  const objects = withYaml(tutorial(), template(query, type), 'template.yaml');
  canarySpec(objects).analysis.metrics.push({ name: '404s percentage', templateRef: { name: 'not-found-percentage' }, thresholdRange: { max: 5 }, interval: '1m' });
  return objects;
}

describe('metric-query-invalid', () => {
  test('passes for a valid PromQL template with Flagger\'s functions', () => {
    const objects = withTemplate('100 - sum(rate(http_requests_total{namespace="{{ namespace }}", pod=~"{{ target }}-[0-9a-z]+", status!="404"}[{{ interval }}]))\n/ sum(rate(http_requests_total{namespace="{{ namespace }}"}[{{ interval }}])) * 100');
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('a missing comma between label matchers (the kubernetes and Gloo tutorials) is an error on the MetricTemplate', () => {
    // GIVEN the tutorial's not-found-percentage query, with no comma after the pod matcher
    const objects = withTemplate('100 - sum(\n  rate(http_request_duration_seconds_count{\n    kubernetes_namespace="{{ namespace }}",\n    kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"\n    status!="{{ interval }}"\n  }[{{ interval }}])\n)');

    // WHEN linted
    const [finding] = findingsOf(objects, RULE);

    // THEN the template is blamed, with Prometheus' own words and the text around it
    expect(finding).toMatchObject({ kind: 'MetricTemplate', name: 'not-found-percentage', file: 'template.yaml', severity: 'error' });
    expect(finding.message).toContain('its query is not valid PromQL once rendered: unexpected identifier "status" in label matching, expected "," or "}"');
    expect(finding.hint).toContain('separate label matchers with commas');
  });

  test('Grafana placeholders ($interval) are not Flagger template actions (the pre-#1456 FAQ)', () => {
    const [finding] = findingsOf(withTemplate('sum(rate(istio_requests_total{destination_workload_namespace=~"$namespace"}[$interval]))'), RULE);
    expect(finding.message).toContain('unexpected character: "$"');
    expect(finding.hint).toContain('write [{{ interval }}], "{{ namespace }}", "{{ target }}" instead of $interval');
  });

  test('a URL in a metric\'s in-line query is an error on the Canary (issue #1716)', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics[0].query = 'http://test-service:3000/ping';
    const [finding] = findingsOf(objects, RULE);
    expect(finding).toMatchObject({ kind: 'Canary', severity: 'error' });
    expect(finding.message).toContain('metric "request-success-rate": its in-line query is not valid PromQL');
    expect(finding.hint).toContain('a metric query is PromQL, not a URL');
  });

  test.each([['datadog', 'sum:istio.mesh.request.count{reporter:destination}.as_count()'], ['newrelic', "SELECT filter(sum(x), WHERE status >= '500')"]])(
    'a %s query is not PromQL, and not judged as such', (type, query) => {
      expect(findingsOf(withTemplate(query, type), RULE)).toEqual([]);
    });

  test('a template no Canary uses is still checked, with sample values', () => {
    const objects = withYaml(tutorial(), template('sum(rate(x{a="b" c="d"}[{{ interval }}]))'));
    expect(findingsOf(objects, RULE)).toHaveLength(1);
  });

  test('a query this does not render (if, range) is not judged', () => {
    expect(findingsOf(withTemplate('{{ if true }}sum(x{a="b" c="d"}){{ end }}'), RULE)).toEqual([]);
  });
});
