/**
 * A plan as text: the settings, the schedule tick by tick, promotion and rollback times, the load tests,
 * the requests per metric window, and the plan's warnings and notes. A plan's strings come from the input
 * or quote it (names, commands, URLs, metric names, messages), so every string of the plan is escaped
 * before any of it is laid out: none can add a line or a terminal control, whatever field it is in.
 */
import { CanaryPlan, MetricPlan, PlanStep } from '../../doctor/plan/types';
import { formatDuration } from '../../doctor/util/duration';
import { printable } from '../../doctor/util/terminal';
import { plural } from '../../doctor/util/text';
import { wrapLine } from './wrap';

/** Human-readable text of one plan. */
export function formatPlan(input: CanaryPlan): string {
  const plan = printableStrings(input);
  const lines: string[] = [];
  const where = plan.file ? ` (${plan.file}${plan.line !== undefined ? `:${plan.line}` : ''})` : '';
  lines.push(`Canary ${plan.namespace}/${plan.name}${where}`);
  lines.push(...wrapLine(`  ${settingsLine(plan)}`));
  if (plan.strategy !== 'skip-analysis') lines.push(...wrapLine(`  ${checksLine(plan)}`));
  lines.push('');
  lines.push(...wrapLine(`  Schedule when every check passes (t=0: Flagger detects the new revision, at most ${at(plan.intervalMs)} after the apply):`));
  for (const step of plan.steps) lines.push(`    ${formatStep(step)}`);
  lines.push('');
  lines.push(...outcomeLines(plan).flatMap((line) => wrapLine(`  ${line}`)));
  if (plan.loadTests.length > 0) {
    lines.push('');
    lines.push('  Load tests:');
    for (const loadTest of plan.loadTests) {
      lines.push(`    ${loadTest.webhook} (${loadTest.hookType}${loadTest.blocking ? ', blocking bash task' : ''}): ${loadTest.command}`);
      if (loadTest.error) continue;
      const rate = loadTest.requestsPerSecond !== undefined
        ? `${loadTest.ratePerWorker} req/s × ${loadTest.concurrency} workers = ${loadTest.requestsPerSecond} req/s`
        : `${loadTest.concurrency} workers, no rate limit`;
      const length = loadTest.durationMs !== undefined ? `for ${formatDuration(loadTest.durationMs)}`
        : `${loadTest.totalRequests} requests${loadTest.runMs ? ` in ${formatDuration(loadTest.runMs)}` : ''}`;
      lines.push(`      ${rate}, ${length} per run, ${REACHES[loadTest.reaches]}`);
    }
  }
  if (plan.metrics.length > 0 && plan.metrics.some((metric) => metric.checks.length > 0)) {
    lines.push('');
    lines.push('  Load-test requests in each metric window, at each check:');
    for (const metric of plan.metrics) lines.push(...wrapLine(`    ${formatMetric(metric)}`));
  }
  if (plan.messages.length > 0) {
    lines.push('');
    for (const message of plan.messages) lines.push(...wrapLine(`  ${message.severity === 'warning' ? 'warning' : 'note'}: ${message.message}`));
  }
  return `${lines.join('\n')}\n`;
}

const REACHES: Record<CanaryPlan['loadTests'][number]['reaches'], string> = {
  canary: 'all to the canary',
  apex: 'to the canary by its traffic weight',
  primary: 'none to the canary (primary service)',
  other: 'none to the canary (another service)',
};

const STRATEGIES: Record<CanaryPlan['strategy'], string> = {
  'canary': 'canary release',
  'ab-testing': 'A/B testing',
  'blue-green': 'blue/green',
  'skip-analysis': 'analysis skipped',
};

/** `canary release: interval 1m, threshold 5, stepWeight 10 up to maxWeight 50, ...`. */
function settingsLine(plan: CanaryPlan): string {
  const parts = [`interval ${formatDuration(plan.intervalMs)}`, `threshold ${plan.threshold}`];
  if (plan.strategy === 'canary') {
    parts.push(plan.stepWeights && !(plan.stepWeight && plan.stepWeight > 0)
      ? `stepWeights ${plan.stepWeights.join(', ')}`
      : `stepWeight ${plan.stepWeight} up to maxWeight ${plan.maxWeight}`);
  }
  if (plan.iterations !== undefined) parts.push(`${plan.iterations} iterations`);
  if (plan.mirror) parts.push('mirroring');
  if (plan.stepWeightPromotion !== undefined) parts.push(`stepWeightPromotion ${plan.stepWeightPromotion}`);
  parts.push(`progressDeadlineSeconds ${plan.progressDeadlineSeconds}`);
  return `${STRATEGIES[plan.strategy]}: ${parts.join(', ')}`;
}

