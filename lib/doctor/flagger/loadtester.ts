/**
 * Flagger's loadtester (`pkg/loadtester`): the task types a webhook's `metadata.type` names, and which
 * of them it runs to the end before it answers.
 */
import { asString } from '../model/yaml';

/** The task type of a webhook without `metadata.type` (server.go: no `type` key runs the command in the background). */
export const DEFAULT_TASK_TYPE = 'cmd';

/** Every task type the loadtester knows; any other, the empty string included, fails the call. */
export const TASK_TYPES: readonly string[] = ['cmd', 'bash', 'helm', 'helmv3', 'kubectl', 'concord', 'ngrinder'];

/**
 * Task types the loadtester runs before it answers, reporting the command's exit status (500 when it
 * fails); it answers the others with 202 as soon as it has queued them.
 */
export const BLOCKING_TASK_TYPES: ReadonlySet<string> = new Set(['bash', 'helm', 'helmv3', 'kubectl', 'concord']);

/** The task type a webhook's metadata asks for: `metadata.type` as written, `cmd` when there is none. */
export function taskTypeOf(metadata: Record<string, unknown>): string {
  return asString(metadata.type) ?? DEFAULT_TASK_TYPE;
}
