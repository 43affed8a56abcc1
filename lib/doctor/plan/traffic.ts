/**
 * The load-test requests each metric window sees, following the loadtester's task runner (a command
 * that still runs is skipped) and the order of `runAnalysis` (webhooks first, then the metric queries,
 * in one tick).
 */
import { metricWindow } from '../flagger/canary';
import { METRIC_INTERVAL, TOTAL_WEIGHT } from '../flagger/defaults';
import { asMap, asNumber, asString } from '../model/yaml';
import { formatDuration, parseGoDuration } from '../util/duration';
import type { Schedule } from './schedule';
import { Settings } from './settings';
import { info, LoadTest, MetricCheck, MetricPlan, PlanMessage, PlanStep, warning } from './types';

interface Run {
  readonly startMs: number;
  readonly endMs: number;
  /** Requests per second; Infinity marks an instant burst of `burst` requests at `startMs`. */
  readonly rate: number;
  readonly burst: number;
  readonly reaches: LoadTest['reaches'];
  /** The webhook call waited for the run, so that tick's metric query came after it. */
  readonly blocking: boolean;
}

/** The loadtester runs each distinct command once at a time: a call while it still runs is skipped. */
function simulateRuns(settings: Settings, steps: readonly PlanStep[], loadTests: readonly LoadTest[]): { runs: Run[]; unknown: boolean } {
  const runs: Run[] = [];
  let unknown = false;
  const busyUntil = new Map<string, number>();
  for (const step of steps) {
    for (const loadTest of loadTests) {
      const called = loadTest.hookType === 'pre-rollout' ? step.preRollout : step.checks;
      if (!called || loadTest.error || loadTest.reaches === 'primary' || loadTest.reaches === 'other') continue;
      if (loadTest.requestsPerSecond === undefined && loadTest.totalRequests === undefined) {
        unknown = true;
        continue;
      }
      if (loadTest.reaches === 'apex' && settings.strategy === 'ab-testing') {
        unknown = true;
        continue;
      }
      const key = loadTest.command;
      // Equal end and call times are a race; plan the worse outcome, a skipped call.
      if (!loadTest.blocking && (busyUntil.get(key) ?? -Infinity) >= step.atMs) continue;
      const runMs = loadTest.runMs ?? 0;
      busyUntil.set(key, step.atMs + runMs);
      if (loadTest.requestsPerSecond === undefined) {
        runs.push({ startMs: step.atMs, endMs: step.atMs, rate: Infinity, burst: loadTest.totalRequests ?? 0, reaches: loadTest.reaches, blocking: loadTest.blocking });
      } else {
        runs.push({ startMs: step.atMs, endMs: step.atMs + runMs, rate: loadTest.requestsPerSecond, burst: 0, reaches: loadTest.reaches, blocking: loadTest.blocking });
      }
    }
  }
  return { runs, unknown };
}

/** Share of a request to the apex that the canary receives while `step`'s routing is in place. */
function canaryShare(settings: Settings, step: PlanStep | undefined, reaches: LoadTest['reaches']): number {
  if (reaches === 'canary') return 1;
  if (reaches !== 'apex' || !step) return 0;
  if (step.mirrored) return (settings.mirrorWeight > 0 ? settings.mirrorWeight : TOTAL_WEIGHT) / TOTAL_WEIGHT;
  return Math.min(step.canaryWeight, TOTAL_WEIGHT) / TOTAL_WEIGHT;
}

function requestsInWindow(settings: Settings, steps: readonly PlanStep[], runs: readonly Run[], fromMs: number, toMs: number): number {
  const stepAt = (time: number) => [...steps].reverse().find((step) => step.atMs <= time);
  let total = 0;
  for (const run of runs) {
    if (run.blocking && run.startMs === toMs) {
      // Called in this very tick: the query waited for the run, so the window ends with it.
      const share = canaryShare(settings, stepAt(run.startMs - 1), run.reaches);
      total += run.rate === Infinity ? run.burst * share : (Math.min(run.endMs - run.startMs, toMs - fromMs) / 1000) * run.rate * share;
      continue;
    }
    if (run.rate === Infinity) {
      // A burst starts right after the tick's metric query, so it counts in later windows only.
      if (run.startMs >= fromMs && run.startMs < toMs) total += run.burst * canaryShare(settings, stepAt(run.startMs), run.reaches);
      continue;
    }
    const start = Math.max(run.startMs, fromMs);
    const end = Math.min(run.endMs, toMs);
    // Split at ticks, where the weights change.
    let at = start;
    while (at < end) {
      const next = Math.min(end, (Math.floor(at / settings.intervalMs) + 1) * settings.intervalMs);
      total += ((next - at) / 1000) * run.rate * canaryShare(settings, stepAt(at), run.reaches);
      at = next;
    }
  }
  return Math.round(total);
}

