/**
 * A Canary's analysis settings as Flagger v1.44.0 reads them (`pkg/apis/flagger/v1beta1/canary.go`,
 * `pkg/controller/scheduler.go`), with its defaults and silent fallbacks.
 */
import { webhookTimeoutOf, webhookTypeOf } from '../flagger/canary';
import {
  ANALYSIS_INTERVAL_MS, ANALYSIS_THRESHOLD, KUBERNETES_PROVIDER, KUBERNETES_PROVIDER_ITERATIONS, MESH_PROVIDER, MIN_ANALYSIS_INTERVAL_MS,
  PROGRESS_DEADLINE_SECONDS, TOTAL_WEIGHT, WEBHOOK_TIMEOUT_MS,
} from '../flagger/defaults';
import { delegationsOf, rootsDelegatingTo } from '../model/delegation';
import { KubeObject, kindOf, nameOf, namespaceOf, SourcedObject } from '../model/object';
import { asInteger, asList, asMap, asString, asStrings } from '../model/yaml';
import { parseGoDuration } from '../util/duration';
import { info, PlanMessage, RolloutStrategy, warning } from './types';

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
  const spec = asMap(canary.spec);
  const apex = asString(asMap(spec.service).name) || asString(asMap(spec.targetRef).name) || '';
  const virtualServices = objects.filter(({ object }) => kindOf(object) === 'VirtualService');
  return rootsDelegatingTo(delegationsOf(virtualServices), namespaceOf(canary), apex)
    .flatMap((root) => asStrings(asMap(root.object.spec).hosts).filter((host) => host !== ''));
}

/** How the Flagger controller that handles the Canary was started. */
export interface ControllerFlags {
  /** `-mesh-provider`, used when the Canary has no `spec.provider`. */
  readonly meshProvider?: string;
}

export function readSettings(canary: KubeObject, extraHosts: readonly string[], messages: PlanMessage[], flags: ControllerFlags = {}): Settings {
  const spec = asMap(canary.spec);
  const provider = asString(spec.provider) || flags.meshProvider || MESH_PROVIDER;
  // Flagger reads `spec.analysis`, or the deprecated `spec.canaryAnalysis`.
  const analysisValue = spec.analysis ?? spec.canaryAnalysis;
  const analysis = asMap(analysisValue);
  const service = asMap(spec.service);
  const targetName = asString(asMap(spec.targetRef).name) ?? '';
  const apex = asString(service.name) || targetName;

  const intervalText = analysis.interval;
  let intervalMs = ANALYSIS_INTERVAL_MS;
  if (intervalText !== undefined && intervalText !== '') {
    const parsed = typeof intervalText === 'string' ? parseGoDuration(intervalText) : undefined;
    if (parsed === undefined) {
      messages.push(warning(`analysis.interval ${JSON.stringify(intervalText)} is not a Go duration: Flagger silently uses ${ANALYSIS_INTERVAL_MS / 1000}s.`));
    } else if (parsed < MIN_ANALYSIS_INTERVAL_MS) {
      intervalMs = MIN_ANALYSIS_INTERVAL_MS;
      messages.push(info(`analysis.interval ${intervalText} is under ${MIN_ANALYSIS_INTERVAL_MS / 1000}s: Flagger raises it to ${MIN_ANALYSIS_INTERVAL_MS / 1000}s.`));
    } else {
      intervalMs = parsed;
    }
  }

  const thresholdValue = asInteger(analysis.threshold);
  const threshold = thresholdValue !== undefined && thresholdValue > 0 ? thresholdValue : ANALYSIS_THRESHOLD;
  if (analysisValue !== undefined && threshold !== thresholdValue) {
    messages.push(warning(`analysis.threshold is ${thresholdValue === undefined ? 'unset' : thresholdValue}: Flagger rolls back after the first failed check (threshold ${ANALYSIS_THRESHOLD}).`));
  }

  const stepWeights = asList(analysis.stepWeights).map(asInteger).filter((weight): weight is number => weight !== undefined);
  const stepWeight = asInteger(analysis.stepWeight) ?? 0;
  const maxWeightValue = asInteger(analysis.maxWeight) ?? 0;
  // scheduler.go maxWeight(): the last stepWeights entry (at most 100), else maxWeight, else 100.
  const maxWeight = stepWeights.length > 0
    ? Math.min(TOTAL_WEIGHT, stepWeights[stepWeights.length - 1])
    : maxWeightValue > 0 ? maxWeightValue : TOTAL_WEIGHT;

  let iterations = asInteger(analysis.iterations) ?? 0;
  let match = asList(analysis.match);
  const skip = analysisValue === undefined || spec.skipAnalysis === true;
  // scheduler.go: the kubernetes provider cannot shift traffic, so Flagger runs Blue/Green, with 10 iterations when none are set.
  if (provider === KUBERNETES_PROVIDER && !skip) {
    if (match.length > 0) messages.push(info('A/B testing is not supported by the kubernetes provider: Flagger drops analysis.match.'));
    match = [];
    if (iterations < 1) {
      iterations = KUBERNETES_PROVIDER_ITERATIONS;
      messages.push(info(`The kubernetes provider cannot shift traffic: Flagger runs Blue/Green with iterations: ${iterations}.`));
    }
  }
  const strategy: RolloutStrategy = skip ? 'skip-analysis'
    : match.length > 0 && iterations > 0 ? 'ab-testing'
      : iterations > 0 ? 'blue-green' : 'canary';

  const deadline = asInteger(spec.progressDeadlineSeconds);
  return {
    name: nameOf(canary),
    namespace: namespaceOf(canary),
    apex,
    hosts: [...asStrings(service.hosts).filter((host) => host !== ''), ...extraHosts],
    strategy,
    intervalMs,
    threshold,
    stepWeight,
    stepWeights,
    maxWeight,
    stepWeightPromotion: asInteger(analysis.stepWeightPromotion) ?? 0,
    iterations,
    mirror: analysis.mirror === true,
    mirrorWeight: asInteger(analysis.mirrorWeight) ?? 0,
    progressDeadlineSeconds: deadline ?? PROGRESS_DEADLINE_SECONDS,
    webhooks: asList(analysis.webhooks).map(asMap).map((webhook) => ({
      name: asString(webhook.name) ?? '(unnamed)',
      type: webhookTypeOf(webhook),
      // A timeout Go cannot parse fails every call; the load-test advice assumes the default instead.
      timeoutMs: webhookTimeoutOf(webhook).ms ?? WEBHOOK_TIMEOUT_MS,
      metadata: asMap(webhook.metadata),
    })),
    metrics: asList(analysis.metrics).map(asMap),
  };
}
