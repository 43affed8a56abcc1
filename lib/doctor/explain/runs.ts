/**
 * One canary's messages as runs, built as they come: ordered in time (logs by time, events by age,
 * merged events placed at their first occurrence), split where a new revision starts, with the failed
 * checks counted as Flagger counts them and the way each run ended.
 *
 * A log of any length streams through: messages wait in a window only to be put in order, and each
 * run keeps the start and the end of its timeline and the last of each kind of message. The limits
 * (report.ts) say how much; explain() over inputs held in memory keeps everything.
 */
import { isEvent, LogEntry, parseKubectlAge } from '../input/logs';
import { ExplainedMessage, Outcome, Run, RunEnd, TimelineItem } from './report';
import { isBlocking, reopensRun, roleOf } from './roles';

/** What a run builder may keep; Infinity keeps everything. */
export interface RunLimits {
  /** Runs kept before the last one. */
  readonly earlierRuns: number;
  /** Timeline items kept at each end of a run. */
  readonly timelineEnds: number;
  /** Halts kept per run (for their numbers). */
  readonly halts: number;
}

/** A message as the story holds it: its place in input order, and where the story put it. */
export interface StoryMessage extends ExplainedMessage {
  /** Order of arrival over all inputs. */
  readonly seq: number;
  /** Its place in the story once ordered; set when it is folded into a run. */
  storyPos?: number;
}

/** The timeline of a run: all of it, or its first and last `ends` items and how many fell in between. */
class Timeline {
  readonly head: TimelineItem[] = [];
  readonly tail: TimelineItem[] = [];
  omitted = 0;

  constructor(private readonly ends: number) {}

  get length(): number {
    return this.head.length + this.tail.length;
  }

  get last(): TimelineItem | undefined {
    return this.tail.length > 0 ? this.tail[this.tail.length - 1] : this.head[this.head.length - 1];
  }

  push(item: TimelineItem): void {
    if (this.head.length < this.ends) {
      this.head.push(item);
      return;
    }
    this.tail.push(item);
    if (this.tail.length > this.ends) {
      this.tail.shift();
      this.omitted++;
    }
  }

  replaceLast(item: TimelineItem): void {
    if (this.tail.length > 0) this.tail[this.tail.length - 1] = item;
    else this.head[this.head.length - 1] = item;
  }

  replace(old: TimelineItem, item: TimelineItem): void {
    for (const list of [this.head, this.tail]) {
      const index = list.indexOf(old);
      if (index >= 0) list[index] = item;
    }
  }

  items(): TimelineItem[] {
    return [...this.head, ...this.tail];
  }
}

interface RunBuilder {
  number: number;
  afterEnd: boolean;
  ended: boolean;
  /** The event that started the run, for events. */
  start?: LogEntry;
  mergedRuns: number;
  timeline: Timeline;
  failedChecks: number;
  lastWeight?: number;
  halts: TimelineItem[];
  /** The last item of each message family. */
  latest: Map<string, TimelineItem>;
  lastWait?: TimelineItem;
  lastBlocking?: TimelineItem;
  /** The last item Flagger wrote (not the loadtester). */
  lastFlagger?: TimelineItem;
  ends: Set<RunEnd>;
  /** Problem keys of the checks counted in this run. */
  counted: Set<string>;
}

/** Folds one canary's messages, in story order, into runs. */
export class RunFolder {
  private readonly done: Run[] = [];
  private omittedRuns = 0;
  private run: RunBuilder;

  constructor(private readonly limits: RunLimits) {
    this.run = this.newRun(0, false);
  }

  private newRun(number: number, afterEnd: boolean, start?: LogEntry): RunBuilder {
    return {
      number, afterEnd, ended: false, ...(start ? { start } : {}), mergedRuns: 1, timeline: new Timeline(this.limits.timelineEnds),
      failedChecks: 0, halts: [], latest: new Map(), ends: new Set(), counted: new Set(),
    };
  }

  private startRun(afterEnd: boolean, start?: LogEntry): void {
    if (this.run.timeline.length > 0) {
      this.done.push(toRun(this.run));
      if (this.done.length > this.limits.earlierRuns) {
        this.done.shift();
        this.omittedRuns++;
      }
    }
    this.run = this.newRun(this.run.number + 1, afterEnd, start);
  }

