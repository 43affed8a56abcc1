/** What a message's role (catalogue/types.ts) means for the run it is in. */
import { MessageRole, MessageSpec } from './catalogue';

export function roleOf(spec: MessageSpec): MessageRole {
  return spec.role ?? 'step';
}

/** Flagger cannot proceed: a blocking error, or a workload it waits for. */
export function isBlocking(spec: MessageSpec): boolean {
  return spec.role === 'block' || spec.role === 'readiness';
}

/**
 * Messages that, after a run has ended, mean Flagger is at work on the canary again: the confirm-rollout
 * gate runs before "New revision detected" is printed, readiness and configuration checks run on every
 * tick, and analysis steps need a new revision.
 */
export function reopensRun(spec: MessageSpec): boolean {
  return ['wait', 'block', 'readiness', 'advance', 'tick'].includes(roleOf(spec)) || spec.countsAsFailedCheck === true;
}

/** Progress that can only happen once a workload is ready and the checks pass. */
export function isAdvance(spec: MessageSpec): boolean {
  return spec.role === 'advance' || (spec.role === 'end' && spec.outcome === 'promoted');
}
