import { asList, asNumber, CanaryView, finding, LintContext, RuleInfo, RuleSet } from '../lint-context';
import { Finding } from '../types';

const weightsInfo: RuleInfo = {
  id: 'weights-invalid',
  severity: 'error',
  title: 'stepWeights not strictly increasing, a weight outside 1..100, or a stepWeight/maxWeight that never reaches promotion',
  symptom: 'The canary stalls at one weight forever (a step of 0), jumps back, or never reaches maxWeight and so is never promoted.',
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
  title: 'analysis.threshold is missing or not above 0',
  symptom: 'The API server rejects a Canary without threshold; with threshold ≤ 0 Flagger uses 1, so the first failed check rolls the canary back.',
};

function isCanaryStrategy(canary: CanaryView): boolean {
  return !((asNumber(canary.analysis.iterations) ?? 0) > 0);
}

function checkWeights(canary: CanaryView): Finding[] {
  const findings: Finding[] = [];
  const path = `spec.${canary.analysisPath}`;
  const analysis = canary.analysis;
  const add = (message: string, hint: string) => findings.push(finding(weightsInfo, canary.sourced, message, hint));
  if (analysis.stepWeights !== undefined) {
    const steps = asList(analysis.stepWeights);
    const notNumbers = steps.filter((s) => asNumber(s) === undefined || !Number.isInteger(s));
    if (!Array.isArray(analysis.stepWeights) || notNumbers.length > 0) {
      add(`${path}.stepWeights ${JSON.stringify(analysis.stepWeights)} must be a list of whole numbers.`, 'write it as e.g. [5, 10, 20, 50].');
      return findings;
    }
    const outside = steps.filter((s) => s < 1 || s > 100);
    if (outside.length > 0) {
      add(`${path}.stepWeights [${steps.join(', ')}] has ${outside.join(', ')} outside 1..100; weights are percentages of traffic.`,
        'keep every step between 1 and 100.');
    }
    const drops = steps.map((s, i) => (i > 0 && s <= steps[i - 1] ? `${steps[i - 1]} → ${s}` : '')).filter(Boolean);
    if (drops.length > 0) {
      add(`${path}.stepWeights [${steps.join(', ')}] is not strictly increasing (${drops.join(', ')}); Flagger steps by the difference, so a repeated weight `
        + 'is a step of 0 that stalls the canary, and a lower one moves traffic back.',
      `sort them and drop duplicates: [${[...new Set(steps)].sort((a, b) => a - b).join(', ')}]`);
    }
    if (steps.length === 0 && isCanaryStrategy(canary) && !((asNumber(analysis.stepWeight) ?? 0) > 0)) {
      add(`${path}.stepWeights is empty and there is no stepWeight, so the canary weight never increases.`, 'list the weights, e.g. [5, 10, 20, 50].');
    }
    return findings;
  }
  if (!isCanaryStrategy(canary)) return findings;
  const stepWeight = analysis.stepWeight;
  const maxWeight = analysis.maxWeight;
  if (stepWeight !== undefined && asNumber(stepWeight) === undefined) {
    add(`${path}.stepWeight ${JSON.stringify(stepWeight)} is not a number.`, 'set stepWeight to a whole number between 1 and 100, e.g. 10.');
  } else if (stepWeight === undefined || stepWeight <= 0) {
    add(stepWeight === undefined
      ? `${path} has neither stepWeight nor stepWeights (nor iterations), so the canary weight never increases; the API server rejects it.`
      : `${path}.stepWeight is ${stepWeight}, so the canary weight never increases and the canary stalls.`,
    'set stepWeight to a whole number between 1 and 100, e.g. 10.');
  } else if (stepWeight > 100) {
    add(`${path}.stepWeight ${stepWeight} is above 100; weights are percentages of traffic.`, 'use a stepWeight between 1 and 100.');
  }
  if (maxWeight !== undefined && asNumber(maxWeight) === undefined) {
    add(`${path}.maxWeight ${JSON.stringify(maxWeight)} is not a number.`, 'set maxWeight to a whole number between 1 and 100, e.g. 50.');
  } else if (maxWeight !== undefined && (maxWeight < 0 || maxWeight > 100)) {
    add(`${path}.maxWeight ${maxWeight} is outside 1..100; ${maxWeight > 100 ? 'the canary weight stops at 100 and never reaches it, so the canary is never promoted' : 'weights are percentages of traffic'}.`,
      'use a maxWeight between 1 and 100, e.g. 50.');
  }
  return findings;
}

function checkOvershoot(canary: CanaryView): Finding[] {
  const analysis = canary.analysis;
  if (!isCanaryStrategy(canary) || analysis.stepWeights !== undefined) return [];
  const step = asNumber(analysis.stepWeight);
  const declaredMax = asNumber(analysis.maxWeight);
  const max = declaredMax !== undefined && declaredMax > 0 ? declaredMax : 100;
  if (step === undefined || step <= 0 || step > 100 || max > 100 || max % step === 0) return [];
  const weights: number[] = [];
  for (let weight = step; ; weight += step) {
    weights.push(Math.min(weight, 100));
    if (weight >= max) break;
  }
  const last = weights[weights.length - 1];
  if (last === max) return [];
  const divisors = [1, 2, 4, 5, 10, 20, 25, 50].filter((d) => max % d === 0 && d <= step).slice(-2);
  return [finding(overshootInfo, canary.sourced,
    `stepWeight ${step} does not divide maxWeight ${max}${declaredMax === undefined ? ' (the default)' : ''}: the canary goes ${weights.join(', ')} `
    + `and gets ${last}% of the traffic, above maxWeight ${max}.`,
    `use a stepWeight that divides ${max}${divisors.length ? ` (e.g. ${divisors.join(' or ')})` : ''}, set maxWeight: ${last}, or list stepWeights.`)];
}

function checkThreshold(canary: CanaryView): Finding[] {
  const threshold = canary.analysis.threshold;
  const path = `spec.${canary.analysisPath}.threshold`;
  if (threshold === undefined) {
    return [finding(thresholdInfo, canary.sourced, `${path} is missing; the API server rejects the Canary.`,
      'set threshold to the number of failed checks to tolerate before rollback, e.g. 5.')];
  }
  const value = asNumber(threshold);
  if (value === undefined) {
    return [finding(thresholdInfo, canary.sourced, `${path} ${JSON.stringify(threshold)} is not a number.`, 'set threshold to a whole number above 0, e.g. 5.')];
  }
  if (value > 0) return [];
  return [finding(thresholdInfo, canary.sourced,
    `${path} is ${value}; Flagger treats it as 1, so the first failed check rolls the canary back.`,
    'set threshold to the number of failed checks to tolerate before rollback, e.g. 5.')];
}

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    if (Object.keys(canary.analysis).length === 0) continue;
    findings.push(...checkWeights(canary), ...checkOvershoot(canary), ...checkThreshold(canary));
  }
  return findings;
}

export const weightRules: RuleSet = { rules: [weightsInfo, overshootInfo, thresholdInfo], check };
