import { metricWindow } from '../../flagger/canary';
import { BUILTIN_METRICS } from '../../flagger/defaults';
import { MIN_SCRAPES_PER_WINDOW } from '../../flagger/prometheus';
import { CanaryView } from '../../model/canary-view';
import { asMap, asNumber, asString, mapAt } from '../../model/yaml';
import { formatDuration, parseGoDuration } from '../../util/duration';
import { closest } from '../../util/suggest';
import { plural } from '../../util/text';
import { parseGoTemplate, templateUses } from '../../util/go-template';
import { isBuiltinMetric, metricTemplateOf, templateProviderType } from '../metrics';
import { reportMissing } from '../presence';
import { canaryRules, LintContext, Report, report, RuleInfo, RuleSet } from '../rule';

const windowInfo: RuleInfo = {
  id: 'metric-window-short',
  severity: 'warning',
  title: `A metric interval shorter than ${MIN_SCRAPES_PER_WINDOW} Prometheus scrapes`,
  symptom: 'rate() over too few samples is often empty: '
    + '`Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic`.',
};

const thresholdInfo: RuleInfo = {
  id: 'metric-threshold-missing',
  severity: 'warning',
  title: 'A metric without a usable thresholdRange, or with one in the wrong unit (a fraction for the success rate, seconds for the duration)',
  symptom: 'request-duration without a threshold always fails (`Halt podinfo.test advancement request duration 12ms > 0s`); '
    + 'request-success-rate without one always passes, so errors never stop the rollout; a success-rate min of 0.99 (percent, not a fraction) '
    + 'lets almost every request fail, and a duration max of 0.5 (milliseconds, not seconds) fails every check.',
};

const unknownInfo: RuleInfo = {
  id: 'metric-unknown',
  severity: 'warning',
  title: 'A metric that is neither built in nor backed by query or a MetricTemplate of the manifests',
  symptom: 'Every check fails: `Metric query failed for no usable metrics template and query were configured`, '
    + 'or `Metric template error-rate.test error: metrictemplate.flagger.app "error-rate" not found`.',
};

/** Whether a query's window is the metric's interval: it renders {{ interval }}. */
function usesInterval(query: string): boolean {
  const parsed = parseGoTemplate(query);
  return !parsed.error && templateUses(parsed).some((use) => use.functions.includes('interval'));
}

function checkWindow(context: LintContext, canary: CanaryView, metric: Record<string, unknown>): Report[] {
  if (!isBuiltinMetric(metric)) {
    // A query without {{ interval }} has a fixed window, or none (an instant vector): the metric's interval is not its window.
    if (typeof metric.query === 'string') {
      if (!usesInterval(metric.query)) return [];
    } else if (metric.templateRef !== undefined) {
      const { template } = metricTemplateOf(context, canary, metric);
      if (!template || templateProviderType(template) !== 'prometheus' || !usesInterval(asString(mapAt(template.object.spec).query) ?? '')) return [];
    } else {
      return [];
    }
  }
  // Template metrics get no default window; metric-template-interval-missing covers them.
  const text = metricWindow(metric);
  if (text === undefined) return [];
  const window = parseGoDuration(text);
  const scrape = context.scrapeInterval(canary);
  const needed = MIN_SCRAPES_PER_WINDOW * scrape.ms;
  if (window === undefined || window >= needed) return [];
  const scrapes = Math.floor(window / scrape.ms);
  const isDefault = !asString(metric.interval);
  return [report(windowInfo, canary.sourced,
    `metric "${metric.name}" interval ${text}${isDefault ? ' (Flagger\'s default)' : ''} spans ${plural(scrapes, 'Prometheus scrape')} `
    + `at ${formatDuration(scrape.ms)} (${scrape.source}); fewer than ${MIN_SCRAPES_PER_WINDOW} makes the query flake into "no values found".`,
    `set interval: ${formatDuration(needed)} or more (${MIN_SCRAPES_PER_WINDOW} × the ${formatDuration(scrape.ms)} scrape interval).`)];
}

