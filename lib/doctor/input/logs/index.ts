/**
 * Turns what a user pastes or pipes in into log entries: Flagger's JSON-lines
 * logs (zap JSON), the same logs in zap's console encoding, bare messages,
 * the Events section of `kubectl describe canary`, and `kubectl get events`
 * (or `kubectl events`) tables. Anything else is skipped and counted.
 *
 * Pure and total: any string in, never an exception out.
 */

/** Where an entry's text came from. */
export type EntryFormat = 'json' | 'console' | 'klog' | 'text' | 'describe' | 'events';

/** Normalised severity: zap levels and Kubernetes event types mapped onto one scale. */
export type EntryLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** One message read from the input. */
export interface LogEntry {
  readonly format: EntryFormat;
  /** The file it came from, when the input was a named file. */
  readonly file?: string;
  /** 1-based line in that input. */
  readonly line: number;
  /** ISO 8601 time, when the input had an absolute time. */
  readonly time?: string;
  /** kubectl's relative age as printed (`3m`, `2m (x3 over 7m)`), for events. */
  readonly age?: string;
  /** Milliseconds since the entry was last seen, parsed from `age`; orders `kubectl get events` rows. */
  readonly ageMs?: number;
  /** When Kubernetes merged repeats into this event: how long ago the first one was (`7m` of `x3 over 7m`). */
  readonly firstAge?: string;
  /** How many times Kubernetes saw this event (`x3`); 1 for log lines and combined events. */
  readonly count: number;
  /**
   * Set when Kubernetes' event aggregator folded this event together with events of other messages
   * (more than 10 similar events of one object in 10 minutes): the `(combined from similar events): `
   * prefix is removed from `message`, and the aggregate's `xN over M` counts all those messages, not this one.
   */
  readonly combined?: { readonly events: number; readonly firstAge?: string };
  readonly level?: EntryLevel;
  /** The canary's name, when the input says which canary it is about. */
  readonly canary?: string;
  /** The canary's namespace, when known. */
  readonly namespace?: string;
  /** The message text, trimmed. */
  readonly message: string;
}

/** A canary whose `kubectl describe` output was in the input, with the status fields it printed. */
export interface DescribedCanary {
  readonly name: string;
  readonly namespace?: string;
  readonly phase?: string;
  readonly failedChecks?: number;
  readonly canaryWeight?: number;
}

/** Why lines produced no entry. */
export interface SkippedCounts {
  /** Blank lines. */
  readonly empty: number;
  /** Lines that looked like JSON log records but were not. */
  readonly malformed: number;
  /** Table headers, separators and `kubectl describe` fields: read, but not messages. */
  readonly structure: number;
}

export interface ParsedLog {
  readonly entries: LogEntry[];
  /** Number of lines read. */
  readonly lines: number;
  readonly skipped: SkippedCounts;
  readonly describedCanaries: DescribedCanary[];
}

/** Longest line looked at; beyond this a line is truncated so no pattern runs on megabytes. */
const MAX_LINE = 64 * 1024;

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

const EVENT_LEVELS: Record<string, EntryLevel> = { Normal: 'info', Warning: 'warning' };

/** client-go's event aggregator (tools/record/events_cache.go) prefixes the latest message with this. */
const COMBINED_PREFIX = /^\(combined from similar events\):\s*/;
/** Older Kubernetes releases replaced the message altogether. */
const COMBINED_WITHOUT_MESSAGE = '(events with common reason combined)';

