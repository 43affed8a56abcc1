/**
 * What the log readers produce: entries with where they came from, and the helpers every reader uses
 * to read a message, a time, an age and a canary reference the same way.
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
  /** Lines of the input it was read from, when more than one (a JSON record the paste wrapped). */
  readonly span?: number;
  /**
   * The stretch of the input it came from: lines read the same way in a row, between headers, prompts
   * and other structure. Messages pasted without their canary (jq .msg output, event rows without
   * kubectl describe's header) belong to the canary their neighbours in the block name.
   */
  readonly block?: number;
  /** For events of other objects than a canary: the object (`pod/podinfo-7b9c6d8f5-x2kqp`) and the reason. */
  readonly object?: string;
  readonly reason?: string;
}

/**
 * What the input shows about the workloads beside Flagger's messages: a pod's status in `kubectl get pods`,
 * or an event of a pod, ReplicaSet or Deployment (`Failed to pull image`, `Back-off restarting failed container`).
 */
export interface WorkloadFact {
  /** `kind/name`, kind in lower case as kubectl prints it (`pod/podinfo-7b9c6d8f5-x2kqp`). */
  readonly object: string;
  /** What it says, in a few words (`CrashLoopBackOff, READY 1/2, 97 restarts`, or the event's reason and message). */
  readonly text: string;
  /** Whether it shows something wrong (a pod not running or not ready, a Warning event). */
  readonly warning: boolean;
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

/** What reading one input gives besides its entries: how many lines it had, and what became of them. */
export interface LogSummary {
  /** Number of lines read. */
  readonly lines: number;
  readonly skipped: SkippedCounts;
  readonly describedCanaries: DescribedCanary[];
}

/** One input, read whole: its entries, what it shows about workloads, and its summary. */
export interface ParsedLog extends LogSummary {
  readonly entries: LogEntry[];
  readonly facts: WorkloadFact[];
}

/** An entry of a Kubernetes event (kubectl describe or get events), as opposed to a log line. */
export function isEvent(entry: LogEntry): boolean {
  return entry.format === 'describe' || entry.format === 'events';
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
export function cleanMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '').trim();
}
