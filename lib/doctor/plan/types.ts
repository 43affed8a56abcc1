/**
 * What `planCanaries` returns: per Canary, the schedule Flagger will follow, its promotion and rollback
 * times, the load tests its webhooks start and the requests each metric window sees.
 */
/** Options of `planCanaries`. */
export interface PlanOptions {
  /** Prometheus scrape interval in milliseconds. A rate() window needs two scrapes to return anything. @default 15000 */
  readonly scrapeIntervalMs?: number;
}

export type RolloutStrategy = 'canary' | 'ab-testing' | 'blue-green' | 'skip-analysis';

/** One tick of the schedule, as it happens when every check passes. */
export interface PlanStep {
  readonly tick: number;
  /** Time since Flagger detected the new revision. */
  readonly atMs: number;
  /** Canary phase after this tick. */
  readonly phase: 'Progressing' | 'Promoting' | 'Finalising' | 'Succeeded';
  /** Percent of the apex traffic routed to the canary after this tick (A/B: of the requests that match). */
  readonly canaryWeight: number;
  /** Traffic is mirrored to the canary after this tick. */
  readonly mirrored: boolean;
  /** The rollout webhooks and the metric checks run at this tick. */
  readonly checks: boolean;
  /** The pre-rollout webhooks run at this tick. */
  readonly preRollout: boolean;
  readonly description: string;
}

/** A `hey` run started by a webhook. */
export interface LoadTest {
  readonly webhook: string;
  readonly hookType: 'pre-rollout' | 'rollout';
  /** The hey command line, as written in `metadata.cmd`. */
  readonly command: string;
  readonly url?: string;
  /** Where its requests land: all on the canary, on the canary by weight (apex), none (primary or another service). */
  readonly reaches: 'canary' | 'apex' | 'primary' | 'other';
  /** `-c`, hey's workers. */
  readonly concurrency: number;
  /** `-q`, requests per second per worker; undefined when unlimited. */
  readonly ratePerWorker?: number;
  /** `-q` × `-c`; undefined when unlimited. */
  readonly requestsPerSecond?: number;
  /** `-z`; undefined when hey stops after `-n` requests. */
  readonly durationMs?: number;
  /** Requests of one run when hey stops after `-n`: each worker sends ⌊n / c⌋. */
  readonly totalRequests?: number;
  /** How long one run lasts; undefined when unknown (no rate limit). */
  readonly runMs?: number;
  /** `metadata.type: bash`: the webhook call waits for hey to finish. */
  readonly blocking: boolean;
  /** Why hey would refuse to start, if it would. */
  readonly error?: string;
}

/** The requests one metric check sees in its window. */
export interface MetricCheck {
  readonly tick: number;
  readonly atMs: number;
  /** Canary weight while the check's window ran up to it. */
  readonly canaryWeight: number;
  /** Load-test requests that reached the canary in the window; null when unknown (no rate limit, A/B match). */
  readonly requests: number | null;
}

export interface MetricPlan {
  readonly name: string;
  /** The query window: the metric's `interval`; 1m when it is empty (a template metric without one is counted over 1m too). */
  readonly windowMs: number;
  readonly min?: number;
  readonly max?: number;
  /**
   * For request-success-rate with a `min` below 100: the fewest requests in a window for one failed
   * request to keep the rate at or above `min`, ⌈100 / (100 − min)⌉. With fewer, a single failure
   * fails the check, so the check demands zero errors instead of the configured rate.
   */
  readonly requiredRequests?: number;
  /** Prometheus scrapes in one window. */
  readonly scrapesPerWindow: number;
  readonly checks: readonly MetricCheck[];
}

export interface PlanMessage {
  readonly severity: 'warning' | 'info';
  readonly message: string;
}

export interface PromotionTimes {
  /** Checks that must pass before promotion. */
  readonly checks: number;
  /** Tick that copies the canary's spec to the primary. */
  readonly promoteMs: number;
  /** All traffic is on the primary, which now runs the new revision. */
  readonly promotedMs: number;
  /** The canary is scaled to zero and the phase is Succeeded. */
  readonly finishedMs: number;
  /** `promotedMs` when `threshold − 1` checks fail on the way: each failed check repeats its step. */
  readonly latestPromotedMs: number;
}

export interface RollbackTimes {
  /** When every rollout webhook or metric check fails from the first one on. */
  readonly failingChecksMs?: number;
  /** When the pre-rollout webhooks keep failing; undefined without pre-rollout webhooks. */
  readonly failingPreRolloutMs?: number;
  /** When the canary's pods are still unavailable `progressDeadlineSeconds` after the scale-up. */
  readonly progressDeadlineMs: number;
}

export interface CanaryPlan {
  readonly kind: 'Canary';
  readonly namespace: string;
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly strategy: RolloutStrategy;
  /** The interval Flagger uses: unparseable → 60s, under 10s → 10s. */
  readonly intervalMs: number;
  /** Failed checks before rollback; Flagger uses 1 when unset or not positive. */
  readonly threshold: number;
  readonly maxWeight?: number;
  readonly stepWeight?: number;
  readonly stepWeights?: readonly number[];
  readonly stepWeightPromotion?: number;
  readonly iterations?: number;
  readonly mirror: boolean;
  readonly progressDeadlineSeconds: number;
  /** The analysis webhooks by type, e.g. `{ rollout: ['load-test'] }`; a missing type is `rollout`. */
  readonly webhooks: Readonly<Record<string, readonly string[]>>;
  /** The schedule when every check passes. */
  readonly steps: readonly PlanStep[];
  /** Set when the canary never promotes, even when every check passes. */
  readonly stall?: { readonly atMs: number; readonly canaryWeight: number; readonly reason: string };
  readonly promotion?: PromotionTimes;
  readonly rollback: RollbackTimes;
  readonly loadTests: readonly LoadTest[];
  readonly metrics: readonly MetricPlan[];
  readonly messages: readonly PlanMessage[];
}

export function warning(message: string): PlanMessage {
  return { severity: 'warning', message };
}

export function info(message: string): PlanMessage {
  return { severity: 'info', message };
}
