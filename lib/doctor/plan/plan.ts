/**
 * What Flagger v1.44.0 will do with each Canary, tick by tick: the weight schedule, when it promotes,
 * when it rolls back, and how many load-test requests each metric window sees.
 *
 * The schedule follows `pkg/controller/scheduler.go`. Every `analysis.interval`, Flagger runs one
 * step of `advanceCanary` for a Canary:
 * - tick 0: it detects the new revision, scales the canary up and sets the phase to Progressing;
 * - tick 1: weight 0 and no iterations yet, so it runs the pre-rollout webhooks (no metric checks)
 *   and then takes the first step;
 * - every later tick runs the rollout webhooks and the metric checks, and takes the next step if
 *   they pass, or counts one failed check if not. Failed checks are never reset during a run;
 *   the tick after the count reaches `threshold` rolls back;
 * - the step that finds the weight at `maxWeight` (or the iterations done) copies the canary's spec
 *   to the primary (Promoting), the next routes all traffic to the primary (Finalising; with
 *   `stepWeightPromotion` it takes several ticks), and the next scales the canary to zero (Succeeded).
 */
import { SCRAPE_INTERVAL_MS } from '../flagger/defaults';
import { apiGroupOf, kindOf, SourcedObject } from '../model/object';
import { findLoadTests } from './load-tests';
import { buildSchedule } from './schedule';
import { delegatingHosts, readSettings, Webhook } from './settings';
import { planMetrics } from './traffic';
import type { CanaryPlan, PlanMessage, PlanOptions } from './types';

/** Plans every Canary among `objects`, in input order. */
export function planCanaries(objects: readonly SourcedObject[], options: PlanOptions = {}): CanaryPlan[] {
  const scrapeIntervalMs = options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS;
  return objects
    .filter(({ object }) => kindOf(object) === 'Canary' && apiGroupOf(object.apiVersion) === 'flagger.app')
    .map((sourced) => planCanary(sourced, objects, scrapeIntervalMs));
}

function planCanary({ object, source }: SourcedObject, objects: readonly SourcedObject[], scrapeIntervalMs: number): CanaryPlan {
  const messages: PlanMessage[] = [];
  const settings = readSettings(object, delegatingHosts(object, objects), messages);
  const schedule = buildSchedule(settings, messages);
  const loadTests = findLoadTests(settings, messages);
  const metrics = planMetrics(settings, schedule, loadTests, scrapeIntervalMs, messages);
  return {
    kind: 'Canary',
    namespace: settings.namespace,
    name: settings.name,
    ...(source.file !== undefined ? { file: source.file } : {}),
    ...(source.line !== undefined ? { line: source.line } : {}),
    strategy: settings.strategy,
    intervalMs: settings.intervalMs,
    threshold: settings.threshold,
    ...(settings.strategy === 'canary' ? { maxWeight: settings.maxWeight, stepWeight: settings.stepWeight } : {}),
    ...(settings.stepWeights.length > 0 ? { stepWeights: settings.stepWeights } : {}),
    ...(settings.stepWeightPromotion > 0 ? { stepWeightPromotion: settings.stepWeightPromotion } : {}),
    ...(settings.iterations > 0 ? { iterations: settings.iterations } : {}),
    mirror: settings.mirror,
    progressDeadlineSeconds: settings.progressDeadlineSeconds,
    webhooks: webhooksByType(settings.webhooks),
    steps: schedule.steps,
    ...(schedule.stall ? { stall: schedule.stall } : {}),
    ...(schedule.promotion ? { promotion: schedule.promotion } : {}),
    rollback: schedule.rollback,
    loadTests,
    metrics,
    messages,
  };
}

function webhooksByType(webhooks: readonly Webhook[]): Record<string, string[]> {
  const byType: Record<string, string[]> = {};
  for (const webhook of webhooks) (byType[webhook.type] ??= []).push(webhook.name);
  return byType;
}