  /** Adds the next message of the story; `first` is where a merged event is placed (its entry otherwise). */
  add(message: ExplainedMessage, first: LogEntry): void {
    const { spec } = message;
    const { id, role } = spec;
    if (role === 'quiet') return;
    const entry = message.entry;
    if (role === 'start') this.startRun(false, entry);
    else if (this.run.ended && reopensRun(spec)) this.startRun(true);
    const run = this.run;
    if (role === 'end') run.ended = true;
    // Flagger records these once per run: an event counted more than once merges several runs.
    if (spec.oncePerRun && isEvent(entry)) run.mergedRuns = Math.max(run.mergedRuns, entry.count);
    const count = Math.max(1, entry.count);
    const previous = run.timeline.last;
    const headline = message.headline;
    const sameAsPrevious = previous !== undefined && previous.message.spec.id === id && previous.message.entry.message === entry.message;
    if (spec.countsAsFailedCheck) {
      const from = run.failedChecks + 1;
      run.failedChecks += count;
      run.counted.add(message.problemKey);
      const spansEarlierRuns = spansEarlierRun(entry, run.start);
      if (sameAsPrevious && previous.failedChecks) {
        const merged: TimelineItem = { ...previous, repeat: previous.repeat + count, last: entry, failedChecks: [previous.failedChecks[0], run.failedChecks], ...(spansEarlierRuns ? { spansEarlierRuns } : {}) };
        run.timeline.replaceLast(merged);
        run.halts[run.halts.length - 1] = merged;
        record(run, merged);
      } else {
        const item: TimelineItem = { message, headline, repeat: count, first, last: entry, failedChecks: [from, run.failedChecks], ...(spansEarlierRuns ? { spansEarlierRuns } : {}) };
        run.timeline.push(item);
        run.halts.push(item);
        if (run.halts.length > this.limits.halts) run.halts.shift();
        record(run, item);
      }
      return;
    }
    if (id === 'weight-advanced') run.lastWeight = Number(message.context.fields.weight);
    if (id === 'threshold-reached') {
      capFailedChecks(run, Number(message.context.fields.failedChecks));
      const item: TimelineItem = { message, headline, repeat: count, first, last: entry, countedHalts: [...run.halts] };
      run.timeline.push(item);
      record(run, item);
      return;
    }
    if (sameAsPrevious) {
      const merged: TimelineItem = { ...previous, repeat: previous.repeat + count, last: entry };
      run.timeline.replaceLast(merged);
      record(run, merged);
    } else {
      const item: TimelineItem = { message, headline, repeat: count, first, last: entry };
      run.timeline.push(item);
      record(run, item);
    }
  }

  /** Problem keys of the checks counted in the last run. */
  countedInLastRun(): ReadonlySet<string> {
    return this.run.timeline.length > 0 ? this.run.counted : new Set();
  }

  /** The runs, the last one included, and how many earlier runs were not kept. */
  finish(): { runs: Run[]; omittedRuns: number } {
    const runs = this.run.timeline.length > 0 ? [...this.done, toRun(this.run)] : [...this.done];
    return { runs, omittedRuns: this.omittedRuns };
  }
}

/** Keeps what the verdict asks of a run about this item. */
function record(run: RunBuilder, item: TimelineItem): void {
  const { spec } = item.message;
  run.latest.set(spec.id, item);
  if (spec.role === 'wait') run.lastWait = item;
  if (isBlocking(spec)) run.lastBlocking = item;
  if (!spec.fromLoadtester) run.lastFlagger = item;
  if (spec.outcome) run.ends.add(spec.outcome);
}

