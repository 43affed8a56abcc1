/**
 * The load tests a Canary's webhooks start, and the requests each metric window sees from them,
 * following the loadtester's task runner (`pkg/loadtester/runner.go`: a command that still runs is
 * skipped) and the order of `runAnalysis` (webhooks first, then the metric queries, in one tick).
 */
import { formatDuration, parseGoDuration } from '../util/duration';
import { parseHeyCommands } from '../programs/hey';
import type { LoadTest, MetricCheck, MetricPlan, PlanMessage, PlanStep } from './plan';
import type { Schedule } from './schedule';
import { DEFAULT_METRIC_WINDOW, info, num, record, Settings, str, TOTAL_WEIGHT, warning, Webhook } from './settings';

/** Webhook types whose cmd runs while the analysis needs traffic. */
const LOAD_TEST_HOOK_TYPES = ['pre-rollout', 'rollout'] as const;

export function findLoadTests(settings: Settings, messages: PlanMessage[]): LoadTest[] {
  const loadTests: LoadTest[] = [];
  for (const webhook of settings.webhooks) {
    const hookType = LOAD_TEST_HOOK_TYPES.find((type) => type === webhook.type);
    const cmd = webhook.metadata.cmd;
    if (!hookType || typeof cmd !== 'string') continue;
    const taskType = typeof webhook.metadata.type === 'string' ? webhook.metadata.type : 'cmd';
    if (taskType !== 'cmd' && taskType !== 'bash') continue;
    for (const hey of parseHeyCommands(cmd)) {
      const reaches = classifyTarget(settings, hey.url);
      const requestsPerSecond = hey.ratePerWorker !== undefined ? hey.ratePerWorker * hey.concurrency : undefined;
      const runMs = hey.durationMs ?? (hey.totalRequests !== undefined
        ? requestsPerSecond !== undefined ? (hey.totalRequests / requestsPerSecond) * 1000 : 0
        : undefined);
      const loadTest: LoadTest = {
        webhook: webhook.name,
        hookType,
        command: hey.command,
        ...(hey.url !== undefined ? { url: hey.url } : {}),
        reaches,
        concurrency: hey.concurrency,
        ...(hey.ratePerWorker !== undefined ? { ratePerWorker: hey.ratePerWorker } : {}),
        ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
        ...(hey.durationMs !== undefined ? { durationMs: hey.durationMs } : {}),
        ...(hey.totalRequests !== undefined ? { totalRequests: hey.totalRequests } : {}),
        ...(runMs !== undefined ? { runMs } : {}),
        blocking: taskType === 'bash',
        ...(hey.error !== undefined ? { error: hey.error } : {}),
      };
      loadTests.push(loadTest);
      describeLoadTest(settings, webhook, loadTest, messages);
    }
  }
  return loadTests;
}

function describeLoadTest(settings: Settings, webhook: Webhook, loadTest: LoadTest, messages: PlanMessage[]): void {
  const where = `Load test ${webhook.name} (\`${loadTest.command}\`)`;
  if (loadTest.error) {
    messages.push(warning(`${where} never sends a request: ${loadTest.error}`));
    return;
  }
  if (loadTest.reaches === 'primary' || loadTest.reaches === 'other') {
    messages.push(warning(`${where} targets ${loadTest.url ?? 'no URL'}, which is not ${settings.apex}-canary or ${settings.apex}: none of its requests reach the canary.`));
  }
  if (loadTest.reaches === 'apex' && settings.strategy === 'canary') {
    messages.push(info(`${where} targets the apex service ${settings.apex}: only the canary's weight share of its requests reaches the canary; ${settings.apex}-canary receives all of them.`));
  }
  if (loadTest.ratePerWorker === undefined && loadTest.durationMs !== undefined) {
    messages.push(info(`${where} has no rate limit (-q): it sends as fast as the canary answers, so its request count cannot be planned.`));
  }
  if (loadTest.blocking && loadTest.runMs !== undefined && loadTest.runMs >= webhook.timeoutMs) {
    messages.push(warning(`${where} runs as metadata.type bash, so the webhook waits for it, but one run takes ${formatDuration(loadTest.runMs)}, not less than the webhook timeout ${formatDuration(webhook.timeoutMs)}: every call fails and counts as a failed check.`));
  }
  if (!loadTest.blocking && loadTest.hookType === 'rollout' && loadTest.runMs !== undefined && loadTest.runMs > 0) {
    const interval = settings.intervalMs;
    if (loadTest.runMs % interval === 0) {
      messages.push(warning(`${where} runs for ${formatDuration(loadTest.runMs)}, a whole number of intervals: whether it still runs when a later tick calls it again is a race. When it does, the loadtester skips the call and the canary gets no load-test traffic until the tick after. ${loadTestAdvice(interval)}`));
    } else {
      // The loadtester skips a call while the same command runs, so a run restarts at the first tick after it ends.
      const periodMs = Math.ceil(loadTest.runMs / interval) * interval;
      const advice = loadTest.runMs < interval ? ` ${loadTestAdvice(interval)}` : '';
      messages.push(info(`${where} runs for ${formatDuration(loadTest.runMs)} and restarts every ${formatDuration(periodMs)} (the loadtester skips a call while the same command still runs): the canary gets no load-test traffic for ${formatDuration(periodMs - loadTest.runMs)} of every ${formatDuration(periodMs)}.${advice}`));
    }
  }
}

/**
 * A load-test duration longer than the interval and shorter than two: the call after a run starts finds it
 * still running and is skipped, and the one after that starts the next run, so every interval sees traffic.
 */
export function recommendedLoadTestMs(intervalMs: number): number {
  return Math.max(2 * intervalMs - 5000, intervalMs + 1000);
}

/** The advice `flagger-doctor lint` (load-test-too-short) gives too. */
export function loadTestAdvice(intervalMs: number): string {
  return `Make it longer than the interval and shorter than two (e.g. -z ${formatDuration(recommendedLoadTestMs(intervalMs))}), so every interval sees load-test traffic.`;
}

/** Where a URL's requests land, relative to this Canary's services. */
function classifyTarget(settings: Settings, url: string | undefined): LoadTest['reaches'] {
  if (!url) return 'other';
  let host: string;
  try {
    host = new URL(url.includes('://') ? url : `http://${url}`).hostname.toLowerCase();
  } catch {
    return 'other';
  }
  if (settings.hosts.some((candidate) => candidate.toLowerCase() === host)) return 'apex';
  const labels = host.replace(/\.$/, '').split('.');
  const [service, namespace, ...rest] = labels;
  const suffix = rest.join('.');
  const inNamespace = namespace === undefined || (namespace === settings.namespace && (suffix === '' || suffix === 'svc' || suffix === 'svc.cluster.local'));
  if (!inNamespace) return 'other';
  if (service === `${settings.apex}-canary`) return 'canary';
  if (service === `${settings.apex}-primary`) return 'primary';
  if (service === settings.apex) return 'apex';
  return 'other';
}

// Requests per metric window.

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
    const name = str(metric.name) ?? '(unnamed)';
    const windowText = str(metric.interval) || DEFAULT_METRIC_WINDOW;
    const windowMs = parseGoDuration(windowText) ?? parseGoDuration(DEFAULT_METRIC_WINDOW)!;
    const range = record(metric.thresholdRange);
    const min = num(range.min);
    const max = num(range.max);
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

  describeWindows(plans, working.length > 0, messages);
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

function describeWindows(plans: readonly MetricPlan[], hasLoadTest: boolean, messages: PlanMessage[]): void {
  if (!hasLoadTest || plans.length === 0) return;
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
}