/** What runs before the first step, and at each check. */
function checksLine(plan: CanaryPlan): string {
  const list = (names: readonly string[] | undefined) => (names && names.length ? names.join(', ') : 'none');
  const metrics = plan.metrics.map((metric) => `${metric.name} over ${formatDuration(metric.windowMs)}`);
  return `pre-rollout webhooks: ${list(plan.webhooks['pre-rollout'])}; each check: rollout webhooks ${list(plan.webhooks.rollout)}, metrics ${list(metrics)}`;
}

function formatStep(step: PlanStep): string {
  const weight = step.mirrored ? 'mirror' : `weight ${String(step.canaryWeight).padStart(3)}`;
  return `${`t=${at(step.atMs)}`.padEnd(8)} ${weight.padEnd(10)}  ${step.description}`;
}

/** When it promotes and when it rolls back. */
function outcomeLines(plan: CanaryPlan): string[] {
  const lines: string[] = [];
  const promotion = plan.promotion;
  if (promotion) {
    lines.push(`Promotion: earliest at t=${at(promotion.promotedMs)} (all traffic on the new primary), finished at t=${at(promotion.finishedMs)}, after ${plural(promotion.checks, 'passing check')}.`);
    if (plan.threshold > 1 && plan.strategy !== 'skip-analysis') {
      lines.push(`           Each failed check repeats its step: with ${plan.threshold - 1} failed (threshold ${plan.threshold} − 1) it still promotes, at t=${at(promotion.latestPromotedMs)}.`);
    }
  } else if (plan.stall) {
    lines.push(`Promotion: never; the canary stalls at weight ${plan.stall.canaryWeight} from t=${at(plan.stall.atMs)}: ${plan.stall.reason}.`);
  } else {
    lines.push('Promotion: never (see the warnings).');
  }
  const rollback = plan.rollback;
  const rollbacks: string[] = [];
  if (rollback.failingChecksMs !== undefined) {
    rollbacks.push(`at t=${at(rollback.failingChecksMs)} when every check fails from the first one (the tick after the ${ordinal(plan.threshold)} failed check; failed checks add up over the whole run and a passing check does not reset them)`);
  }
  if (rollback.failingPreRolloutMs !== undefined) {
    rollbacks.push(`at t=${at(rollback.failingPreRolloutMs)} when the pre-rollout webhooks keep failing`);
  }
  rollbacks.push(`at t=${at(rollback.progressDeadlineMs)} when the canary's pods are still unavailable ${plan.progressDeadlineSeconds}s after the scale-up (progressDeadlineSeconds)`);
  lines.push(`Rollback:  ${rollbacks[0]};`);
  rollbacks.slice(1).forEach((text, index) => lines.push(`           ${text}${index === rollbacks.length - 2 ? '.' : ';'}`));
  lines.push('Times are the earliest: a tick at which the canary\'s pods (or, once promoted, the primary\'s) are not ready does nothing and delays the rest.');
  return lines;
}

function formatMetric(metric: MetricPlan): string {
  const bounds = [
    metric.min !== undefined ? `min ${metric.min}` : '',
    metric.max !== undefined ? `max ${metric.max}` : '',
    metric.requiredRequests !== undefined ? `needs ≥ ${metric.requiredRequests} requests` : '',
  ].filter(Boolean).join(', ');
  const checks = metric.checks.map((check) => `t=${at(check.atMs)} ${check.requests ?? '?'}`).join(' · ');
  return `${metric.name} (${formatDuration(metric.windowMs)} window${bounds ? `, ${bounds}` : ''}): ${checks}`;
}

function at(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** `value` with every string in it, keys included, made printable. */
export function printableStrings<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [printable(key), printableStrings(item)])) as T;
  }
  return value;
}
