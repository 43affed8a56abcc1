/**
 * `kubectl get pods` pasted beside Flagger's messages: the table is read, not skipped, and each pod's
 * status becomes a fact (`CrashLoopBackOff, READY 1/2, 97 restarts`) that explain adds to the canary's
 * readiness problems.
 */
import { ParseState } from './state';

const HEADER = /^\s*(NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b/;
// RESTARTS may carry when the last one was: `3 (2m ago)`.
const ROW = /^\s*(?:(\S+)\s+)?(\S+)\s+(\d+)\/(\d+)\s+(\S+)\s+(\d+)(?:\s\([^)]*\))?\s+\S+/;
const HEALTHY = new Set(['Running', 'Completed', 'Succeeded']);

export function readPodsTable(state: ParseState, line: string): boolean {
  const header = HEADER.exec(line);
  if (header) {
    state.section = header[1] ? 'pods-table-all' : 'pods-table';
    state.structure++;
    return true;
  }
  if (state.section !== 'pods-table' && state.section !== 'pods-table-all') return false;
  const row = ROW.exec(line);
  if (!row) return false;
  const [, namespace, name, ready, total, status, restarts] = row;
  // Without -A the first column is the name: the regex's optional namespace took it.
  const pod = state.section === 'pods-table' ? (namespace === undefined ? name : undefined) : name;
  if (!pod || (state.section === 'pods-table-all' && !namespace)) return false;
  const notReady = Number(ready) < Number(total);
  state.fact({
    object: `pod/${pod}`,
    text: `${status}, READY ${ready}/${total}, ${restarts} restart${restarts === '1' ? '' : 's'}`,
    warning: !HEALTHY.has(status) || (status === 'Running' && notReady) || Number(restarts) > 0,
  });
  state.structure++;
  return true;
}
