import { canarySpec, findingsOf, tutorial, withYaml } from '../helpers';

const template = (query: string, name = 'error-rate') => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: ${name}, namespace: istio-system}
spec:
  provider: {type: prometheus, address: http://prometheus.istio-system:9090}
  query: ${JSON.stringify(query)}
`;

function withMetric(query: string, metric: Record<string, unknown> = {}) {
  const objects = withYaml(tutorial(), template(query), 'template.yaml');
  canarySpec(objects).analysis.metrics.push({ name: 'error-rate', templateRef: { name: 'error-rate', namespace: 'istio-system' }, thresholdRange: { max: 1 }, interval: '1m', ...metric });
  return objects;
}

const VALID = 'sum(rate(istio_requests_total{reporter="{{ variables.reporter }}", destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}"}[{{ interval }}]))';

describe('metric-template-variable-unknown', () => {
  const RULE = 'metric-template-variable-unknown';

  test.each([
    ['Flagger\'s functions', 'sum(rate(x{n="{{ name }}", ns="{{ namespace }}", t="{{ target }}", s="{{ service }}", i="{{ ingress }}", r="{{ route }}"}[{{ interval }}]))'],
    ['printf over them (the Skipper tutorial)', '{{ printf "kube(ew)?_%s__%s_canary" namespace ingress }}'],
  ])('passes with %s', (_name, query) => {
    expect(findingsOf(withMetric(query), RULE)).toEqual([]);
  });

  test('{{ workload }} is not a function Flagger defines (the FAQ query converted, PR #1456)', () => {
    const [finding] = findingsOf(withMetric('sum(rate(x{destination_workload=~"{{ workload }}"}[{{ interval }}]))'), RULE);
    expect(finding).toMatchObject({ kind: 'MetricTemplate', namespace: 'istio-system', name: 'error-rate', severity: 'error' });
    expect(finding.message).toContain('"workload" is not a function Flagger defines (template: tmpl: function "workload" not defined)');
    expect(finding.hint).toMatch(/^did you mean \{\{ target \}\} \? Flagger's template functions are \{\{ name \}\}/);
  });

  test('{{ args.name }} and {{ .Release.Name }} are errors too', () => {
    expect(findingsOf(withMetric('x{a="{{ args.name }}"}'), RULE)[0].hint).toContain('did you mean {{ variables.X }} ?');
    expect(findingsOf(withMetric('x{a="{{ .Release.Name }}"}'), RULE)[0].message).toContain('a Helm expression that was not rendered');
  });

  test('an in-line query is checked on the Canary', () => {
    const objects = tutorial();
    canarySpec(objects).analysis.metrics[0].query = 'sum(x{pod="{{ pod }}"})';
    expect(findingsOf(objects, RULE)[0]).toMatchObject({ kind: 'Canary', name: 'podinfo' });
  });
});

describe('metric-template-variable-undeclared', () => {
  const RULE = 'metric-template-variable-undeclared';

  test('passes when the metric declares the variable (the Istio e2e latency template)', () => {
    expect(findingsOf(withMetric(VALID, { templateVariables: { reporter: 'destination' } }), RULE)).toEqual([]);
  });

  test('a metric without the templateVariables its template reads is an error on the Canary', () => {
    const [finding] = findingsOf(withMetric(VALID), RULE);
    expect(finding).toMatchObject({ kind: 'Canary', name: 'podinfo', severity: 'error' });
    expect(finding.message).toBe('metric "error-rate" uses MetricTemplate istio-system/error-rate, whose query reads {{ variables.reporter }}, but the metric sets '
      + 'no templateVariables: Flagger renders with missingkey=error (map has no entry for key "reporter"), so every check fails.');
    expect(finding.hint).toBe('add templateVariables: {reporter: ...} to the metric, with the value the query expects.');
  });

  test('a near miss of the key is named', () => {
    const [finding] = findingsOf(withMetric(VALID, { templateVariables: { reportr: 'destination' } }), RULE);
    expect(finding.hint).toBe('the metric has templateVariables.reportr: rename it to reporter.');
  });
});