function toRun(r: RunBuilder): Run {
  const items = r.timeline.items();
  return {
    number: r.number,
    ...(r.afterEnd ? { afterEnd: true } : {}),
    ...(r.mergedRuns > 1 ? { mergedRuns: r.mergedRuns } : {}),
    items,
    ...(r.timeline.omitted > 0 ? { omitted: r.timeline.omitted } : {}),
    halts: r.halts.filter((item) => item.failedChecks),
    latest: r.latest,
    ...(r.lastWait ? { lastWait: r.lastWait } : {}),
    ...(r.lastBlocking ? { lastBlocking: r.lastBlocking } : {}),
    failedChecks: r.failedChecks,
    ...(r.lastWeight !== undefined ? { lastWeight: r.lastWeight } : {}),
    outcome: outcomeOf(r, items),
  };
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
    const [from, to] = halt.failedChecks ?? [1, 0];
    const counted = Math.min(to - from + 1, remaining);
    remaining -= counted;
    const capped: TimelineItem = counted > 0
      ? { ...halt, failedChecks: [remaining + 1, remaining + counted], spansEarlierRuns: true }
      : { ...halt, failedChecks: undefined, spansEarlierRuns: true };
    run.halts[i] = capped;
    run.timeline.replace(halt, capped);
    for (const [id, item] of run.latest) if (item === halt) run.latest.set(id, capped);
    if (run.lastBlocking === halt) run.lastBlocking = capped;
    if (run.lastWait === halt) run.lastWait = capped;
    if (run.lastFlagger === halt) run.lastFlagger = capped;
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
function outcomeOf(run: RunBuilder, items: readonly TimelineItem[]): Outcome {
  for (const end of ['promotion-failed', 'rolled-back', 'promoted'] as const) if (run.ends.has(end)) return end;
  const last = run.lastFlagger;
  if (!last) return 'unknown';
  switch (roleOf(last.message.spec)) {
    case 'wait': return 'waiting';
    case 'readiness': return waitedLong(items) ? 'stalled' : 'progressing';
    case 'block': return 'stalled';
    case 'init': return 'initialized';
    default: return 'progressing';
  }
}

/**
 * Puts one canary's messages of one kind (logs, or events) in story order before they are folded:
 * logs by time when every one has a time (several files, or logs of several Flagger pods), else in
 * input order; events by how long ago they were last seen, merged events placed at their first
 * occurrence. Messages wait in the window until the input ends, or until it holds `limit` of them:
 * then the earliest half is folded, so a long log needs only a window's worth of memory.
 */
export class StoryWindow {
  private buffer: StoryMessage[] = [];
  private position = 0;
  /** The last start event folded, for placing the events of a window that comes after it. */
  private lastStart?: LogEntry;
  /** Story position of the last message that shows the rollout advancing. */
  lastAdvance = -1;
  /** Messages put in the story. */
  size = 0;

  constructor(
    private readonly kind: 'logs' | 'events',
    private readonly limit: number,
    private readonly fold: (message: StoryMessage, first: LogEntry) => void,
    private readonly isAdvance: (message: StoryMessage) => boolean,
  ) {}

  /** Messages waiting in the window. */
  get waiting(): number {
    return this.buffer.length;
  }

  push(message: StoryMessage): void {
    this.buffer.push(message);
    this.size++;
    if (this.buffer.length > this.limit) this.flush(Math.ceil(this.limit / 2));
  }

  /** Folds the first `count` messages in story order (all by default). */
  flush(count = Infinity): void {
    if (this.buffer.length === 0) return;
    const { ordered, placed } = this.kind === 'logs' ? { ordered: inTimeOrder(this.buffer), placed: undefined } : this.eventOrder();
    const folded = ordered.slice(0, count);
    this.buffer = ordered.slice(count);
    for (const message of folded) {
      message.storyPos = this.position++;
      if (this.isAdvance(message)) this.lastAdvance = message.storyPos;
      if (message.spec.role === 'start') this.lastStart = message.entry;
      this.fold(message, placed?.get(message) ?? message.entry);
    }
  }

  private eventOrder(): { ordered: StoryMessage[]; placed: Map<StoryMessage, LogEntry> } {
    const events = this.buffer;
    if (!events.every((m) => m.entry.ageMs !== undefined)) return { ordered: [...events], placed: new Map() };
    const placed = placedEvents(events, this.lastStart);
    const ageOf = (m: StoryMessage): number => (placed.get(m) ?? m.entry).ageMs!;
    // kubectl prints ages in whole minutes: events of the same age are ordered by where they fall in a run.
    return { ordered: [...events].sort((a, b) => ageOf(b) - ageOf(a) || stepOrder(a) - stepOrder(b)), placed };
  }
}

/**
 * Log lines sorted by time when every line has one. Times are normalised ISO 8601 in UTC, so they
 * sort as text; a log already in order is left as it is. Without times, input order.
 */
function inTimeOrder(logs: readonly StoryMessage[]): StoryMessage[] {
  let sorted = true;
  for (let i = 0; i < logs.length; i++) {
    const time = logs[i].entry.time;
    if (time === undefined) return [...logs].sort((a, b) => a.seq - b.seq);
    if (i > 0 && time < logs[i - 1].entry.time!) sorted = false;
  }
  return sorted ? [...logs] : [...logs].sort((a, b) => (a.entry.time! < b.entry.time! ? -1 : a.entry.time! > b.entry.time! ? 1 : 0));
}

/** Messages Flagger repeats on every tick while the condition lasts (halts, gates, readiness waits). */
function repeatsWithinRun(message: ExplainedMessage): boolean {
  return message.spec.countsAsFailedCheck === true || message.spec.everyTick === true || message.spec.role === 'wait' || isBlocking(message.spec);
}

/**
 * Kubernetes keeps one event per message and moves its last-seen time forward, so a halt repeated
 * five times sits at its last occurrence. Such events are placed at their first occurrence instead
 * (`x5 over 7m`: 7m ago), unless that is before the run they belong to started.
 */
function placedEvents(events: readonly StoryMessage[], earlierStart: LogEntry | undefined): Map<StoryMessage, LogEntry> {
  const starts = [...(earlierStart ? [earlierStart] : []), ...events.filter((m) => m.spec.role === 'start').map((m) => m.entry)];
  const placed = new Map<StoryMessage, LogEntry>();
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
