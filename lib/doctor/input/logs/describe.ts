/** `kubectl describe canary`: the object's name and namespace, its status fields, and its Events table. */
import { eventEntry } from './event';
import { ParseState } from './state';

// Leading spaces are optional: a paste can collapse every run of spaces into one.
const DESCRIBE_EVENTS_HEADER = /^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$/;
const DESCRIBE_SEPARATOR = /^\s*-{4}\s+-{6}\s+-{3,4}\s+-{4}\s+-{7}\s*$/;
const DESCRIBE_EVENT_ROW = /^\s*(Normal|Warning)\s+(\S+)\s+(\S+(?:\s\(x\d+\sover\s\S+\))?)\s+(\S+)\s+(.*)$/;
/** A `kubectl describe` field: Title Case words and a colon (`Name:`, `API Version:`, `Failed Checks:`). */
const DESCRIBE_FIELD = /^([A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)*):(?:\s+(.*))?$/;
const DESCRIBE_NESTED_FIELD = /^ {2,}[A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)*:(?:\s|$)/;
const DESCRIBE_STATUS_FIELD = /^ {2}(Phase|Failed Checks|Canary Weight):\s+(\S+)\s*$/;

/** `kubectl describe canary`: object name and namespace, status fields, and the Events table. */
export function readDescribe(state: ParseState, line: string, lineNumber: number): boolean {
  if (DESCRIBE_EVENTS_HEADER.test(line) || (state.section === 'describe-events' && DESCRIBE_SEPARATOR.test(line))) {
    state.section = 'describe-events';
    state.structure++;
    return true;
  }
  if (state.section === 'describe-events') {
    const row = DESCRIBE_EVENT_ROW.exec(line);
    if (row) {
      const [, type, reason, age, , text] = row;
      const current = state.described[state.described.length - 1];
      state.push(eventEntry(lineNumber, 'describe', type, age, text, { canary: current?.name, namespace: current?.namespace, reason }));
      return true;
    }
    if (/^\s/.test(line)) return false;
    state.section = 'none';
  }
  const field = DESCRIBE_FIELD.exec(line);
  if (field) {
    const [, key, value = ''] = field;
    if (key === 'Name') state.described.push({ name: value.trim() });
    else if (key === 'Namespace' && state.described.length > 0) state.described[state.described.length - 1].namespace = value.trim();
    else if (key === 'Events' && value.trim() === '<none>') state.section = 'none';
    state.inStatus = key === 'Status';
    state.structure++;
    return true;
  }
  if (state.inStatus && state.described.length > 0) {
    const status = DESCRIBE_STATUS_FIELD.exec(line);
    if (status) {
      const current = state.described[state.described.length - 1];
      const [, key, value] = status;
      if (key === 'Phase') current.phase = value;
      else if (key === 'Failed Checks' && /^\d+$/.test(value)) current.failedChecks = Number(value);
      else if (key === 'Canary Weight' && /^\d+$/.test(value)) current.canaryWeight = Number(value);
      state.structure++;
      return true;
    }
  }
  if (state.described.length > 0 && DESCRIBE_NESTED_FIELD.test(line)) {
    // An indented field of the described object (Spec, Status, Metadata...).
    state.structure++;
    return true;
  }
  return false;
}
