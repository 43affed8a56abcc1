/** Flagger's logs in zap's console encoding (`-zap-encoding console`). */
import { cleanMessage, normaliseTime, splitCanaryRef } from './entry';
import { ParseState } from './state';
import { KUBECTL_TIMESTAMP, parseRecord, pushZapRecord, ZAP_LEVELS } from './zap';

const CONSOLE_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(debug|info|warn|warning|error|dpanic|panic|fatal)\s+(?:[\w./-]+\.go:\d+\s+)?(.*)$/i;
const CONSOLE_FIELDS = /\s(\{"[^{}]*\})\s*$/;

/** zap console encoding: `TIME<TAB>LEVEL<TAB>CALLER<TAB>MESSAGE<TAB>{"canary": "..."}`. */
export function readZapConsole(state: ParseState, line: string, lineNumber: number): boolean {
  let stripped = line.replace(/^\[[^\]]*\]\s+/, '');
  const kubectlTime = KUBECTL_TIMESTAMP.exec(stripped);
  if (kubectlTime && CONSOLE_LINE.test(stripped.slice(kubectlTime[0].length))) stripped = stripped.slice(kubectlTime[0].length);
  const match = CONSOLE_LINE.exec(stripped);
  if (!match) return false;
  const [, ts, levelText, rest] = match;
  let message = rest;
  let ref: { name: string; namespace?: string } | undefined;
  const fields = CONSOLE_FIELDS.exec(' ' + rest);
  if (fields) {
    const record = parseRecord(fields[1]);
    if (record) {
      message = rest.slice(0, rest.length - fields[1].length);
      if (typeof record.canary === 'string' && record.canary !== '') ref = splitCanaryRef(record.canary);
    }
  }
  message = cleanMessage(message);
  if (message === '') return false;
  const time = normaliseTime(ts);
  const level = ZAP_LEVELS[levelText.toLowerCase()];
  pushZapRecord(state, 'console', lineNumber, message, time, level, ref);
  return true;
}
