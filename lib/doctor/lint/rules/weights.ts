import { CanaryView, finding, Json, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { buildSchedule, nextStepWeight } from '../../plan/schedule';
import { Finding } from '../../model/object';

const weightsInfo: RuleInfo = {
  id: 'weights-invalid',
  severity: 'error',
  title: 'Weights the API server or Flagger rejects (not exactly one of iterations, stepWeight and stepWeights; not whole numbers), '
    + 'stepWeights not strictly increasing, a weight outside 1..100, or weights that never reach promotion',
  symptom: 'The API server rejects the Canary; or Flagger cannot decode it; or the canary stalls at one weight and is never promoted '
    + '(Flagger only advances on a positive step), or sends all traffic to the canary at once.',
};

const overshootInfo: RuleInfo = {
  id: 'step-weight-overshoot',
  severity: 'warning',
  title: 'stepWeight does not divide maxWeight',
  symptom: 'The last step overshoots maxWeight: with maxWeight 50 and stepWeight 20 the canary gets 60% of the traffic before promotion.',
};

const thresholdInfo: RuleInfo = {
  id: 'threshold-invalid',
  severity: 'error',
  title: 'analysis.threshold is missing, not a whole number, or not above 0',
  symptom: 'The API server rejects a Canary without threshold (the CRD requires it); with threshold ≤ 0 Flagger uses 1, '
    + 'so the first failed check rolls the canary back.',
};

/** The Flagger CRD's `analysis` schema: `oneOf` required [interval, threshold] plus exactly one of these. */
const STRATEGY_FIELDS = ['iterations', 'stepWeight', 'stepWeights'] as const;
const NUMBER_FIELDS = ['iterations', 'stepWeight', 'maxWeight', 'stepWeightPromotion', 'mirrorWeight'] as const;
const CRD_RULE = 'the Flagger CRD requires interval, threshold and exactly one of iterations, stepWeight and stepWeights (a oneOf), '
  + 'so the API server rejects the Canary';

/** The API server drops null values before it validates, so `stepWeight: null` is as good as absent. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

type Add = (message: string, hint: string) => void;

/** What the API server (the CRD's types and its oneOf) and Flagger's Go decoding (int fields) reject. Returns false when anything is. */
function checkSchema(canary: CanaryView, add: Add): boolean {
  const path = `spec.${canary.analysisPath}`;
  const analysis = canary.analysis;
  let valid = true;
  const reject = (message: string, hint: string) => {
    valid = false;
    add(message, hint);
  };
  const present = STRATEGY_FIELDS.filter((field) => isSet(analysis[field]));
  if (present.length === 0) {
    reject(`${path} has none of iterations, stepWeight and stepWeights; ${CRD_RULE}.`,
      'set stepWeight (e.g. 10) for a progressive canary, or iterations for Blue/Green and A/B testing.');
  } else if (present.length > 1) {
    const keep = present.includes('iterations') ? 'iterations for Blue/Green or A/B testing, or stepWeight(s) for a progressive canary'
      : 'stepWeights to list the weights, or stepWeight and maxWeight to step evenly';
    reject(`${path} sets ${present.join(' and ')}; ${CRD_RULE}.`, `keep only one: ${keep}.`);
  }
  for (const field of NUMBER_FIELDS) {
    const value = analysis[field];
    if (!isSet(value)) continue;
    if (typeof value !== 'number') {
      reject(`${path}.${field} ${show(value)} is not a number; the CRD's type is number, so the API server rejects the Canary.`,
        `write ${field} as a whole number without quotes.`);
    } else if (!Number.isInteger(value)) {
      reject(`${path}.${field} ${value} is not a whole number; the API server accepts it, but Flagger reads ${field} as a Go int and cannot `
        + 'decode the Canary (`cannot unmarshal number ... of type int`), so it never acts on it.', `use a whole number, e.g. ${Math.round(value)}.`);
    }
  }
  const steps = analysis.stepWeights;
  if (isSet(steps)) {
    if (!Array.isArray(steps) || steps.some((step: Json) => typeof step !== 'number')) {
      reject(`${path}.stepWeights ${show(steps)} is not a list of numbers; the API server rejects the Canary.`, 'write it as e.g. [5, 10, 20, 50].');
    } else if (steps.some((step: number) => !Number.isInteger(step))) {
      reject(`${path}.stepWeights [${steps.join(', ')}] has weights that are not whole numbers; Flagger reads them as Go ints and cannot decode the Canary, `
        + 'so it never acts on it.', `use whole numbers, e.g. [${steps.map((step: number) => Math.round(step)).join(', ')}].`);
    }
  }
  return valid;
}

/** Why the schedule Flagger follows stalls, in terms of the fields the user wrote. */
function stallMessage(canary: CanaryView, weight: number): string {
  const path = `spec.${canary.analysisPath}`;
  const settings = canary.settings;
  const steps = settings.stepWeights;
  if (steps.length > 0) {
    const drops = steps.map((s, i) => (i > 0 && s <= steps[i - 1] ? `${steps[i - 1]} → ${s}` : '')).filter(Boolean);
    const why = drops.length > 0 ? `is not strictly increasing (${drops.join(', ')})` : `starts at ${steps[0]}`;
    return `${path}.stepWeights [${steps.join(', ')}] ${why}: at weight ${weight} Flagger's next step is ${nextStepWeight(settings, weight)}, `
      + `and it only advances on a positive step, so the canary stalls at weight ${weight} and is never promoted.`;
  }
  if (settings.stepWeight <= 0) {
    return isSet(canary.analysis.stepWeights)
      ? `${path}.stepWeights is empty and there is no stepWeight, so the canary weight never leaves 0 and it is never promoted.`
      : `${path}.stepWeight is ${settings.stepWeight}: Flagger only advances on a positive step, so the canary stays at weight 0 and is never promoted.`;
  }
  return `${path}.maxWeight ${settings.maxWeight} is above 100: the canary weight stops at 100 and never reaches maxWeight, so the canary is never promoted.`;
}

/** The weights Flagger will step through, from the plan engine's schedule; a stall is an error. */
function checkSteps(canary: CanaryView, add: Add): number[] | undefined {
  const path = `spec.${canary.analysisPath}`;
  const settings = canary.settings;
  const schedule = buildSchedule(settings, []);
  if (schedule.stall) {
    add(stallMessage(canary, schedule.stall.canaryWeight), settings.stepWeights.length > 0
      ? `list strictly increasing weights between 1 and 100: [${[...new Set(settings.stepWeights.filter((s) => s > 0))].sort((a, b) => a - b).join(', ') || '5, 10, 20, 50'}]`
      : 'set stepWeight to a whole number between 1 and 100, e.g. 10, and maxWeight to at most 100.');
    return undefined;
  }
  const steps = settings.stepWeights;
  if (steps.length > 0) {
    const drops = steps.map((s, i) => (i > 0 && s <= steps[i - 1] ? `${steps[i - 1]} → ${s}` : '')).filter(Boolean);
    if (drops.length > 0) {
      add(`${path}.stepWeights [${steps.join(', ')}] is not strictly increasing (${drops.join(', ')}); Flagger reaches 100 before the repeated step, `
        + 'so the steps after it are never used.', `drop them: [${[...new Set(steps)].sort((a, b) => a - b).join(', ')}]`);
    }
    const above = steps.filter((s) => s > 100);
    if (above.length > 0) {
      add(`${path}.stepWeights [${steps.join(', ')}] has ${above.join(', ')} above 100; weights are percentages, so Flagger caps it at 100 `
        + 'and that step sends all traffic to the canary.', 'keep every step between 1 and 100.');
    }
  } else {
    const analysis = canary.analysis;
    if (settings.stepWeight > 100) {
      add(`${path}.stepWeight ${settings.stepWeight} is above 100; weights are percentages, so the first step sends all traffic to the canary.`,
        'use a stepWeight between 1 and 100, e.g. 10.');
    }
    if (typeof analysis.maxWeight === 'number' && analysis.maxWeight <= 0) {
      add(`${path}.maxWeight ${analysis.maxWeight} is not above 0, so Flagger ignores it and shifts traffic up to 100% before promotion.`,
        'use a maxWeight between 1 and 100, e.g. 50.');
    }
  }
  return schedule.steps.filter((step) => step.phase === 'Progressing' && step.canaryWeight > 0).map((step) => step.canaryWeight);
}

function checkOvershoot(canary: CanaryView, weights: readonly number[]): Finding[] {
  const settings = canary.settings;
  const max = settings.maxWeight;
  const last = weights[weights.length - 1];
  if (settings.stepWeights.length > 0 || last === undefined || last <= max) return [];
  const step = settings.stepWeight;
  const declared = typeof canary.analysis.maxWeight === 'number' && canary.analysis.maxWeight > 0;
  const divisors = [1, 2, 4, 5, 10, 20, 25, 50].filter((d) => max % d === 0 && d <= step).slice(-2);
  return [finding(overshootInfo, canary.sourced,
    `stepWeight ${step} does not divide maxWeight ${max}${declared ? '' : ' (the default)'}: the canary goes ${weights.join(', ')} `
    + `and gets ${last}% of the traffic, above maxWeight ${max}.`,
    `use a stepWeight that divides ${max}${divisors.length ? ` (e.g. ${divisors.join(' or ')})` : ''}, set maxWeight: ${last}, or list stepWeights.`)];
}

function checkWeights(canary: CanaryView): Finding[] {
  const findings: Finding[] = [];
  const add: Add = (message, hint) => findings.push(finding(weightsInfo, canary.sourced, message, hint));
  if (!checkSchema(canary, add)) return findings;
  // Weights only matter for a progressive canary: not with iterations (Blue/Green, A/B), the kubernetes provider
  // (Flagger runs Blue/Green), or skipAnalysis (Flagger promotes at once).
  if (canary.settings.strategy !== 'canary') return findings;
  const weights = checkSteps(canary, add);
  if (weights && findings.length === 0) findings.push(...checkOvershoot(canary, weights));
  return findings;
}

function checkThreshold(canary: CanaryView): Finding[] {
  const threshold = canary.analysis.threshold;
  const path = `spec.${canary.analysisPath}.threshold`;
  const say = (message: string, hint = 'set threshold to the number of failed checks to tolerate before rollback, e.g. 5.') =>
    [finding(thresholdInfo, canary.sourced, message, hint)];
  if (!isSet(threshold)) return say(`${path} is missing; ${CRD_RULE}.`);
  if (typeof threshold !== 'number') {
    return say(`${path} ${show(threshold)} is not a number; the CRD's type is number, so the API server rejects the Canary.`, 'set threshold to a whole number above 0, e.g. 5.');
  }
  if (!Number.isInteger(threshold)) {
    return say(`${path} ${threshold} is not a whole number; Flagger reads it as a Go int and cannot decode the Canary, so it never acts on it.`,
      `use a whole number, e.g. ${Math.max(1, Math.round(threshold))}.`);
  }
  // Without analysis runs, the threshold is never consulted.
  if (threshold > 0 || canary.skipAnalysis) return [];
  return say(`${path} is ${threshold}; Flagger treats it as 1, so the first failed check rolls the canary back.`);
}

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    // A Canary without spec.analysis is reported by interval-unparsable.
    if (canary.spec.analysis === undefined) continue;
    findings.push(...checkWeights(canary), ...checkThreshold(canary));
  }
  return findings;
}

export const weightRules: RuleSet = { rules: [weightsInfo, overshootInfo, thresholdInfo], check };