export function planMetrics(
  settings: Settings,
  schedule: Schedule,
  loadTests: readonly LoadTest[],
  scrapeIntervalMs: number,
  messages: PlanMessage[],
): MetricPlan[] {
  const checkSteps = schedule.steps.filter((step) => step.checks);
  const { runs, unknown } = simulateRuns(settings, schedule.steps, loadTests);
  const working = loadTests.filter((loadTest) => !loadTest.error && (loadTest.reaches === 'canary' || loadTest.reaches === 'apex'));

  if (settings.strategy !== 'skip-analysis' && settings.metrics.length > 0 && working.length === 0) {
    messages.push(warning(loadTests.length === 0
      ? 'No pre-rollout or rollout webhook runs a load test (hey): the canary only gets what users send it, and a window without requests fails its check with "no values found".'
      : 'No load test sends requests to the canary: a window without requests fails its check with "no values found".'));
  }

  const plans: MetricPlan[] = [];
  for (const metric of settings.metrics) {
    const name = asString(metric.name) ?? '(unnamed)';
    const window = metricWindow(metric);
    if (window === undefined) {
      messages.push(info(`Metric ${name} references a MetricTemplate and has no interval: Flagger gives template metrics no default window, `
        + `so a query that uses {{ interval }} gets an empty one. Its request counts in this plan assume ${METRIC_INTERVAL}.`));
    }
    const windowMs = parseGoDuration(window ?? METRIC_INTERVAL) ?? parseGoDuration(METRIC_INTERVAL)!;
    const range = asMap(metric.thresholdRange);
    const min = asNumber(range.min);
    const max = asNumber(range.max);
    const requiredRequests = name === 'request-success-rate' && min !== undefined && min > 0 && min < 100
      ? requiredRequestsFor(min) : undefined;
    const checks: MetricCheck[] = checkSteps.map((step) => {
      const previous = schedule.steps.filter((candidate) => candidate.atMs < step.atMs).pop();
      const requests = unknown ? null : requestsInWindow(settings, schedule.steps, runs, step.atMs - windowMs, step.atMs);
      return { tick: step.tick, atMs: step.atMs, canaryWeight: previous?.canaryWeight ?? 0, requests };
    });
    const scrapesPerWindow = Math.floor(windowMs / scrapeIntervalMs);
    plans.push({
      name,
      windowMs,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(requiredRequests !== undefined ? { requiredRequests } : {}),
      scrapesPerWindow,
      checks,
    });
    if (scrapesPerWindow < 2) {
      messages.push(warning(`Metric ${name}: its ${formatDuration(windowMs)} window holds ${scrapesPerWindow} Prometheus scrape(s) of ${formatDuration(scrapeIntervalMs)}; rate() needs two, so every check fails with "no values found".`));
    }
  }

  messages.push(...windowMessages(plans, working.length > 0));
  return plans;
}

/**
 * With N requests in a window, one failed request gives a success rate of 100 × (N − 1) / N. That
 * stays at or above `min` only when N ≥ 100 / (100 − min); with fewer requests the check cannot
 * tolerate a single failure, so `min: 99` silently means "no errors at all".
 */
export function requiredRequestsFor(minSuccessRate: number): number {
  // Round away float noise such as 100 / (100 - 99.9) = 1000.0000000000568.
  return Math.ceil(Number((100 / (100 - minSuccessRate)).toFixed(6)));
}

/** What the requests per window mean for the checks: windows without load-test traffic, and too few requests to judge. */
function windowMessages(plans: readonly MetricPlan[], hasLoadTest: boolean): PlanMessage[] {
  const messages: PlanMessage[] = [];
  if (!hasLoadTest || plans.length === 0) return messages;
  const [first] = plans;
  const [firstCheck, ...laterChecks] = first.checks;
  if (firstCheck?.requests === 0) {
    messages.push(warning(`The first check, at ${formatDuration(firstCheck.atMs)}, sees no load-test requests: Flagger calls the rollout webhooks and queries the metrics in the same tick, so the load test has only just started. Unless users send the canary traffic, it fails with "no values found" and costs one failed check and one interval. To fill that window, also run the same command from a pre-rollout webhook: it starts one tick earlier, and the loadtester skips the rollout call while it still runs.`));
  }
  const empty = laterChecks.filter((check) => check.requests === 0).map((check) => formatDuration(check.atMs));
  if (empty.length > 0) {
    messages.push(warning(`The checks at ${empty.join(', ')} see no load-test requests in the window of ${first.name}: the load test is not running then. Unless users send the canary traffic, each fails with "no values found".`));
  }
  for (const plan of plans) {
    const later = plan.checks.slice(1).filter((check) => check.requests !== null && check.requests > 0);
    if (later.length === 0) continue;
    const fewest = later.reduce((a, b) => (b.requests! < a.requests! ? b : a));
    const requests = fewest.requests!;
    if (plan.requiredRequests !== undefined && plan.min !== undefined && requests < plan.requiredRequests) {
      const oneFailure = ((100 * (requests - 1)) / requests).toFixed(2);
      const errorRate = Number((100 - plan.min).toFixed(6));
      messages.push(warning(`Metric ${plan.name}: the window at ${formatDuration(fewest.atMs)} holds only ${requests} load-test requests. One failed request among them gives ${oneFailure}%, below min ${plan.min}%, so the check cannot tell a ${errorRate}% error rate from one unlucky request; it needs at least ${plan.requiredRequests} requests per window (100 / (100 − ${plan.min})). Raise hey's -q or -c, or lengthen the metric interval.`));
    }
    if (plan.name === 'request-duration' && requests < 100) {
      messages.push(info(`Metric ${plan.name}: the window at ${formatDuration(fewest.atMs)} holds only ${requests} load-test requests; a P99 over fewer than 100 requests is simply the slowest one.`));
    }
  }
  return messages;
}
