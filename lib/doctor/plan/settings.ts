/**
 * A Canary's analysis settings as Flagger v1.44.0 reads them (`pkg/apis/flagger/v1beta1/canary.go`,
 * `pkg/controller/scheduler.go`), with its defaults and silent fallbacks.
 */
import { parseGoDuration } from '../util/duration';
import type { PlanMessage, RolloutStrategy } from './plan';
import { KubeObject, SourcedObject } from '../model/object';

export const DEFAULT_INTERVAL_MS = 60_000;
export const MIN_INTERVAL_MS = 10_000;
export const DEFAULT_METRIC_WINDOW = '1m';
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const TOTAL_WEIGHT = 100;
export const KUBERNETES_PROVIDER = 'kubernetes';
/** The iterations Flagger sets for the kubernetes provider when `iterations` is below 1. */
export const KUBERNETES_DEFAULT_ITERATIONS = 10;
/** A schedule longer than this never ends: Flagger's weights move by at least 1 within 0..100. */
export const MAX_TICKS = 1000;

export interface Webhook {
  readonly name: string;
  readonly type: string;
  readonly timeoutMs: number;
  readonly metadata: Record<string, unknown>;
}

export interface Settings {
  readonly name: string;
  readonly namespace: string;
  readonly apex: string;
  readonly hosts: readonly string[];
  readonly strategy: RolloutStrategy;
  readonly intervalMs: number;
  readonly threshold: number;
  readonly stepWeight: number;
  readonly stepWeights: readonly number[];
  readonly maxWeight: number;
  readonly stepWeightPromotion: number;
  readonly iterations: number;
  readonly mirror: boolean;
  readonly mirrorWeight: number;
  readonly progressDeadlineSeconds: number;
  readonly webhooks: readonly Webhook[];
  readonly metrics: readonly Record<string, unknown>[];
}

/**
 * Hosts of the root VirtualServices that delegate to this Canary's VirtualService (`service.delegation`):
 * requests to them are routed like requests to the apex service.
 */
export function delegatingHosts(canary: KubeObject, objects: readonly SourcedObject[]): string[] {
  const spec = record(canary.spec);
  const apex = str(record(spec.service).name) || str(record(spec.targetRef).name);
  const namespace = str(canary.metadata?.namespace) ?? 'default';
  const hosts: string[] = [];
  for (const { object } of objects) {
    if (object.kind !== 'VirtualService') continue;
    const ownNamespace = str(object.metadata?.namespace) ?? 'default';
    const delegates = list(record(object.spec).http).some((route) => {
      const delegate = record(record(route).delegate);
      return delegate.name === apex && (str(delegate.namespace) ?? ownNamespace) === namespace;
    });
    if (delegates) hosts.push(...list(record(object.spec).hosts).map(str).filter((host): host is string => !!host));
  }
  return hosts;
}

/** How the Flagger controller that handles the Canary was started. */
export interface ControllerFlags {
  /** `-mesh-provider`, used when the Canary has no `spec.provider` (Flagger's default: istio). */
  readonly meshProvider?: string;
}

