/**
 * The tick-by-tick schedule of a rollout when every check passes, following `advanceCanary`,
 * `runCanary`, `runAB`, `runBlueGreen` and `runPromotionTrafficShift` in Flagger v1.44.0's
 * `pkg/controller/scheduler.go`.
 */
import { TOTAL_WEIGHT } from '../flagger/defaults';
import { Settings } from './settings';
import { CanaryPlan, info, PlanMessage, PlanStep, PromotionTimes, RollbackTimes, warning } from './types';

/** A schedule longer than this never ends: Flagger's weights move by at least 1 within 0..100. */
const MAX_TICKS = 1000;

export interface Schedule {
  readonly steps: PlanStep[];
  readonly stall?: CanaryPlan['stall'];
  readonly promotion?: PromotionTimes;
  readonly rollback: RollbackTimes;
}

/** scheduler.go nextStepWeight(): stepWeight wins over stepWeights when both are set. */
export function nextStepWeight(settings: Settings, canaryWeight: number): number {
  const steps = settings.stepWeights;
  if (settings.stepWeight > 0 || steps.length === 0) return settings.stepWeight;
  const maxStep = TOTAL_WEIGHT - canaryWeight;
  if (maxStep === 0) return 1;
  if (canaryWeight === 0) return Math.min(maxStep, steps[0]);
  for (let i = 0; i < steps.length - 1; i++) {
    if (steps[i] === canaryWeight) return Math.min(maxStep, steps[i + 1] - canaryWeight);
  }
  return maxStep;
}

