/**
 * One canary's messages as runs: ordered in time (logs by time, events by age, merged events placed at
 * their first occurrence), split where a new revision starts, with the failed checks counted as Flagger
 * counts them and the way each run ended.
 */
import { isEvent, LogEntry, parseKubectlAge } from '../input/logs';
import { ExplainedMessage, Outcome, Run, TimelineItem } from './report';
import { isBlocking, reopensRun, roleOf } from './roles';

/** One canary's messages in the order they happened, and where a merged event is placed in time. */
export interface Story {
  readonly messages: ExplainedMessage[];
  /** The entry to show for a message when it is placed at its first occurrence rather than its last. */
  readonly placed: ReadonlyMap<ExplainedMessage, LogEntry>;
}

/**
 * Orders one canary's messages. Logs are read in input order (sorted by time
 * when every line has one); events by how long ago they were last seen. When a
 * canary has both, the logs tell the story and the events only add problems.
 */
export function storyOf(messages: readonly ExplainedMessage[]): Story {
  const logs = messages.filter((m) => !isEvent(m.entry));
  if (logs.length > 0) {
    return { messages: inTimeOrder(logs), placed: new Map() };
  }
  const events = [...messages];
  if (!events.every((m) => m.entry.ageMs !== undefined)) return { messages: events, placed: new Map() };
  const placed = placedEvents(events);
  const ageOf = (m: ExplainedMessage): number => (placed.get(m) ?? m.entry).ageMs!;
  // kubectl prints ages in whole minutes: events of the same age are ordered by where they fall in a run.
  return { messages: [...events].sort((a, b) => ageOf(b) - ageOf(a) || stepOrder(a) - stepOrder(b)), placed };
}

/**
 * Log lines sorted by time when every line has one (several files, or logs of several Flagger pods).
 * Times are normalised ISO 8601 in UTC, so they sort as text; a log already in order is left as it is.
 */
function inTimeOrder(logs: readonly ExplainedMessage[]): ExplainedMessage[] {
  let sorted = true;
  for (let i = 0; i < logs.length; i++) {
    const time = logs[i].entry.time;
    if (time === undefined) return [...logs];
    if (i > 0 && time < logs[i - 1].entry.time!) sorted = false;
  }
  return sorted ? [...logs] : [...logs].sort((a, b) => (a.entry.time! < b.entry.time! ? -1 : a.entry.time! > b.entry.time! ? 1 : 0));
}

/** Messages Flagger repeats on every tick while the condition lasts (halts, gates, readiness waits). */
function repeatsWithinRun(message: ExplainedMessage): boolean {
  return message.spec.countsAsFailedCheck === true || message.spec.role === 'wait' || isBlocking(message.spec);
}

/**
 * Kubernetes keeps one event per message and moves its last-seen time forward, so a halt repeated
 * five times sits at its last occurrence. Such events are placed at their first occurrence instead
 * (`x5 over 7m`: 7m ago), unless that is before the run they belong to started.
 */
function placedEvents(events: readonly ExplainedMessage[]): Map<ExplainedMessage, LogEntry> {
  const starts = events.filter((m) => m.spec.role === 'start').map((m) => m.entry);
  const placed = new Map<ExplainedMessage, LogEntry>();
  for (const message of events) {
    const entry = message.entry;
    if (!repeatsWithinRun(message) || entry.firstAge === undefined) continue;
    const firstMs = parseKubectlAge(entry.firstAge);
    if (firstMs === undefined || firstMs <= entry.ageMs!) continue;
    // Repeats that began before the run did also count earlier runs: where they fell in this run is unknown.
    const start = starts.filter((s) => s.ageMs! >= entry.ageMs!).sort((a, b) => a.ageMs! - b.ageMs!)[0];
    if (start && start.ageMs! < firstMs) continue;
    placed.set(message, { ...entry, age: entry.firstAge, ageMs: firstMs });
  }
  return placed;
}

/** Where a message falls in a run, for events whose ages cannot tell them apart. */
function stepOrder(message: ExplainedMessage): number {
  return message.spec.order ?? 4;
}

interface RunBuilder {
  number: number;
  afterEnd: boolean;
  ended: boolean;
  /** The event that started the run, for events. */
  start?: LogEntry;
  mergedRuns: number;
  items: TimelineItem[];
  failedChecks: number;
  lastWeight?: number;
  halts: TimelineItem[];
}

