/** Flagger's logs in zap's JSON encoding (the default, `-zap-encoding json`), one record per line. */
import { cleanMessage, normaliseTime, splitCanaryRef } from './entry';
import { ParseState } from './state';
import { KUBECTL_TIMESTAMP, parseRecord, pushZapRecord, recordMessage, ZAP_LEVELS } from './zap';

/** A zap JSON record, possibly after a `kubectl logs --timestamps` or `--prefix` prefix. */
export function readZapJson(state: ParseState, line: string, lineNumber: number): boolean {
  const brace = line.indexOf('{');
  if (brace < 0 || !/"(?:msg|message)"\s*:/.test(line)) return false;
  const prefix = line.slice(0, brace);
  const record = parseRecord(line.slice(brace));
  const text = record ? recordMessage(record) : undefined;
  if (!record || text === undefined) return false;
  const message = cleanMessage(text);
  if (message === '') return false;
  const prefixTime = KUBECTL_TIMESTAMP.exec(prefix.trim() + ' ')?.[1];
  const time = normaliseTime(record.ts) ?? normaliseTime(prefixTime);
  const level = typeof record.level === 'string' ? ZAP_LEVELS[record.level.toLowerCase()] : undefined;
  const ref = typeof record.canary === 'string' && record.canary !== '' ? splitCanaryRef(record.canary) : undefined;
  pushZapRecord(state, 'json', lineNumber, message, time, level, ref);
  return true;
}

/** A line that looks like a JSON record: one that is not a zap record is malformed, not a message. */
export function looksLikeJson(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.startsWith('{') || /^\S+\s+\{"/.test(trimmed)) return true;
  if (!trimmed.startsWith('[')) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}
