/**
 * `kubectl logs deploy/flagger | jq .msg`: each message as a JSON string on its own line, quotes and
 * escapes included. The canary, time and level are gone; the message names the canary most of the time,
 * and the block it is in (entry.ts) does otherwise.
 */
import { cleanMessage } from './entry';
import { ParseState } from './state';

const JSON_STRING = /^\s*"(?:[^"\\]|\\.)*"\s*,?\s*$/;

export function readJqString(state: ParseState, line: string, lineNumber: number): boolean {
  if (!JSON_STRING.test(line)) return false;
  let value: unknown;
  try {
    value = JSON.parse(line.trim().replace(/,$/, ''));
  } catch {
    return false;
  }
  if (typeof value !== 'string') return false;
  const message = cleanMessage(value);
  if (message === '') return false;
  state.push({ format: 'text', line: lineNumber, count: 1, message }, 'jq');
  return true;
}