const KUBECTL_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+/;
const CONSOLE_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(debug|info|warn|warning|error|dpanic|panic|fatal)\s+(?:[\w./-]+\.go:\d+\s+)?(.*)$/i;
const CONSOLE_FIELDS = /\s(\{"[^{}]*\})\s*$/;
const DESCRIBE_EVENTS_HEADER = /^\s+Type\s+Reason\s+Age\s+From\s+Message\s*$/;
const DESCRIBE_SEPARATOR = /^\s+-{4}\s+-{6}\s+-{3,4}\s+-{4}\s+-{7}\s*$/;
const DESCRIBE_EVENT_ROW = /^\s+(Normal|Warning)\s+(\S+)\s+(\S+(?:\s\(x\d+\sover\s\S+\))?)\s+(\S+)\s+(.*)$/;
const EVENTS_HEADER = /^\s*(?:NAMESPACE\s+)?LAST SEEN\s+.*\bTYPE\s+REASON\s+.*\bMESSAGE\b/;
const EVENTS_ROW = /^(?:(\S+)\s+)?(\S+(?:\s\(x\d+\sover\s\S+\))?)\s+(Normal|Warning)\s+(\S+)\s+([A-Za-z][\w.-]*\/\S+)\s+(.*)$/;
/** A `kubectl describe` field: Title Case words and a colon (`Name:`, `API Version:`, `Failed Checks:`). */
const DESCRIBE_FIELD = /^([A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)*):(?:\s+(.*))?$/;
const DESCRIBE_NESTED_FIELD = /^ {2,}[A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)*:(?:\s|$)/;
const DESCRIBE_STATUS_FIELD = /^ {2}(Phase|Failed Checks|Canary Weight):\s+(\S+)\s*$/;

/**
 * Decodes an input file: UTF-8, or UTF-16 when it starts with a byte order mark (PowerShell's `>`
 * writes UTF-16LE). A UTF-8 byte order mark is dropped.
 */
export function decodeLogBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2, 2 + ((buffer.length - 2) & ~1)));
    return swapped.swap16().toString('utf16le');
  }
  return stripBom(buffer.toString('utf8'));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * UTF-16 text that was read as UTF-8 (a pipe from PowerShell): the byte order mark became two
 * replacement characters and every ASCII character is followed (LE) or preceded (BE) by a NUL.
 * The ASCII survives; the rest was lost in the decoding.
 */
function repairUtf16ReadAsUtf8(text: string): string {
  if (!text.startsWith('\ufffd\ufffd') || !(text[2] === '\u0000' || text[3] === '\u0000')) return text;
  return text.slice(2).replace(/\u0000/g, '');
}

/** Parses one input. `file` is only recorded on the entries. */
export function parseLogInput(text: string, file?: string): ParsedLog {
  const state = new ParserState(file);
  if (text === '' || typeof text !== 'string') return state.result(0);
  const lines = stripBom(repairUtf16ReadAsUtf8(text)).split(/\r\n|\n|\r/);
  // A trailing newline does not make an extra empty line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, index) => state.read(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw, index + 1));
  return state.result(lines.length);
}

/** Splits `name.namespace` (Flagger's way of naming a canary) at the last dot: namespaces cannot contain dots. */
export function splitCanaryRef(ref: string): { name: string; namespace?: string } {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0 || dot === ref.length - 1) return { name: ref };
  return { name: ref.slice(0, dot), namespace: ref.slice(dot + 1) };
}

/**
 * Parses kubectl's human durations (`45s`, `2m30s`, `5h`, `3d4h`, `2y10d`) into
 * milliseconds. Returns undefined for `<unknown>` and anything else.
 */
export function parseKubectlAge(text: string): number | undefined {
  const match = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, y, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return ((((y * 365 + d) * 24 + h) * 60 + m) * 60 + s) * 1000;
}

type Section = 'none' | 'describe-events' | 'events-table';

interface EventColumns {
  readonly namespace?: number;
  readonly lastSeen: number;
  readonly type: number;
  readonly reason: number;
  readonly object?: number;
  readonly message: number;
  /** `-o wide` only. */
  readonly firstSeen?: number;
  readonly count?: number;
  /** Start of the column after MESSAGE, when MESSAGE is not last (`-o wide`). */
  readonly messageEnd?: number;
  /** Where every header column starts. */
  readonly starts: readonly number[];
}

class ParserState {
  private readonly entries: LogEntry[] = [];
  private readonly described: Array<{ name: string; namespace?: string; phase?: string; failedChecks?: number; canaryWeight?: number }> = [];
  private empty = 0;
  private malformed = 0;
  private structure = 0;
  private section: Section = 'none';
  private columns?: EventColumns;
  private inStatus = false;

