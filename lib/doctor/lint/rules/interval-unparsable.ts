import { webhookTimeoutOf } from '../../flagger/canary';
import { ANALYSIS_INTERVAL_MS, BUILTIN_METRICS } from '../../flagger/defaults';
import { PROMETHEUS_DURATION } from '../../flagger/prometheus';
import { CanaryView } from '../../model/canary-view';
import { asString } from '../../model/yaml';
import { durationMsOf, loadGenerators } from '../../programs/load-generators';
import { parseGoDuration } from '../../util/duration';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'interval-unparsable',
  severity: 'error',
  title: 'An interval, metric window, webhook timeout or load-test duration that the API server, Flagger, Prometheus or hey cannot parse',
  symptom: 'An analysis interval Go cannot parse (e.g. `1min`) silently becomes 60s; a bad metric window fails every check with '
    + '`Prometheus query failed`; a bad webhook timeout fails every call with `time: unknown unit`; a bad `hey -z` sends no load at all.',
};

/** The CRD's pattern for intervals and timeouts; it is not anchored at the end. */
const CRD_PATTERN = /^[0-9]+(m|s)/;

/** The value when the API server accepts it (a string matching the CRD's pattern); else a report of why not. */
function crdDuration(canary: CanaryView, path: string, value: unknown, example: string): string | Report {
  if (typeof value === 'string' && CRD_PATTERN.test(value)) return value;
  return report(info, canary.sourced,
    `${path} ${JSON.stringify(value)} does not match the Canary CRD's pattern ^[0-9]+(m|s); the API server rejects the Canary.`,
    `write a whole number of seconds or minutes, e.g. ${example}.`);
}

function checkCanary(canary: CanaryView): Report[] {
  const base = `spec.${canary.analysisPath}`;
  // Without spec.analysis the API server rejects the Canary; canary-field-unknown names a spec.canaryAnalysis left from v1alpha3.
  if (canary.spec.analysis === undefined) {
    if (canary.spec.canaryAnalysis !== undefined) return [];
    return [report(info, canary.sourced,
      `Canary ${canary.namespace}/${canary.name} has no spec.analysis, which the Flagger CRD requires, so the API server rejects it.`,
      'add spec.analysis with interval, threshold and stepWeight (or stepWeights, or iterations).')];
  }
  const reports: Report[] = [];
  const interval = canary.analysis.interval;
  if (interval === undefined || interval === null) {
    reports.push(report(info, canary.sourced,
      `${base}.interval is missing; the Flagger CRD requires interval and threshold (with one of iterations, stepWeight and stepWeights), `
      + 'so the API server rejects the Canary.', 'set interval, e.g. 1m.'));
  } else {
    const text = crdDuration(canary, `${base}.interval`, interval, '1m');
    if (typeof text !== 'string') reports.push(text);
    else if (parseGoDuration(text) === undefined) {
      reports.push(report(info, canary.sourced, `${base}.interval "${text}" is not a Go duration; Flagger cannot parse it and silently uses ${ANALYSIS_INTERVAL_MS / 1000}s.`,
        'write it in Go syntax: 30s, 1m, 1m30s (units ns, us, ms, s, m, h).'));
    }
  }
  canary.metrics.forEach((metric, index) => {
    if (metric.interval === undefined) return;
    const path = `${base}.metrics[${index}].interval`;
    const text = crdDuration(canary, path, metric.interval, '1m');
    if (typeof text !== 'string') {
      reports.push(text);
      return;
    }
    const queriesPrometheus = BUILTIN_METRICS.includes(asString(metric.name) ?? '') || typeof metric.query === 'string' || metric.templateRef !== undefined;
    if (queriesPrometheus && !PROMETHEUS_DURATION.test(text)) {
      reports.push(report(info, canary.sourced,
        `${path} "${text}" of metric "${metric.name}" is not a Prometheus duration; every query fails and the check never passes.`,
        'write it as Prometheus does: 30s, 1m, 1m30s (units ms, s, m, h, d, w, y).'));
    }
  });
  for (const hook of canary.webhooks) {
    if (hook.raw.timeout !== undefined) {
      const text = crdDuration(canary, `${hook.path}.timeout`, hook.raw.timeout, '30s');
      if (typeof text !== 'string') reports.push(text);
      else if (webhookTimeoutOf(hook.raw).ms === undefined) {
        reports.push(report(info, canary.sourced,
          `webhook "${hook.name}" timeout "${text}" is not a Go duration; every call fails with \`time: unknown unit\`.`,
          'write it in Go syntax: 30s, 1m, 1m30s.'));
      }
    }
    if (hook.cmd === undefined) continue;
    for (const generator of loadGenerators(hook.commands)) {
      if (generator.durationText === undefined || generator.program === 'wrk' || generator.program === 'wrk2') continue;
      if (durationMsOf(generator) === undefined) {
        reports.push(report(info, canary.sourced,
          `webhook "${hook.name}" runs ${generator.program} ${generator.durationFlag} ${generator.durationText}, which is not a Go duration; `
          + `${generator.program} exits at once and sends no load.`,
          `write it in Go syntax, e.g. ${generator.durationFlag} 1m or ${generator.durationFlag} 2m.`));
      }
    }
  }
  return reports;
}

export const intervalUnparsable: RuleSet = canaryRules([info], checkCanary);
