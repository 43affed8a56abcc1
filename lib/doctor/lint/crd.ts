/** What the Flagger CRD's schema requires of a Canary's analysis, as lint's messages say it. */

/** The CRD's `analysis` schema: `oneOf` of required [interval, threshold] plus exactly one of iterations, stepWeight and stepWeights. */
export const ANALYSIS_REQUIREMENT = 'the Flagger CRD requires interval, threshold and exactly one of iterations, stepWeight and stepWeights (a oneOf), '
  + 'so the API server rejects the Canary';

/** The API server drops null values before it validates, so `stepWeight: null` is as good as absent. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