export function readSettings(canary: KubeObject, extraHosts: readonly string[], messages: PlanMessage[], flags: ControllerFlags = {}): Settings {
  const spec = record(canary.spec);
  const provider = str(spec.provider) || flags.meshProvider || 'istio';
  // Flagger reads `spec.analysis`, or the deprecated `spec.canaryAnalysis`.
  const analysisValue = spec.analysis ?? spec.canaryAnalysis;
  const analysis = record(analysisValue);
  const service = record(spec.service);
  const targetName = str(record(spec.targetRef).name) ?? '';
  const apex = str(service.name) || targetName;

  const intervalText = analysis.interval;
  let intervalMs = DEFAULT_INTERVAL_MS;
  if (intervalText !== undefined && intervalText !== '') {
    const parsed = typeof intervalText === 'string' ? parseGoDuration(intervalText) : undefined;
    if (parsed === undefined) {
      messages.push(warning(`analysis.interval ${JSON.stringify(intervalText)} is not a Go duration: Flagger silently uses 60s.`));
    } else if (parsed < MIN_INTERVAL_MS) {
      intervalMs = MIN_INTERVAL_MS;
      messages.push(info(`analysis.interval ${intervalText} is under 10s: Flagger raises it to 10s.`));
    } else {
      intervalMs = parsed;
    }
  }

  const thresholdValue = int(analysis.threshold);
  const threshold = thresholdValue !== undefined && thresholdValue > 0 ? thresholdValue : 1;
  if (analysisValue !== undefined && threshold !== thresholdValue) {
    messages.push(warning(`analysis.threshold is ${thresholdValue === undefined ? 'unset' : thresholdValue}: Flagger rolls back after the first failed check (threshold 1).`));
  }

  const stepWeights = list(analysis.stepWeights).map(int).filter((weight): weight is number => weight !== undefined);
  const stepWeight = int(analysis.stepWeight) ?? 0;
  const maxWeightValue = int(analysis.maxWeight) ?? 0;
  // scheduler.go maxWeight(): the last stepWeights entry (at most 100), else maxWeight, else 100.
  const maxWeight = stepWeights.length > 0
    ? Math.min(TOTAL_WEIGHT, stepWeights[stepWeights.length - 1])
    : maxWeightValue > 0 ? maxWeightValue : TOTAL_WEIGHT;

  let iterations = int(analysis.iterations) ?? 0;
  let match = list(analysis.match);
  const skip = analysisValue === undefined || spec.skipAnalysis === true;
  // scheduler.go: the kubernetes provider cannot shift traffic, so Flagger runs Blue/Green, with 10 iterations when none are set.
  if (provider === KUBERNETES_PROVIDER && !skip) {
    if (match.length > 0) messages.push(info('A/B testing is not supported by the kubernetes provider: Flagger drops analysis.match.'));
    match = [];
    if (iterations < 1) {
      iterations = KUBERNETES_DEFAULT_ITERATIONS;
      messages.push(info(`The kubernetes provider cannot shift traffic: Flagger runs Blue/Green with iterations: ${iterations}.`));
    }
  }
  const strategy: RolloutStrategy = skip ? 'skip-analysis'
    : match.length > 0 && iterations > 0 ? 'ab-testing'
      : iterations > 0 ? 'blue-green' : 'canary';

  const deadline = int(spec.progressDeadlineSeconds);
  return {
    name: str(canary.metadata?.name) ?? '',
    namespace: str(canary.metadata?.namespace) ?? 'default',
    apex,
    hosts: [...list(service.hosts).map(str).filter((host): host is string => !!host), ...extraHosts],
    strategy,
    intervalMs,
    threshold,
    stepWeight,
    stepWeights,
    maxWeight,
    stepWeightPromotion: int(analysis.stepWeightPromotion) ?? 0,
    iterations,
    mirror: analysis.mirror === true,
    mirrorWeight: int(analysis.mirrorWeight) ?? 0,
    progressDeadlineSeconds: deadline ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
    webhooks: list(analysis.webhooks).map(record).map((webhook) => ({
      name: str(webhook.name) ?? '(unnamed)',
      type: str(webhook.type) || 'rollout',
      // webhook.go: a timeout shorter than two characters becomes 10s.
      timeoutMs: typeof webhook.timeout === 'string' && webhook.timeout.length >= 2
        ? parseGoDuration(webhook.timeout) ?? DEFAULT_WEBHOOK_TIMEOUT_MS : DEFAULT_WEBHOOK_TIMEOUT_MS,
      metadata: record(webhook.metadata),
    })),
    metrics: list(analysis.metrics).map(record),
  };
}

// Small readers for untrusted YAML.

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

export function warning(message: string): PlanMessage {
  return { severity: 'warning', message };
}

export function info(message: string): PlanMessage {
  return { severity: 'info', message };
}
