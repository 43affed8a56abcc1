import { METRIC_INTERVAL } from '../../flagger/defaults';
import { CALLABLE, MEANT, TEMPLATE_FUNCTIONS } from '../../flagger/query-template';
import { CanaryView } from '../../model/canary-view';
import { nameOf, namespaceOf, SourcedObject } from '../../model/object';
import { asMap, asString } from '../../model/yaml';
import { parseGoTemplate, templateUses } from '../../util/go-template';
import { closest } from '../../util/suggest';
import { metricTemplateOf, templateProviderType } from '../metrics';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const unknownInfo: RuleInfo = {
  id: 'metric-template-variable-unknown',
  severity: 'error',
  title: 'A metric query calls a template function Flagger does not define ({{ workload }}, {{ args.name }}), or reads data ({{ .Release.Name }}) Flagger does not pass',
  symptom: 'The query never renders: `Metric template error-rate.istio-system query render error: template: tmpl:1: function "workload" not defined` '
    + 'on every check, and the canary is rolled back after `threshold` failed checks.',
};

const undeclaredInfo: RuleInfo = {
  id: 'metric-template-variable-undeclared',
  severity: 'error',
  title: 'A metric query reads {{ variables.X }}, but the metric sets no templateVariables.X',
  symptom: 'Flagger renders with `missingkey=error`: `Metric template latency.istio-system query render error: ... map has no entry for key "reporter"` '
    + 'on every check, and the canary is rolled back after `threshold` failed checks.',
};

const intervalInfo: RuleInfo = {
  id: 'metric-template-interval-missing',
  severity: 'error',
  title: 'A templateRef metric without interval whose MetricTemplate needs one ({{ interval }} in its query, or a provider that parses it)',
  symptom: 'Flagger gives template metrics no default interval: `{{ interval }}` renders empty, so the query reads `rate(...[])` and every check fails '
    + '(`Metric query failed for error-rate: ... bad_data`); Datadog, CloudWatch, New Relic, Dynatrace and Splunk fail to start with an empty interval.',
};

/** Providers that parse the metric interval as a Go duration (pkg/metrics/providers). */
const INTERVAL_PROVIDERS = ['datadog', 'cloudwatch', 'newrelic', 'dynatrace', 'splunk'];
const FUNCTIONS_TEXT = `${TEMPLATE_FUNCTIONS.filter((f) => f !== 'variables').map((f) => `{{ ${f} }}`).join(', ')} and {{ variables.X }}`;

/** A query's template problems that do not depend on the Canary: unknown functions and data fields. */
function templateProblems(query: string): { message: string; hint: string } | undefined {
  const parsed = parseGoTemplate(query);
  if (parsed.error) {
    return {
      message: `its query is not a valid Go template (${parsed.error}), so Flagger cannot render it`,
      hint: 'write the template actions as Flagger\'s docs do, e.g. "{{ namespace }}" and [{{ interval }}].',
    };
  }
  for (const use of templateUses(parsed)) {
    const unknown = use.functions.find((f) => !CALLABLE.has(f));
    if (unknown) {
      const meant = MEANT[unknown] ?? closest(unknown, TEMPLATE_FUNCTIONS);
      return {
        message: `its query calls {{ ${use.action.text} }}, and "${unknown}" is not a function Flagger defines (template: tmpl: function "${unknown}" not defined), so it never renders`,
        hint: `${meant ? `did you mean {{ ${meant === 'variables' ? 'variables.X' : meant} }} ? ` : ''}Flagger's template functions are ${FUNCTIONS_TEXT}.`,
      };
    }
    const lookup = use.lookups.find(([fn]) => fn !== 'variables');
    if (lookup) {
      return {
        message: `its query reads {{ ${use.action.text} }}: "${lookup[0]}" returns a string, which has no field "${lookup[1]}", so rendering fails`,
        hint: `Flagger's template functions are ${FUNCTIONS_TEXT}.`,
      };
    }
    if (use.dataFields.length > 0) {
      return {
        message: `its query reads ${use.dataFields[0]} in {{ ${use.action.text} }}, but Flagger renders queries without data (nil data; no entry for key), so it never renders`
          + `${use.dataFields[0].startsWith('.Release') || use.dataFields[0].startsWith('.Values') ? '; it looks like a Helm expression that was not rendered' : ''}`,
        hint: `use Flagger's template functions: ${FUNCTIONS_TEXT}.`,
      };
    }
  }
  return undefined;
}