export function buildSchedule(settings: Settings, messages: PlanMessage[]): Schedule {
  const interval = settings.intervalMs;
  const steps: PlanStep[] = [];
  const preRolloutHooks = settings.webhooks.filter((webhook) => webhook.type === 'pre-rollout').map((webhook) => webhook.name);
  const gates = (type: string) => settings.webhooks.filter((webhook) => webhook.type === type).map((webhook) => webhook.name);
  const add = (step: Omit<PlanStep, 'atMs'>) => steps.push({ ...step, atMs: step.tick * interval });

  const confirmRollout = gates('confirm-rollout');
  add({
    tick: 0, phase: 'Progressing', canaryWeight: 0, mirrored: false, checks: false, preRollout: false,
    description: `${confirmRollout.length ? `confirm-rollout gate (${confirmRollout.join(', ')}) opens; ` : ''}new revision detected, canary scaled up`,
  });

  const progressDeadlineMs = (Math.floor(settings.progressDeadlineSeconds * 1000 / interval) + 1) * interval;

  if (settings.strategy === 'skip-analysis') {
    add({
      tick: 1, phase: 'Succeeded', canaryWeight: 0, mirrored: false, checks: false, preRollout: false,
      description: 'analysis skipped: spec copied to the primary, all traffic on the primary, canary scaled to zero',
    });
    messages.push(info('The analysis is skipped (spec.skipAnalysis, or no spec.analysis): Flagger promotes at the first tick without any check.'));
    return {
      steps,
      promotion: { checks: 0, promoteMs: interval, promotedMs: interval, finishedMs: interval, latestPromotedMs: interval },
      rollback: { progressDeadlineMs },
    };
  }

  const checksText = (what: string) => `checks pass ${what}`;
  const preRolloutText = preRolloutHooks.length ? `pre-rollout webhooks (${preRolloutHooks.join(', ')}) pass` : 'no pre-rollout webhooks';

  let canaryWeight = 0;
  let mirrored = false;
  let iterationsDone = 0;
  let stall: CanaryPlan['stall'];
  let promoteTick: number | undefined;
  let firstCheckTick: number | undefined;

  for (let tick = 1; tick <= MAX_TICKS; tick++) {
    const preRollout = canaryWeight === 0 && iterationsDone === 0 && !(settings.mirror && mirrored);
    if (!preRollout && firstCheckTick === undefined) firstCheckTick = tick;
    const before = preRollout ? preRolloutText : checksText(trafficText(settings, canaryWeight, mirrored));
    const base = { tick, checks: !preRollout, preRollout };

    if (settings.strategy === 'ab-testing' || settings.strategy === 'blue-green') {
      const routedAll = settings.strategy === 'blue-green' && iterationsDone > settings.iterations;
      if (settings.iterations > iterationsDone) {
        iterationsDone++;
        const weight = settings.strategy === 'ab-testing' ? TOTAL_WEIGHT : 0;
        const mirrorNow = settings.strategy === 'blue-green' && settings.mirror;
        canaryWeight = weight;
        mirrored = mirrorNow;
        add({
          ...base, phase: 'Progressing', canaryWeight, mirrored,
          description: `${before}; iteration ${iterationsDone}/${settings.iterations}${settings.strategy === 'ab-testing' ? ' (matching requests go to the canary)' : mirrorNow ? ' (traffic mirrored to the canary)' : ''}`,
        });
        continue;
      }
      if (settings.strategy === 'blue-green' && !routedAll) {
        iterationsDone++;
        canaryWeight = TOTAL_WEIGHT;
        mirrored = false;
        add({ ...base, phase: 'Progressing', canaryWeight, mirrored, description: `${before}; iterations done, all traffic routed to the canary` });
        continue;
      }
      promoteTick = tick;
      add({ ...base, phase: 'Promoting', canaryWeight, mirrored, description: `${before}; ${promoteText(settings, gates('confirm-promotion'))}` });
      break;
    }

    // Progressive traffic shifting.
    const step = nextStepWeight(settings, canaryWeight);
    if (step <= 0) {
      stall = {
        atMs: tick * interval,
        canaryWeight,
        reason: settings.stepWeights.length > 0 && settings.stepWeight <= 0
          ? `stepWeights ${JSON.stringify(settings.stepWeights)} are not strictly increasing: at weight ${canaryWeight} the next step is ${step}, and Flagger only advances on a positive step`
          : `stepWeight is ${settings.stepWeight} and there are no stepWeights: the weight never leaves 0`,
      };
      add({ ...base, phase: 'Progressing', canaryWeight, mirrored, description: `${before}; no next step: the canary stalls at weight ${canaryWeight}` });
      break;
    }
    if (canaryWeight >= settings.maxWeight) {
      promoteTick = tick;
      add({ ...base, phase: 'Promoting', canaryWeight, mirrored, description: `${before}; ${promoteText(settings, gates('confirm-promotion'))}` });
      break;
    }
    const gate = gates('confirm-traffic-increase');
    const gateText = gate.length && !mirrored ? `confirm-traffic-increase gate (${gate.join(', ')}) opens; ` : '';
    if (settings.mirror && canaryWeight === 0 && !mirrored) {
      mirrored = true;
      add({ ...base, phase: 'Progressing', canaryWeight, mirrored, description: `${before}; ${gateText}traffic mirrored to the canary` });
      continue;
    }
    const next = Math.min(TOTAL_WEIGHT, canaryWeight + step);
    if (next === canaryWeight && !mirrored) {
      stall = {
        atMs: tick * interval,
        canaryWeight,
        reason: `the weight is capped at 100, below maxWeight ${settings.maxWeight}, so Flagger never reaches the promotion step`,
      };
      add({ ...base, phase: 'Progressing', canaryWeight, mirrored, description: `${before}; weight stays ${canaryWeight}: the canary stalls` });
      break;
    }
    const wasMirrored = mirrored;
    mirrored = false;
    canaryWeight = next;
    const overshoot = canaryWeight > settings.maxWeight ? ` (over maxWeight ${settings.maxWeight}: Flagger adds the step without capping it)` : '';
    add({
      ...base, phase: 'Progressing', canaryWeight, mirrored,
      description: `${before}; ${gateText}${wasMirrored ? 'mirroring stops, ' : ''}canary weight ${canaryWeight}${overshoot}`,
    });
  }

  const failingPreRolloutMs = preRolloutHooks.length ? (settings.threshold + 1) * interval : undefined;
  const failingChecksMs = firstCheckTick !== undefined ? (firstCheckTick + settings.threshold) * interval : undefined;
  const rollback: RollbackTimes = {
    ...(failingChecksMs !== undefined ? { failingChecksMs } : {}),
    ...(failingPreRolloutMs !== undefined ? { failingPreRolloutMs } : {}),
    progressDeadlineMs,
  };

  if (stall || promoteTick === undefined) {
    const reason = stall?.reason ?? 'the schedule does not end';
    messages.push(warning(`The canary never promotes, even when every check passes: ${reason}. It stays Progressing until a check fails ${settings.threshold} times.`));
    return { steps, stall, rollback };
  }

  // Promoting: route the traffic back to the primary, at once or by stepWeightPromotion.
  const swp = settings.stepWeightPromotion;
  let promotedTick: number | undefined;
  if (swp <= 0) {
    promotedTick = promoteTick + 1;
    add({ tick: promotedTick, phase: 'Finalising', canaryWeight: 0, mirrored: false, checks: false, preRollout: false, description: 'all traffic routed to the primary (now running the new revision)' });
  } else if (canaryWeight <= 0) {
    // runPromotionTrafficShift only shifts while the canary has traffic.
    messages.push(warning(`stepWeightPromotion ${swp} with no traffic on the canary at promotion: Flagger shifts nothing and stays Promoting.`));
  } else {
    let canary = canaryWeight;
    let primary = TOTAL_WEIGHT - canaryWeight;
    for (let tick = promoteTick + 1; promotedTick === undefined; tick++) {
      primary = Math.min(TOTAL_WEIGHT, primary + swp);
      canary = Math.max(0, canary - swp);
      const done = primary === TOTAL_WEIGHT;
      add({
        tick, phase: done ? 'Finalising' : 'Promoting', canaryWeight: canary, mirrored: false, checks: false, preRollout: false,
        description: `primary weight ${primary}${done ? ': all traffic on the primary' : ''}`,
      });
      if (done) promotedTick = tick;
    }
  }
  if (promotedTick === undefined) return { steps, rollback };
  const finishTick = promotedTick + 1;
  const postRollout = gates('post-rollout');
  add({
    tick: finishTick, phase: 'Succeeded', canaryWeight: 0, mirrored: false, checks: false, preRollout: false,
    description: `canary scaled to zero${postRollout.length ? `, post-rollout webhooks (${postRollout.join(', ')}) run` : ''}; promotion finished`,
  });
  const checkCount = steps.filter((step) => step.checks).length;
  return {
    steps,
    promotion: {
      checks: checkCount,
      promoteMs: promoteTick * interval,
      promotedMs: promotedTick * interval,
      finishedMs: finishTick * interval,
      latestPromotedMs: (promotedTick + settings.threshold - 1) * interval,
    },
    rollback,
  };
}

function promoteText(settings: Settings, confirmPromotion: readonly string[]): string {
  const gate = confirmPromotion.length ? `confirm-promotion gate (${confirmPromotion.join(', ')}) opens; ` : '';
  return `${gate}promote: canary spec copied to ${settings.apex}-primary`;
}

/** Which traffic the checks of a tick see. */
function trafficText(settings: Settings, canaryWeight: number, mirrored: boolean): string {
  if (mirrored) return 'on mirrored traffic';
  if (settings.strategy === 'ab-testing') return 'on the matching requests';
  if (settings.strategy === 'blue-green') return canaryWeight > 0 ? 'with all traffic on the canary' : 'with no user traffic on the canary';
  return `at weight ${canaryWeight}`;
}
