/**
 * Flagger's zap logger, in both its encodings: JSON lines (the default, `-zap-encoding json`) and the
 * console encoding, with or without the prefixes `kubectl logs --timestamps` and `--prefix` add.
 */
import { cleanMessage, EntryLevel, normaliseTime, splitCanaryRef } from './entry';
import { ParseState } from './state';

const ZAP_LEVELS: Record<string, EntryLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  dpanic: 'fatal',
  panic: 'fatal',
  fatal: 'fatal',
};

const KUBECTL_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+/;
const CONSOLE_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(debug|info|warn|warning|error|dpanic|panic|fatal)\s+(?:[\w./-]+\.go:\d+\s+)?(.*)$/i;
const CONSOLE_FIELDS = /\s(\{"[^{}]*\})\s*$/;

/** One record of Flagger's zap logger, in either of its encodings. */
function pushZapRecord(state: ParseState, format: 'json' | 'console', line: number, message: string, time: string | undefined,
  level: EntryLevel | undefined, ref: { name: string; namespace?: string } | undefined): void {
  state.section = 'none';
  state.push({
    format,
    line,
    count: 1,
    message,
    ...(time ? { time } : {}),
    ...(level ? { level } : {}),
    ...(ref ? { canary: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } : {}),
  });
}

/** A zap JSON record, possibly after a `kubectl logs --timestamps` or `--prefix` prefix. */
export function readZapJson(state: ParseState, line: string, lineNumber: number): boolean {
  const brace = line.indexOf('{');
  if (brace < 0 || !/"(?:msg|message)"\s*:/.test(line)) return false;
  const prefix = line.slice(0, brace);
  const record = parseRecord(line.slice(brace));
  if (!record || typeof record.msg !== 'string') return false;
  const message = cleanMessage(record.msg);
  if (message === '') return false;
  const prefixTime = KUBECTL_TIMESTAMP.exec(prefix.trim() + ' ')?.[1];
  const time = normaliseTime(record.ts) ?? normaliseTime(prefixTime);
  const level = typeof record.level === 'string' ? ZAP_LEVELS[record.level.toLowerCase()] : undefined;
  const ref = typeof record.canary === 'string' && record.canary !== '' ? splitCanaryRef(record.canary) : undefined;
  pushZapRecord(state, 'json', lineNumber, message, time, level, ref);
  return true;
}

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

interface LogRecord {
  readonly msg?: unknown;
  readonly ts?: unknown;
  readonly level?: unknown;
  readonly canary?: unknown;
}

/**
 * Parses a JSON log record. Falls back to reading the known fields one by one,
 * so records abridged by hand (`{...,"msg":"...","canary":"podinfo.test"}`, as in
 * tutorials) or cut off at the end still count.
 */
function parseRecord(text: string): LogRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      return { msg: record.msg ?? record.message, ts: record.ts ?? record.time ?? record.timestamp, level: record.level, canary: record.canary };
    }
    return undefined;
  } catch {
    const msg = stringField(text, 'msg') ?? stringField(text, 'message');
    if (msg === undefined) return undefined;
    return { msg, ts: stringField(text, 'ts') ?? numberField(text, 'ts'), level: stringField(text, 'level'), canary: stringField(text, 'canary') };
  }
}

function stringField(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (!match) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return match[1];
  }
}

function numberField(text: string, key: string): number | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(text);
  return match ? Number(match[1]) : undefined;
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