  constructor(private readonly file: string | undefined) {}

  read(line: string, lineNumber: number): void {
    if (line.trim() === '') {
      this.empty++;
      return;
    }
    if (this.readJson(line, lineNumber)) return;
    if (this.readDescribe(line, lineNumber)) return;
    if (this.readEventsTable(line, lineNumber)) return;
    if (this.readKlog(line, lineNumber)) return;
    if (this.readConsole(line, lineNumber)) return;
    if (looksLikeJson(line)) {
      this.malformed++;
      return;
    }
    const message = cleanMessage(line);
    if (message === '') {
      this.malformed++;
      return;
    }
    this.push({ format: 'text', line: lineNumber, count: 1, message });
  }

  result(lines: number): ParsedLog {
    return {
      entries: this.entries,
      lines,
      skipped: { empty: this.empty, malformed: this.malformed, structure: this.structure },
      describedCanaries: this.described.map((canary) => ({ ...canary })),
    };
  }

  private push(entry: Omit<LogEntry, 'file'>): void {
    this.entries.push(this.file === undefined ? entry : { ...entry, file: this.file });
  }

  /** One record of Flagger's zap logger, in either of its encodings. */
  private pushZapRecord(format: 'json' | 'console', line: number, message: string, time: string | undefined,
    level: EntryLevel | undefined, ref: { name: string; namespace?: string } | undefined): void {
    this.section = 'none';
    this.push({
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
  private readJson(line: string, lineNumber: number): boolean {
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
    this.pushZapRecord('json', lineNumber, message, time, level, ref);
    return true;
  }

  /** `kubectl describe canary`: object name and namespace, status fields, and the Events table. */
  private readDescribe(line: string, lineNumber: number): boolean {
    if (DESCRIBE_EVENTS_HEADER.test(line) || (this.section === 'describe-events' && DESCRIBE_SEPARATOR.test(line))) {
      this.section = 'describe-events';
      this.structure++;
      return true;
    }
    if (this.section === 'describe-events') {
      const row = DESCRIBE_EVENT_ROW.exec(line);
      if (row) {
        const [, type, , age, , text] = row;
        const current = this.described[this.described.length - 1];
        this.pushEvent(lineNumber, 'describe', type, age, text, current?.name, current?.namespace);
        return true;
      }
      if (/^\s/.test(line)) return false;
      this.section = 'none';
    }
    const field = DESCRIBE_FIELD.exec(line);
    if (field) {
      const [, key, value = ''] = field;
      if (key === 'Name') this.described.push({ name: value.trim() });
      else if (key === 'Namespace' && this.described.length > 0) this.described[this.described.length - 1].namespace = value.trim();
      else if (key === 'Events' && value.trim() === '<none>') this.section = 'none';
      this.inStatus = key === 'Status';
      this.structure++;
      return true;
    }
    if (this.inStatus && this.described.length > 0) {
      const status = DESCRIBE_STATUS_FIELD.exec(line);
      if (status) {
        const current = this.described[this.described.length - 1];
        const [, key, value] = status;
        if (key === 'Phase') current.phase = value;
        else if (key === 'Failed Checks' && /^\d+$/.test(value)) current.failedChecks = Number(value);
        else if (key === 'Canary Weight' && /^\d+$/.test(value)) current.canaryWeight = Number(value);
        this.structure++;
        return true;
      }
    }
    if (this.described.length > 0 && DESCRIBE_NESTED_FIELD.test(line)) {
      // An indented field of the described object (Spec, Status, Metadata...).
      this.structure++;
      return true;
    }
    return false;
  }

  /** `kubectl get events` / `kubectl events`, with or without NAMESPACE, default or `-o wide` columns. */
  private readEventsTable(line: string, lineNumber: number): boolean {
    if (EVENTS_HEADER.test(line)) {
      this.columns = eventColumns(line);
      this.section = 'events-table';
      this.structure++;
      return true;
    }
    const row = (this.section === 'events-table' && this.columns && sliceEventRow(line, this.columns)) || regexEventRow(line);
    if (!row) return false;
    const object = /^([\w.-]+)\/(.+)$/.exec(row.object ?? '');
    const kind = object?.[1].toLowerCase();
    const isCanary = kind === 'canary' || kind === 'canaries' || kind === 'canary.flagger.app';
    this.pushEvent(lineNumber, 'events', row.type, row.age, row.message, isCanary ? object?.[2] : undefined, row.namespace);
    return true;
  }

  private pushEvent(lineNumber: number, format: EntryFormat, type: string, age: string, text: string, canary?: string, namespace?: string): void {
    const cleaned = cleanMessage(text);
    const isCombined = COMBINED_PREFIX.test(cleaned) || cleaned === COMBINED_WITHOUT_MESSAGE;
    const message = cleaned.replace(COMBINED_PREFIX, '');
    const ageParts = /^(\S+)(?:\s\(x(\d+)\sover\s(\S+)\))?$/.exec(age.trim());
    const ageMs = ageParts ? parseKubectlAge(ageParts[1]) : undefined;
    const count = ageParts?.[2] ? Math.max(1, Number(ageParts[2])) : 1;
    const firstAge = ageParts?.[3];
    const inferredNamespace = namespace ?? (canary ? namespaceFromMessage(canary, message) : undefined);
    this.push({
      format,
      line: lineNumber,
      count: isCombined ? 1 : count,
      message,
      age: age.trim(),
      ...(ageMs !== undefined ? { ageMs } : {}),
      ...(isCombined ? { combined: { events: count, ...(firstAge ? { firstAge } : {}) } } : firstAge ? { firstAge } : {}),
      level: EVENT_LEVELS[type] ?? 'info',
      ...(canary ? { canary } : {}),
      ...(inferredNamespace ? { namespace: inferredNamespace } : {}),
    });
  }

  /**
   * klog, which client-go writes to the same log: controller errors such as
   * `E0501 10:00:00.123456  1 controller.go:246] "Unhandled Error" err="error syncing 'test/podinfo': ..."`.
   * The error is the message; klog's date has no year, so the entry has no time.
   */
  private readKlog(line: string, lineNumber: number): boolean {
    const match = KLOG_LINE.exec(line.replace(/^\[[^\]]*\]\s+/, ''));
    if (!match) return false;
    const [, severity, rest] = match;
    const fields = klogFields(rest);
    const message = cleanMessage(fields ? fields.err ?? fields.msg : rest);
    if (message === '') return false;
    this.section = 'none';
    this.push({ format: 'klog', line: lineNumber, count: 1, message, level: KLOG_LEVELS[severity] });
    return true;
  }

  /** zap console encoding: `TIME<TAB>LEVEL<TAB>CALLER<TAB>MESSAGE<TAB>{"canary": "..."}`. */
  private readConsole(line: string, lineNumber: number): boolean {
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
    this.pushZapRecord('console', lineNumber, message, time, level, ref);
    return true;
  }
}

/** klog's header: severity, MMDD, time, thread id, file:line, `]`. */
const KLOG_LINE = /^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w./-]+:\d+\] (.*)$/;
const KLOG_LEVELS: Record<string, EntryLevel> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

