import { loadTests } from '../../programs/options';
import { parseGoDuration } from '../../util/duration';
import { BUILTIN_METRICS, CanaryView, finding, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { Finding } from '../../model/object';

const info: RuleInfo = {
  id: 'interval-unparsable',
  severity: 'error',
  title: 'An interval, metric window, webhook timeout or load-test duration that the API server, Flagger, Prometheus or hey cannot parse',
  symptom: 'An analysis interval Go cannot parse (e.g. `1min`) silently becomes 60s; a bad metric window fails every check with '
    + '`Prometheus query failed`; a bad webhook timeout fails every call with `time: unknown unit`; a bad `hey -z` sends no load at all.',
};

/** The CRD's pattern for intervals and timeouts; it is not anchored at the end. */
const CRD_PATTERN = /^[0-9]+(m|s)/;
/** Prometheus' duration syntax, used inside `rate(...[interval])`. */
const PROMETHEUS_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

function checkCrdPattern(canary: CanaryView, path: string, value: unknown, example: string): Finding | undefined {
  if (typeof value !== 'string' || !CRD_PATTERN.test(value)) {
    return finding(info, canary.sourced,
      `${path} ${JSON.stringify(value)} does not match the Canary CRD's pattern ^[0-9]+(m|s); the API server rejects the Canary.`,
      `write a whole number of seconds or minutes, e.g. ${example}.`);
  }
  return undefined;
}

function checkCanary(canary: CanaryView): Finding[] {
  const findings: Finding[] = [];
  const push = (f: Finding | undefined) => { if (f) findings.push(f); };
  const base = `spec.${canary.analysisPath}`;
  if (canary.spec.analysis === undefined) {
    const renamed = canary.spec.canaryAnalysis !== undefined
      ? ' It has spec.canaryAnalysis, which the CRD no longer knows (it was renamed to spec.analysis in Flagger 1.0).' : '';
    return [finding(info, canary.sourced,
      `Canary ${canary.namespace}/${canary.name} has no spec.analysis, which the Flagger CRD requires, so the API server rejects it.${renamed}`,
      `${renamed ? 'rename spec.canaryAnalysis to spec.analysis' : 'add spec.analysis'} with interval, threshold and stepWeight (or stepWeights, or iterations).`)];
  }
  const interval = canary.analysis.interval;
  if (interval === undefined || interval === null) {
    push(finding(info, canary.sourced,
      `${base}.interval is missing; the Flagger CRD requires interval and threshold (with one of iterations, stepWeight and stepWeights), `
      + 'so the API server rejects the Canary.', 'set interval, e.g. 1m.'));
  } else {
    const crd = checkCrdPattern(canary, `${base}.interval`, interval, '1m');
    if (crd) push(crd);
    else if (parseGoDuration(interval) === undefined) {
      push(finding(info, canary.sourced, `${base}.interval "${interval}" is not a Go duration; Flagger cannot parse it and silently uses 60s.`,
        'write it in Go syntax: 30s, 1m, 1m30s (units ns, us, ms, s, m, h).'));
    }
  }
  canary.metrics.forEach((metric, index) => {
    if (metric.interval === undefined) return;
    const path = `${base}.metrics[${index}].interval`;
    const crd = checkCrdPattern(canary, path, metric.interval, '1m');
    if (crd) return push(crd);
    const queriesPrometheus = BUILTIN_METRICS.includes(metric.name) || typeof metric.query === 'string' || metric.templateRef !== undefined;
    if (queriesPrometheus && !PROMETHEUS_DURATION.test(metric.interval)) {
      push(finding(info, canary.sourced,
        `${path} "${metric.interval}" of metric "${metric.name}" is not a Prometheus duration; every query fails and the check never passes.`,
        'write it as Prometheus does: 30s, 1m, 1m30s (units ms, s, m, h, d, w, y).'));
    }
  });
  for (const hook of canary.webhooks) {
    const timeout = hook.raw.timeout;
    if (timeout !== undefined) {
      const crd = checkCrdPattern(canary, `${hook.path}.timeout`, timeout, '30s');
      if (crd) push(crd);
      else if (timeout.length >= 2 && parseGoDuration(timeout) === undefined) {
        push(finding(info, canary.sourced,
          `webhook "${hook.name}" timeout "${timeout}" is not a Go duration; every call fails with \`time: unknown unit\`.`,
          'write it in Go syntax: 30s, 1m, 1m30s.'));
      }
    }
    if (hook.cmd === undefined) continue;
    for (const test of loadTests(hook.commands)) {
      if (test.durationText === undefined || test.program === 'wrk' || test.program === 'wrk2') continue;
      if (parseGoDuration(test.durationText) === undefined) {
        push(finding(info, canary.sourced,
          `webhook "${hook.name}" runs ${test.program} ${test.durationFlag} ${test.durationText}, which is not a Go duration; ${test.program} exits at once and sends no load.`,
          `write it in Go syntax, e.g. ${test.durationFlag} 1m or ${test.durationFlag} 2m.`));
      }
    }
  }
  return findings;
}

function check(context: LintContext): Finding[] {
  return context.index.canaries.flatMap(checkCanary);
}

export const intervalRules: RuleSet = { rules: [info], check };
