/**
 * What Flagger's zap logger writes in both its encodings (zap-json.ts, zap-console.ts): its levels, the
 * `kubectl logs --timestamps` prefix, a record's fields, and the entry a record becomes.
 */
import { EntryLevel, LogEntry } from './entry';
import { ParseState } from './state';

export const ZAP_LEVELS: Record<string, EntryLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  dpanic: 'fatal',
  panic: 'fatal',
  fatal: 'fatal',
};

export const KUBECTL_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+/;
/** One record of Flagger's zap logger, in either of its encodings. */
export function pushZapRecord(state: ParseState, format: 'json' | 'console', line: number, message: string, time: string | undefined,
  level: EntryLevel | undefined, ref: { name: string; namespace?: string } | undefined): void {
  state.section = 'none';
  const entry: { -readonly [K in keyof LogEntry]?: LogEntry[K] } = { format, line, count: 1, message };
  if (time) entry.time = time;
  if (level) entry.level = level;
  if (ref) {
    entry.canary = ref.name;
    if (ref.namespace) entry.namespace = ref.namespace;
  }
  state.push(entry as LogEntry);
}

export interface LogRecord {
  readonly msg?: unknown;
  readonly ts?: unknown;
  readonly level?: unknown;
  readonly canary?: unknown;
  /** client-go's structured errors carry the error apart from a fixed msg ("Unhandled Error"). */
  readonly error?: unknown;
}

/** Fixed messages of client-go and controller-runtime whose `error` field says what happened. */
const ERROR_WRAPPERS = new Set(['Unhandled Error', 'Reconciler error', 'Observed a panic']);

/** The message a record stands for: its msg, or the error a fixed wrapper message carries. */
export function recordMessage(record: LogRecord): string | undefined {
  if (typeof record.msg !== 'string') return undefined;
  return ERROR_WRAPPERS.has(record.msg.trim()) && typeof record.error === 'string' && record.error.trim() !== '' ? record.error : record.msg;
}

/**
 * Parses a JSON log record. Falls back to reading the known fields one by one,
 * so records abridged by hand (`{...,"msg":"...","canary":"podinfo.test"}`, as in
 * tutorials) or cut off at the end still count.
 */
export function parseRecord(text: string): LogRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      return { msg: record.msg ?? record.message, ts: record.ts ?? record.time ?? record.timestamp, level: record.level, canary: record.canary, error: record.error ?? record.err };
    }
    return undefined;
  } catch {
    const msg = stringField(text, 'msg') ?? stringField(text, 'message');
    if (msg === undefined) return undefined;
    return { msg, ts: stringField(text, 'ts') ?? numberField(text, 'ts'), level: stringField(text, 'level'), canary: stringField(text, 'canary'), error: stringField(text, 'error') };
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