/** A structured klog message: `"msg" key="quoted value" key=value ...`; undefined for plain text. */
function klogFields(text: string): { msg: string; err?: string } | undefined {
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (!quoted) return undefined;
  const err = /(?:^|\s)err="((?:[^"\\]|\\.)*)"/.exec(text.slice(quoted[0].length));
  return { msg: unquoteGo(quoted[1]), ...(err ? { err: unquoteGo(err[1]) } : {}) };
}

/** The inside of a Go-quoted string (strconv.Quote), as JSON reads it; `\x..` escapes too. */
function unquoteGo(inner: string): string {
  try {
    return JSON.parse(`"${inner.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string;
  } catch {
    return inner;
  }
}

interface EventRow {
  readonly namespace?: string;
  readonly age: string;
  readonly type: string;
  readonly object?: string;
  readonly message: string;
}

function eventColumns(header: string): EventColumns {
  const find = (name: string): number | undefined => {
    const index = header.search(new RegExp(`(^|\\s)${name}(\\s|$)`));
    if (index < 0) return undefined;
    return index === 0 && header.startsWith(name) ? 0 : index + 1;
  };
  const message = find('MESSAGE') ?? 0;
  const starts = ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']
    .map(find)
    .filter((index): index is number => index !== undefined)
    .sort((a, b) => a - b);
  const messageEnd = starts.find((index) => index > message);
  return {
    namespace: find('NAMESPACE'),
    lastSeen: find('LAST SEEN') ?? 0,
    type: find('TYPE') ?? 0,
    reason: find('REASON') ?? 0,
    object: find('OBJECT'),
    message,
    firstSeen: find('FIRST SEEN'),
    count: find('COUNT'),
    ...(messageEnd !== undefined ? { messageEnd } : {}),
    starts,
  };
}

/** Reads a row by the header's column positions (kubectl aligns columns with a tabwriter). */
function sliceEventRow(line: string, columns: EventColumns): EventRow | undefined {
  const cell = (start: number | undefined, end?: number): string | undefined =>
    start === undefined ? undefined : line.slice(start, end).trim();
  const next = (start: number): number | undefined => columns.starts.find((index) => index > start);
  const type = cell(columns.type, next(columns.type));
  if (type !== 'Normal' && type !== 'Warning') return undefined;
  // Every cell must start exactly at its column: a misaligned paste falls back to the regex.
  if (line.length <= columns.message || /\S/.test(line[columns.message - 1] ?? '')) return undefined;
  if (/\S/.test(line[columns.type - 1] ?? '')) return undefined;
  const message = cell(columns.message, columns.messageEnd);
  const age = cell(columns.lastSeen, next(columns.lastSeen));
  if (!message || !age) return undefined;
  const namespace = cell(columns.namespace, columns.namespace === undefined ? undefined : next(columns.namespace));
  const object = cell(columns.object, columns.object === undefined ? undefined : next(columns.object));
  // -o wide prints the count and first time in columns of their own: written the way describe prints them.
  const count = cell(columns.count, columns.count === undefined ? undefined : next(columns.count));
  const firstSeen = cell(columns.firstSeen, columns.firstSeen === undefined ? undefined : next(columns.firstSeen));
  const merged = count && /^\d+$/.test(count) && Number(count) > 1 && firstSeen && !/\s/.test(firstSeen) ? `${age} (x${count} over ${firstSeen})` : age;
  return { type, age: merged, message, ...(namespace ? { namespace } : {}), ...(object ? { object } : {}) };
}

function regexEventRow(line: string): EventRow | undefined {
  const match = EVENTS_ROW.exec(line.trim());
  if (!match) return undefined;
  const [, namespace, age, type, , object, message] = match;
  return { type, age, object, message, ...(namespace ? { namespace } : {}) };
}

/** Finds `<canary>.<namespace>` in a message, as Flagger writes canary and workload references. */
function namespaceFromMessage(canary: string, message: string): string | undefined {
  const escaped = canary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'])${escaped}\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?=$|[\\s:"',])`).exec(message)?.[1];
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

function looksLikeJson(line: string): boolean {
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

const ZAP_UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Accepts zap's ISO 8601 (`2026-11-26T10:00:00.000Z`, `...+0100`), RFC 3339 with
 * nanoseconds (kubectl --timestamps) and epoch seconds (zap's production default).
 */
export function normaliseTime(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    ms = value > 1e12 ? value : value * 1000;
  } else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    // zap's own ISO 8601 in UTC is already the normal form.
    if (ZAP_UTC_TIME.test(text)) return Number.isNaN(Date.parse(text)) ? undefined : text;
    if (/^\d+(\.\d+)?$/.test(text)) return normaliseTime(Number(text));
    const iso = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(text);
    if (!iso) return undefined;
    const [, date, clock, fraction = '', zone = 'Z'] = iso;
    const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '';
    const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    ms = Date.parse(`${date}T${clock}${millis}${offset}`);
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Trims, and drops control characters other than newlines and tabs, so terminals stay sane. */
function cleanMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '').trim();
}
