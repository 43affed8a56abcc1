/** `kubectl get events` and `kubectl events` tables, with or without NAMESPACE, default or `-o wide` columns. */
import { eventEntry, eventFact } from './event';
import { ParseState } from './state';

const EVENTS_HEADER = /^\s*(?:NAMESPACE\s+)?LAST SEEN\s+.*\bTYPE\s+REASON\s+.*\bMESSAGE\b/;
const EVENTS_ROW = /^(?:(\S+)\s+)?(\S+(?:\s\(x\d+\sover\s\S+\))?)\s+(Normal|Warning)\s+(\S+)\s+([A-Za-z][\w.-]*\/\S+)\s+(.*)$/;

/** Where the columns of an events table start, from its header. */
export interface EventColumns {
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

/** `kubectl get events` / `kubectl events`, with or without NAMESPACE, default or `-o wide` columns. */
export function readEventsTable(state: ParseState, line: string, lineNumber: number): boolean {
  if (EVENTS_HEADER.test(line)) {
    state.columns = eventColumns(line);
    state.section = 'events-table';
    state.structure++;
    return true;
  }
  const row = (state.section === 'events-table' && state.columns && sliceEventRow(line, state.columns)) || regexEventRow(line);
  if (!row) return false;
  const object = /^([\w.-]+)\/(.+)$/.exec(row.object ?? '');
  const kind = object?.[1].toLowerCase();
  const isCanary = kind === 'canary' || kind === 'canaries' || kind === 'canary.flagger.app';
  state.push(eventEntry(lineNumber, 'events', row.type, row.age, row.message, {
    ...(isCanary ? { canary: object?.[2] } : {}),
    ...(row.namespace ? { namespace: row.namespace } : {}),
    ...(row.object ? { object: row.object } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  }));
  if (row.object && !isCanary && /^(pod|replicaset|deployment|daemonset|statefulset)s?\//i.test(row.object)) {
    state.fact(eventFact(row.type, row.object.toLowerCase().replace(/^(\w+?)s?\//, '$1/'), row.reason ?? '', row.message));
  }
  return true;
}

interface EventRow {
  readonly namespace?: string;
  readonly age: string;
  readonly type: string;
  readonly reason?: string;
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
  const reason = cell(columns.reason, next(columns.reason));
  return { type, age: merged, message, ...(namespace ? { namespace } : {}), ...(object ? { object } : {}), ...(reason ? { reason } : {}) };
}

function regexEventRow(line: string): EventRow | undefined {
  const match = EVENTS_ROW.exec(line.trim());
  if (!match) return undefined;
  const [, namespace, age, type, reason, object, message] = match;
  return { type, age, object, message, reason, ...(namespace ? { namespace } : {}) };
}
