import { CanaryView } from '../../model/canary-view';
import { nameOf, namespaceOf, SourcedObject } from '../../model/object';
import { asMap, asString } from '../../model/yaml';
import { parseGoTemplate, renderGoTemplate, TemplateModel } from '../../util/go-template';
import { promqlSyntaxError } from '../../util/promql';
import { metricTemplateOf, SAMPLE_MODEL, templateModelOf, templateProviderType } from '../metrics';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'metric-query-invalid',
  severity: 'error',
  title: 'A Prometheus query (a MetricTemplate\'s, or a metric\'s in-line query) that is not valid PromQL once rendered: a syntax error, '
    + 'a Grafana placeholder ($interval), a URL',
  symptom: 'Prometheus answers `bad_data ... parse error` to every check: `Metric query failed for error-rate: ... bad_data`, and the canary is '
    + 'rolled back after `threshold` failed checks.',
};

/** The query rendered with `model` and the PromQL error in it, with the text around it; undefined when it renders to valid PromQL or cannot be rendered here. */
function queryError(query: string, model: TemplateModel): { message: string; near: string; rendered: string } | undefined {
  const parsed = parseGoTemplate(query);
  const rendered = renderGoTemplate(parsed, model);
  // Templates this does not evaluate, and empty intervals (metric-template-interval-missing), are not judged.
  if (rendered === undefined || /\[\s*\]/.test(rendered) && model.functions.interval === '') return undefined;
  const error = promqlSyntaxError(rendered);
  if (!error) return undefined;
  const near = rendered.slice(Math.max(0, error.offset - 20), error.offset + 20).replace(/\s+/g, ' ').trim();
  return { message: error.message, near, rendered };
}

function hintFor(query: string): string {
  if (/^\s*https?:\/\//i.test(query)) {
    return 'a metric query is PromQL, not a URL: to check an endpoint, call it from a pre-rollout webhook (e.g. `curl -sf http://.../ping`), '
      + 'and measure the success rate with a query over the metrics your app or mesh exports.';
  }
  if (/\$[a-z_]/i.test(query)) return 'Flagger renders Go templates, not Grafana variables: write [{{ interval }}], "{{ namespace }}", "{{ target }}" instead of $interval, $namespace, $workload.';
  return 'fix the query and try it in Prometheus (Graph tab) with the values filled in; separate label matchers with commas.';
}

function sentence(subject: string, error: { message: string; near: string }): string {
  return `${subject} is not valid PromQL once rendered: ${error.message} (near \`${error.near}\`). Prometheus rejects it with bad_data on every check, `
    + 'so the metric never passes.';
}

function checkTemplate(context: LintContext, template: SourcedObject): Report[] {
  if (templateProviderType(template) !== 'prometheus') return [];
  const query = asString(asMap(template.object.spec).query);
  if (query === undefined) return [];
  const subject = `MetricTemplate ${namespaceOf(template.object)}/${nameOf(template.object)}: its query`;
  // Rendered with the values of each Canary metric that uses it, else with sample names.
  const models: TemplateModel[] = [];
  for (const canary of context.index.canaries) {
    for (const metric of canary.metrics) {
      if (metric.templateRef !== undefined && metricTemplateOf(context, canary, metric).template === template) models.push(templateModelOf(canary, metric));
    }
  }
  for (const model of models.length > 0 ? models : [SAMPLE_MODEL]) {
    const error = queryError(query, model);
    if (error) return [report(info, template, sentence(subject, error), hintFor(query))];
  }
  return [];
}

function checkCanary(canary: CanaryView): Report[] {
  const reports: Report[] = [];
  for (const metric of canary.metrics) {
    // Flagger runs an in-line query against its Prometheus, for built-in metrics too (scheduler_metrics.go).
    if (typeof metric.query !== 'string') continue;
    const error = queryError(metric.query, templateModelOf(canary, metric));
    if (error) reports.push(report(info, canary.sourced, sentence(`metric "${metric.name}": its in-line query`, error), hintFor(metric.query)));
  }
  return reports;
}

export const metricQueryInvalid: RuleSet = {
  rules: [info],
  check: (context) => [
    ...context.index.ofKind('MetricTemplate').flatMap((template) => checkTemplate(context, template)),
    ...context.index.canaries.flatMap(checkCanary),
  ],
};
