import { CanaryView } from '../../model/canary-view';
import { buildSchedule, nextStepWeight } from '../../plan/schedule';
import { quoteValue } from '../../util/text';
import { ANALYSIS_REQUIREMENT, isSet } from '../crd';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'weights-invalid',
  severity: 'error',
  title: 'Weights the API server or Flagger rejects (not exactly one of iterations, stepWeight and stepWeights; not whole numbers), '
    + 'stepWeights not strictly increasing, a weight outside 1..100, or weights that never reach promotion',
  symptom: 'The API server rejects the Canary; or Flagger cannot decode it; or the canary stalls at one weight and is never promoted '
    + '(Flagger only advances on a positive step), or sends all traffic to the canary at once.',
};

const STRATEGY_FIELDS = ['iterations', 'stepWeight', 'stepWeights'] as const;
const NUMBER_FIELDS = ['iterations', 'stepWeight', 'maxWeight', 'stepWeightPromotion', 'mirrorWeight'] as const;
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
    reject(`${path} has none of iterations, stepWeight and stepWeights; ${ANALYSIS_REQUIREMENT}.`,
      'set stepWeight (e.g. 10) for a progressive canary, or iterations for Blue/Green and A/B testing.');
  } else if (present.length > 1) {
    const keep = present.includes('iterations') ? 'iterations for Blue/Green or A/B testing, or stepWeight(s) for a progressive canary'
      : 'stepWeights to list the weights, or stepWeight and maxWeight to step evenly';
    reject(`${path} sets ${present.join(' and ')}; ${ANALYSIS_REQUIREMENT}.`, `keep only one: ${keep}.`);
  }
  for (const field of NUMBER_FIELDS) {
    const value = analysis[field];
    if (!isSet(value)) continue;
    if (typeof value !== 'number') {
      reject(`${path}.${field} ${quoteValue(value)} is not a number; the CRD's type is number, so the API server rejects the Canary.`,
        `write ${field} as a whole number without quotes.`);
    } else if (!Number.isInteger(value)) {
      reject(`${path}.${field} ${value} is not a whole number; the API server accepts it, but Flagger reads ${field} as a Go int and cannot `
        + 'decode the Canary (`cannot unmarshal number ... of type int`), so it never acts on it.', `use a whole number, e.g. ${Math.round(value)}.`);
    }
  }
  const steps = analysis.stepWeights;
  if (isSet(steps)) {
    if (!Array.isArray(steps) || steps.some((step) => typeof step !== 'number')) {
      reject(`${path}.stepWeights ${quoteValue(steps)} is not a list of numbers; the API server rejects the Canary.`, 'write it as e.g. [5, 10, 20, 50].');
    } else if (steps.some((step) => !Number.isInteger(step))) {
      reject(`${path}.stepWeights [${steps.join(', ')}] has weights that are not whole numbers; Flagger reads them as Go ints and cannot decode the Canary, `
        + 'so it never acts on it.', `use whole numbers, e.g. [${steps.map((step) => Math.round(step)).join(', ')}].`);
    }
  }
  return valid;
}

/** Where a list of weights fails to increase: `20 → 10`. */
function dropsOf(steps: readonly number[]): string[] {
  return steps.map((s, i) => (i > 0 && s <= steps[i - 1] ? `${steps[i - 1]} → ${s}` : '')).filter(Boolean);
}

/** Why the schedule Flagger follows stalls, in terms of the fields the user wrote. */
function stallMessage(canary: CanaryView, weight: number): string {
  const path = `spec.${canary.analysisPath}`;
  const settings = canary.settings;
  const steps = settings.stepWeights;
  if (steps.length > 0) {
    const drops = dropsOf(steps);
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
    const drops = dropsOf(steps);
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

/** The weights-invalid reports of a Canary, and the weights it steps through when there are none. */
export interface WeightCheck {
  readonly reports: readonly Report[];
  /** The canary weights of a progressive canary's steps, when its weights are valid. */
  readonly weights?: readonly number[];
}

/** Computed once per Canary: step-weight-overshoot reads the weights too. */
const checked = new WeakMap<CanaryView, WeightCheck>();

export function checkWeights(canary: CanaryView): WeightCheck {
  let result = checked.get(canary);
  if (!result) {
    const reports: Report[] = [];
    const add: Add = (message, hint) => reports.push(report(info, canary.sourced, message, hint));
    // Weights only matter for a progressive canary: not with iterations (Blue/Green, A/B), the kubernetes provider
    // (Flagger runs Blue/Green), or skipAnalysis (Flagger promotes at once).
    const weights = checkSchema(canary, add) && canary.settings.strategy === 'canary' ? checkSteps(canary, add) : undefined;
    result = { reports, ...(weights && reports.length === 0 ? { weights } : {}) };
    checked.set(canary, result);
  }
  return result;
}

// A Canary without spec.analysis is reported by interval-unparsable.
export const weightsInvalid: RuleSet = canaryRules([info], (canary) => (canary.spec.analysis === undefined ? [] : [...checkWeights(canary).reports]));
