/**
 * The load tests a Canary's webhooks start: each hey run of a pre-rollout or rollout webhook's
 * `metadata.cmd`, with its rate and duration, where its requests land, and what that means for the
 * analysis (the loadtester's task runner, `pkg/loadtester/runner.go`, skips a command that still runs).
 */
import { BLOCKING_TASK_TYPES, DEFAULT_TASK_TYPE, taskTypeOf } from '../flagger/loadtester';
import { parseHeyCommands } from '../programs/hey';
import { formatDuration } from '../util/duration';
import { Settings, Webhook } from './settings';
import { info, LoadTest, PlanMessage, warning } from './types';

/** Webhook types whose cmd runs while the analysis needs traffic. */
const LOAD_TEST_HOOK_TYPES = ['pre-rollout', 'rollout'] as const;

export function findLoadTests(settings: Settings, messages: PlanMessage[]): LoadTest[] {
  const loadTests: LoadTest[] = [];
  for (const webhook of settings.webhooks) {
    const hookType = LOAD_TEST_HOOK_TYPES.find((type) => type === webhook.type);
    const cmd = webhook.metadata.cmd;
    if (!hookType || typeof cmd !== 'string') continue;
    const taskType = taskTypeOf(webhook.metadata);
    // The loadtester runs cmd in the background and bash to the end; other types do not run hey.
    if (taskType !== DEFAULT_TASK_TYPE && taskType !== 'bash') continue;
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
        blocking: BLOCKING_TASK_TYPES.has(taskType),
        ...(hey.error !== undefined ? { error: hey.error } : {}),
      };
      loadTests.push(loadTest);
      messages.push(...loadTestMessages(settings, webhook, loadTest));
    }
  }
  return loadTests;
}

/** What a load test means for the analysis: the warnings and notes of the plan. */
function loadTestMessages(settings: Settings, webhook: Webhook, loadTest: LoadTest): PlanMessage[] {
  const messages: PlanMessage[] = [];
  const where = `Load test ${webhook.name} (\`${loadTest.command}\`)`;
  if (loadTest.error) {
    return [warning(`${where} never sends a request: ${loadTest.error}`)];
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
  return messages;
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