export function buildRuns(story: Story): Run[] {
  const runs: RunBuilder[] = [];
  let run: RunBuilder = { number: 0, afterEnd: false, ended: false, mergedRuns: 1, items: [], failedChecks: 0, halts: [] };
  const startRun = (afterEnd: boolean, start?: LogEntry): void => {
    if (run.items.length > 0) runs.push(run);
    run = { number: run.number + 1, afterEnd, ended: false, ...(start ? { start } : {}), mergedRuns: 1, items: [], failedChecks: 0, halts: [] };
  };
  for (const message of story.messages) {
    const { id, role } = message.spec;
    if (role === 'quiet') continue;
    const entry = message.entry;
    if (role === 'start') startRun(false, entry);
    else if (run.ended && reopensRun(message.spec)) startRun(true);
    if (role === 'end') run.ended = true;
    // Flagger records these once per run: an event counted more than once merges several runs.
    if (message.spec.oncePerRun && isEvent(entry)) run.mergedRuns = Math.max(run.mergedRuns, entry.count);
    const count = Math.max(1, entry.count);
    const first = story.placed.get(message) ?? entry;
    const previous = run.items[run.items.length - 1];
    const headline = message.headline;
    const sameAsPrevious = previous && previous.message.spec.id === id && previous.message.entry.message === entry.message;
    if (message.spec.countsAsFailedCheck) {
      const from = run.failedChecks + 1;
      run.failedChecks += count;
      const spansEarlierRuns = spansEarlierRun(entry, run.start);
      if (sameAsPrevious && previous.failedChecks) {
        const merged: TimelineItem = { ...previous, repeat: previous.repeat + count, last: entry, failedChecks: [previous.failedChecks[0], run.failedChecks], ...(spansEarlierRuns ? { spansEarlierRuns } : {}) };
        run.items[run.items.length - 1] = merged;
        run.halts[run.halts.length - 1] = merged;
      } else {
        const item: TimelineItem = { message, headline, repeat: count, first, last: entry, failedChecks: [from, run.failedChecks], ...(spansEarlierRuns ? { spansEarlierRuns } : {}) };
        run.items.push(item);
        run.halts.push(item);
      }
      continue;
    }
    if (id === 'weight-advanced') run.lastWeight = Number(message.context.fields.weight);
    if (id === 'threshold-reached') {
      capFailedChecks(run, Number(message.context.fields.failedChecks));
      run.items.push({ message, headline, repeat: count, first, last: entry, countedHalts: [...run.halts] });
      continue;
    }
    if (sameAsPrevious) {
      run.items[run.items.length - 1] = { ...previous, repeat: previous.repeat + count, last: entry };
    } else {
      run.items.push({ message, headline, repeat: count, first, last: entry });
    }
  }
  if (run.items.length > 0) runs.push(run);
  return runs.map((r) => ({
    number: r.number,
    ...(r.afterEnd ? { afterEnd: true } : {}),
    ...(r.mergedRuns > 1 ? { mergedRuns: r.mergedRuns } : {}),
    items: r.items,
    failedChecks: r.failedChecks,
    ...(r.lastWeight !== undefined ? { lastWeight: r.lastWeight } : {}),
    outcome: outcomeOf(r.items),
  }));
}

/** A merged event first seen before the run's own start event: its count includes earlier runs. */
function spansEarlierRun(entry: LogEntry, start: LogEntry | undefined): boolean {
  if (!isEvent(entry) || entry.count <= 1 || entry.firstAge === undefined || start?.ageMs === undefined) return false;
  const firstMs = parseKubectlAge(entry.firstAge);
  return firstMs !== undefined && firstMs > start.ageMs;
}

/**
 * "threshold reached N" says how many checks this run failed. Merged events can count more (their
 * repeats in earlier runs too): the halts are renumbered so that they end at N.
 */
function capFailedChecks(run: RunBuilder, reached: number): void {
  if (!(reached > 0) || run.failedChecks <= reached) return;
  let remaining = reached;
  for (let i = run.halts.length - 1; i >= 0; i--) {
    const halt = run.halts[i];
    const [from, to] = halt.failedChecks!;
    const counted = Math.min(to - from + 1, remaining);
    remaining -= counted;
    const capped: TimelineItem = counted > 0
      ? { ...halt, failedChecks: [remaining + 1, remaining + counted], spansEarlierRuns: true }
      : { ...halt, failedChecks: undefined, spansEarlierRuns: true };
    run.halts[i] = capped;
    run.items[run.items.indexOf(halt)] = capped;
  }
  run.failedChecks = reached;
}

/** A readiness wait this long, or repeated this often, is more than pods starting up after a scale-up. */
const STALL_REPEATS = 3;
const STALL_MS = 3 * 60_000;

/** Whether the readiness waits that end the run have lasted long enough to call the canary stalled. */
function waitedLong(items: readonly TimelineItem[]): boolean {
  let start = items.length;
  while (start > 0 && items[start - 1].message.spec.role === 'readiness') start--;
  const waits = items.slice(start);
  if (waits.length === 0) return false;
  const repeats = waits.reduce((sum, item) => sum + item.repeat, 0);
  return repeats >= STALL_REPEATS || (elapsedMs(waits[0].first, waits[waits.length - 1].last) ?? 0) >= STALL_MS;
}

/** Time between two entries: by their times, or by their ages for events. */
function elapsedMs(from: LogEntry, to: LogEntry): number | undefined {
  if (from.time && to.time) return Date.parse(to.time) - Date.parse(from.time);
  if (from.ageMs !== undefined && to.ageMs !== undefined) return from.ageMs - to.ageMs;
  return undefined;
}

/** How a run ended by its `end` messages (a failed promotion over a rollback over a promotion), else where it stopped. */
function outcomeOf(items: readonly TimelineItem[]): Outcome {
  const ends = new Set(items.map((item) => item.message.spec.outcome).filter((end) => end !== undefined));
  for (const end of ['promotion-failed', 'rolled-back', 'promoted'] as const) if (ends.has(end)) return end;
  const last = [...items].reverse().find((item) => !item.message.spec.fromLoadtester);
  if (!last) return 'unknown';
  switch (roleOf(last.message.spec)) {
    case 'wait': return 'waiting';
    case 'readiness': return waitedLong(items) ? 'stalled' : 'progressing';
    case 'block': return 'stalled';
    case 'init': return 'initialized';
    default: return 'progressing';
  }
}