function checkThreshold(canary: CanaryView, metric: Record<string, unknown>): Report[] {
  const name = metric.name;
  const range = metric.thresholdRange === undefined ? undefined : asMap(metric.thresholdRange);
  const min = asNumber(range?.min);
  const max = asNumber(range?.max);
  const legacy = asNumber(metric.threshold) ?? 0;
  const say = (message: string, hint: string) => [report(thresholdInfo, canary.sourced, `metric "${name}" ${message}`, hint)];
  if (name === 'request-duration') {
    if (!range && legacy === 0) {
      return say('has no thresholdRange, so Flagger compares the request duration with 0ms and the check always fails.',
        'set thresholdRange: {max: 500} (milliseconds).');
    }
    if (range && max === undefined) {
      return say(min === undefined ? 'has a thresholdRange without min or max, so the check never fails.' : `has thresholdRange.min ${min} but no max, so slow requests never fail the check.`,
        'set thresholdRange.max to the highest acceptable P99 duration in milliseconds, e.g. 500.');
    }
    if (max !== undefined && max > 0 && max < 1) {
      return say(`has thresholdRange.max ${max}, which reads like seconds, but Flagger measures request-duration in milliseconds: every request slower than ${max}ms fails the check.`,
        `write it in milliseconds, e.g. max: ${Math.round(max * 1000)}.`);
    }
    return [];
  }
  if (name === 'request-success-rate') {
    if (!range && legacy === 0) {
      return say('has no thresholdRange, so the success rate is never compared with anything and the check always passes.',
        'set thresholdRange: {min: 99} (percent).');
    }
    if (range && min === undefined) {
      return say(max === undefined ? 'has a thresholdRange without min or max, so the check always passes.' : `has thresholdRange.max ${max} but no min, so errors never fail the check and a high success rate does.`,
        'set thresholdRange.min to the lowest acceptable success rate in percent, e.g. 99.');
    }
    if (min !== undefined && min > 0 && min <= 1) {
      return say(`has thresholdRange.min ${min}, which reads like a fraction, but Flagger measures the success rate in percent (0-100): the check passes down to a ${min}% success rate.`,
        `write it in percent, e.g. min: ${Number((min * 100).toFixed(4))}.`);
    }
    return [];
  }
  if (typeof metric.query !== 'string' && metric.templateRef === undefined) return [];
  if (!range && legacy === 0) {
    return say('has no thresholdRange, so Flagger fails the check whenever the value is above 0.', 'set thresholdRange with min and/or max.');
  }
  if (range && min === undefined && max === undefined) return say('has a thresholdRange without min or max, so the check always passes.', 'set thresholdRange.min and/or max.');
  return [];
}

function checkKnown(context: LintContext, canary: CanaryView, metric: Record<string, unknown>): Report[] {
  const name = asString(metric.name) ?? '';
  if (BUILTIN_METRICS.includes(name) || typeof metric.query === 'string') return [];
  if (metric.templateRef === undefined) {
    const near = closest(name, BUILTIN_METRICS);
    return [report(unknownInfo, canary.sourced,
      `metric "${name}" is not a built-in metric (${BUILTIN_METRICS.join(', ')}) and has neither query nor templateRef, so every check fails.`,
      near ? `did you mean "${near}" ?` : 'reference a MetricTemplate with templateRef, or use a built-in metric name.')];
  }
  const { namespace, name: templateName, template } = metricTemplateOf(context, canary, metric);
  if (template) return [];
  const near = closest(templateName, context.index.namesOf('flagger.app', 'MetricTemplate', namespace));
  return reportMissing(context.presence, unknownInfo, canary.sourced, { kind: 'MetricTemplate', namespace, name: templateName, nearMiss: near !== undefined },
    `metric "${name}" references MetricTemplate ${namespace}/${templateName}, which is not in the linted manifests.`,
    near ? `did you mean templateRef.name: ${near} ?` : `add MetricTemplate ${namespace}/${templateName} to the manifests (or lint it together with them).`);
}

function check(canary: CanaryView, context: LintContext): Report[] {
  const reports: Report[] = [];
  for (const metric of canary.metrics) {
    reports.push(...checkWindow(context, canary, metric), ...checkThreshold(canary, metric), ...checkKnown(context, canary, metric));
  }
  return reports;
}

export const metricRules: RuleSet = canaryRules([windowInfo, thresholdInfo, unknownInfo], check);
