import { CanaryView } from '../../model/canary-view';
import { quoteValue } from '../../util/text';
import { ANALYSIS_REQUIREMENT, isSet } from '../crd';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'threshold-invalid',
  severity: 'error',
  title: 'analysis.threshold is missing, not a whole number, or not above 0',
  symptom: 'The API server rejects a Canary without threshold (the CRD requires it); with threshold ≤ 0 Flagger uses 1, '
    + 'so the first failed check rolls the canary back.',
};

function checkThreshold(canary: CanaryView): Report[] {
  const threshold = canary.analysis.threshold;
  const path = `spec.${canary.analysisPath}.threshold`;
  const say = (message: string, hint = 'set threshold to the number of failed checks to tolerate before rollback, e.g. 5.') =>
    [report(info, canary.sourced, message, hint)];
  if (!isSet(threshold)) return say(`${path} is missing; ${ANALYSIS_REQUIREMENT}.`);
  if (typeof threshold !== 'number') {
    return say(`${path} ${quoteValue(threshold)} is not a number; the CRD's type is number, so the API server rejects the Canary.`, 'set threshold to a whole number above 0, e.g. 5.');
  }
  if (!Number.isInteger(threshold)) {
    return say(`${path} ${threshold} is not a whole number; Flagger reads it as a Go int and cannot decode the Canary, so it never acts on it.`,
      `use a whole number, e.g. ${Math.max(1, Math.round(threshold))}.`);
  }
  // Without analysis runs, the threshold is never consulted.
  if (threshold > 0 || canary.skipAnalysis) return [];
  return say(`${path} is ${threshold}; Flagger treats it as 1, so the first failed check rolls the canary back.`);
}

// A Canary without spec.analysis is reported by interval-unparsable.
export const thresholdInvalid: RuleSet = canaryRules([info], (canary) => (canary.spec.analysis === undefined ? [] : checkThreshold(canary)));
