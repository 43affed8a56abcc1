import { CanaryView } from '../../model/canary-view';
import { canaryRules, Report, report, RuleInfo, RuleSet } from '../rule';
import { checkWeights } from './weights-invalid';

const info: RuleInfo = {
  id: 'step-weight-overshoot',
  severity: 'warning',
  title: 'stepWeight does not divide maxWeight',
  symptom: 'The last step overshoots maxWeight: with maxWeight 50 and stepWeight 20 the canary gets 60% of the traffic before promotion.',
};

function checkOvershoot(canary: CanaryView, weights: readonly number[]): Report[] {
  const settings = canary.settings;
  const max = settings.maxWeight;
  const last = weights[weights.length - 1];
  if (settings.stepWeights.length > 0 || last === undefined || last <= max) return [];
  const step = settings.stepWeight;
  const declared = typeof canary.analysis.maxWeight === 'number' && canary.analysis.maxWeight > 0;
  const divisors = [1, 2, 4, 5, 10, 20, 25, 50].filter((d) => max % d === 0 && d <= step).slice(-2);
  return [report(info, canary.sourced,
    `stepWeight ${step} does not divide maxWeight ${max}${declared ? '' : ' (the default)'}: the canary goes ${weights.join(', ')} `
    + `and gets ${last}% of the traffic, above maxWeight ${max}.`,
    `use a stepWeight that divides ${max}${divisors.length ? ` (e.g. ${divisors.join(' or ')})` : ''}, set maxWeight: ${last}, or list stepWeights.`)];
}

function check(canary: CanaryView): Report[] {
  if (canary.spec.analysis === undefined) return [];
  // Only when the weights are valid: weights-invalid says what is wrong first.
  const { weights } = checkWeights(canary);
  return weights ? checkOvershoot(canary, weights) : [];
}

export const stepWeightOvershoot: RuleSet = canaryRules([info], check);
