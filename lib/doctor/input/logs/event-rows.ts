/**
 * Event rows of `kubectl describe` pasted without the `Events:` header, as people copy them out of a
 * terminal: `Warning  Synced  3m (x5 over 8m)  flagger  Halt ...`, with kubectl's alignment or with
 * every run of spaces collapsed into one. The age must read as kubectl prints it, so ordinary text that
 * starts with "Normal" is not taken for a row. Without `Name:` above them the rows name no canary; the
 * messages and their block (entry.ts) do.
 */
import { eventEntry } from './event';
import { ParseState } from './state';

const AGE = String.raw`(?:(?:\d+[smhdy])+|<unknown>)`;
const ROW = new RegExp(String.raw`^\s*(Normal|Warning)\s+(\S+)\s+(${AGE}(?:\s\(x\d+\sover\s${AGE}\))?)\s+(\S+)\s+(\S.*)$`);

export function readEventRow(state: ParseState, line: string, lineNumber: number): boolean {
  const row = ROW.exec(line);
  if (!row) return false;
  const [, type, reason, age, , text] = row;
  state.push(eventEntry(lineNumber, 'describe', type, age, text, { reason }), 'event-rows');
  return true;
}