/** The `variables.X` a query reads. */
function variablesRead(query: string): string[] {
  const parsed = parseGoTemplate(query);
  if (parsed.error) return [];
  return [...new Set(templateUses(parsed).flatMap((use) => use.lookups.filter(([fn]) => fn === 'variables').map(([, key]) => key)))];
}

function checkTemplates(context: LintContext): Report[] {
  const reports: Report[] = [];
  for (const template of context.index.ofKind('MetricTemplate')) {
    const query = asString(asMap(template.object.spec).query);
    if (query === undefined) continue;
    const problem = templateProblems(query);
    if (problem) reports.push(report(unknownInfo, template, `MetricTemplate ${namespaceOf(template.object)}/${nameOf(template.object)}: ${problem.message}; every check of a metric that uses it fails.`, problem.hint));
  }
  return reports;
}

function near(key: string, names: readonly string[]): string | undefined {
  const candidate = closest(key, names);
  return candidate ? `the metric has templateVariables.${candidate}: rename it to ${key}.` : undefined;
}

function checkUndeclared(canary: CanaryView, metric: Record<string, unknown>, query: string, source: string): Report[] {
  const declared = asMap(metric.templateVariables);
  const missing = variablesRead(query).filter((key) => typeof declared[key] !== 'string');
  if (missing.length === 0) return [];
  const names = Object.keys(declared);
  return [report(undeclaredInfo, canary.sourced,
    `metric "${metric.name}" ${source} reads ${missing.map((key) => `{{ variables.${key} }}`).join(' and ')}, but the metric sets `
    + `${names.length ? `only templateVariables ${names.join(', ')}` : 'no templateVariables'}: Flagger renders with missingkey=error `
    + `(map has no entry for key "${missing[0]}"), so every check fails.`,
    near(missing[0], names) ?? `add templateVariables: {${missing.map((key) => `${key}: ...`).join(', ')}} to the metric, with the value${missing.length === 1 ? '' : 's'} the query expects.`)];
}

function checkIntervalMissing(canary: CanaryView, metric: Record<string, unknown>, template: SourcedObject, namespace: string, name: string): Report[] {
  if (typeof metric.interval === 'string' && metric.interval !== '') return [];
  const provider = templateProviderType(template);
  const query = asString(asMap(template.object.spec).query) ?? '';
  const parsed = parseGoTemplate(query);
  const usesInterval = !parsed.error && templateUses(parsed).some((use) => use.functions.includes('interval'));
  const reasons = [
    ...(usesInterval ? [`the query of MetricTemplate ${namespace}/${name} uses {{ interval }}, which renders empty (e.g. rate(...[]))`] : []),
    ...(INTERVAL_PROVIDERS.includes(provider) ? [`its ${provider} provider parses the interval and fails on an empty one`] : []),
  ];
  if (reasons.length === 0) return [];
  return [report(intervalInfo, canary.sourced,
    `metric "${metric.name}" has no interval, and Flagger gives template metrics no default (only built-in metrics get ${METRIC_INTERVAL}): ${reasons.join(', and ')}, `
    + 'so every check fails.',
    'set interval on the metric, e.g. interval: 1m.')];
}

function checkCanary(context: LintContext, canary: CanaryView): Report[] {
  const reports: Report[] = [];
  for (const metric of canary.metrics) {
    if (typeof metric.query === 'string') {
      const problem = templateProblems(metric.query);
      if (problem) reports.push(report(unknownInfo, canary.sourced, `metric "${metric.name}": ${problem.message}; every check fails.`, problem.hint));
      else reports.push(...checkUndeclared(canary, metric, metric.query, 'has a query that'));
    }
    if (metric.templateRef === undefined) continue;
    const { namespace, name, template } = metricTemplateOf(context, canary, metric);
    if (!template) continue;
    const query = asString(asMap(template.object.spec).query) ?? '';
    if (!templateProblems(query)) reports.push(...checkUndeclared(canary, metric, query, `uses MetricTemplate ${namespace}/${name}, whose query`));
    reports.push(...checkIntervalMissing(canary, metric, template, namespace, name));
  }
  return reports;
}

export const metricTemplateRules: RuleSet = {
  rules: [unknownInfo, undeclaredInfo, intervalInfo],
  check: (context) => [...checkTemplates(context), ...context.index.canaries.flatMap((canary) => checkCanary(context, canary))],
};
