/**
 * An explain in progress: entries come in one at a time, from one input after another, and the session
 * keeps only what the report needs. Log lines are matched, assigned to their canary, told apart from
 * copies and folded into runs and problems as they arrive; memory grows with the distinct messages,
 * not with the lines. Events (kubectl describe and get events) are few and need the whole input to be
 * placed: they wait until the end.
 */
import { FLAGGER_NAMESPACE, PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE } from '../flagger/defaults';
import { DescribedCanary, isEvent, LogEntry, LogSummary, splitCanaryRef, WorkloadFact } from '../input/logs';
import { BlockCanaries, CanaryRef, lostItsCanary } from './blocks';
import { CanaryState } from './canary-state';
import { MatchedMessage } from './catalogue';
import { CanaryKeys, canaryOf, Diagnoser, eventIdentity, LogCopies, Matcher } from './match';
import { ProblemCollector, ranked, Resolutions, withNotes } from './problems';
import { EARLIER_RUNS, ExplainedMessage, ExplainOptions, ExplainReport, TIMELINE_ENDS } from './report';
import { RunLimits, StoryMessage } from './runs';
import { WorkloadFacts } from './workloads';

/** How much the session may hold; Infinity holds everything. */
export interface ExplainLimits extends RunLimits {
  /** Messages of one canary held to be put in order before they are folded into runs. */
  readonly window: number;
  /** Messages held in all canaries' windows together; beyond this each window folds its earlier half. */
  readonly windows: number;
  /** Events held until the end of the input; beyond this they are read as they come. */
  readonly events: number;
}

/** explain() over inputs held in memory: keep everything. */
export const UNLIMITED: ExplainLimits = { window: Infinity, windows: Infinity, earlierRuns: Infinity, timelineEnds: Infinity, halts: Infinity, events: Infinity };

/** A streamed explain: what the text output shows, and windows that keep memory bounded. */
export const STREAMING: ExplainLimits = { window: 4096, windows: 32_768, earlierRuns: EARLIER_RUNS, timelineEnds: TIMELINE_ENDS, halts: 1000, events: 100_000 };

export interface ExplainHooks {
  /** Called with every recognised message, in input order, as soon as its place and canary are certain. */
  readonly onMessage?: (message: ExplainedMessage) => void;
  /** Keep every message in the report's `messages`. */
  readonly keepMessages?: boolean;
  readonly limits?: ExplainLimits;
}

/** How often (in messages) the windows' total is checked. */
const CHECK_EVERY = 1024;

/** Combined events that matched no message, kept to say that messages are missing; beyond this they are counted no more. */
const MAX_UNRECOGNISED_COMBINED = 1000;

/** A recognised entry before it becomes a message. */
interface Recognised {
  readonly entry: LogEntry;
  readonly match: MatchedMessage;
  readonly seq: number;
  readonly input: number;
}

export class ExplainSession {
  private readonly limits: ExplainLimits;
  private readonly matcher = new Matcher();
  private readonly diagnoser: Diagnoser;
  private readonly keys = new CanaryKeys();
  private readonly copies = new LogCopies();
  private readonly blocks = new BlockCanaries<Recognised>();
  private readonly canaries = new Map<string, CanaryState>();
  private readonly general = new ProblemCollector();
  private readonly generalResolutions = new Resolutions();
  private readonly workloads = new WorkloadFacts();
  private readonly events: Recognised[] = [];
  private readonly unrecognisedCombined: LogEntry[] = [];
  private readonly described: DescribedCanary[] = [];
  /** Messages waiting to be handed on: once events arrive, what follows them waits for them. */
  private readonly held: StoryMessage[] = [];
  private readonly kept: StoryMessage[] = [];
  private readonly days = new Set<string>();
  private seq = 0;
  private inputs = 0;
  private lines = 0;
  private empty = 0;
  private malformed = 0;
  private structure = 0;
  private recognisedLines = 0;
  private recognised = 0;
  private duplicates = 0;
  /** Messages put in windows since their total was last checked against the limit. */
  private sinceCheck = 0;

  constructor(private readonly options: ExplainOptions = {}, private readonly hooks: ExplainHooks = {}) {
    this.limits = hooks.limits ?? UNLIMITED;
    const xref = options.crossReference;
    this.diagnoser = new Diagnoser({
      flaggerNamespace: options.flaggerNamespace ?? xref?.flaggerNamespace ?? FLAGGER_NAMESPACE,
      prometheusNamespace: options.prometheusNamespace ?? xref?.prometheusNamespace ?? PROMETHEUS_NAMESPACE,
      prometheusService: options.prometheusService ?? xref?.prometheusService ?? PROMETHEUS_SERVICE,
    }, xref);
  }

  /** Starts the next input; its number goes with each of its entries. */
  startInput(): number {
    return this.inputs++;
  }

  /** The input ended: its line counts and described canaries. */
  endInput(summary: LogSummary): void {
    this.lines += summary.lines;
    this.empty += summary.skipped.empty;
    this.malformed += summary.skipped.malformed;
    this.structure += summary.skipped.structure;
    this.described.push(...summary.describedCanaries);
    for (const { item, ref } of this.blocks.endBlock()) this.acceptLog(item, ref);
  }

  /** What the input shows about a workload (a pod's status, an event of a pod). */
  fact(fact: WorkloadFact): void {
    this.workloads.add(fact);
  }

  add(entry: LogEntry, input: number): void {
    const match = this.matcher.match(entry.message);
    if (!match) {
      if (entry.combined && entry.canary && this.unrecognisedCombined.length < MAX_UNRECOGNISED_COMBINED) this.unrecognisedCombined.push(entry);
      return;
    }
    this.recognisedLines += entry.span ?? 1;
    const recognised: Recognised = { entry, match, seq: this.seq++, input };
    if (isEvent(entry) && this.events.length < this.limits.events) {
      this.events.push(recognised);
      return;
    }
    const ref = canaryOf(entry, match);
    for (const ready of this.blocks.next(recognised, input, entry, ref, lostItsCanary(entry, match, ref))) this.acceptLog(ready.item, ready.ref);
  }

  /** A log line with its canary: a copy of one already read, or a message. */
  private acceptLog({ entry, match, seq, input }: Recognised, ref: CanaryRef): void {
    this.keys.learn(ref);
    const key = this.keys.key(ref);
    if (this.copies.isCopy(key, entry, input)) {
      this.duplicates++;
      return;
    }
    this.accept(this.message(entry, match, key, seq), true);
  }

  private message(entry: LogEntry, match: MatchedMessage, key: string | undefined, seq: number): StoryMessage {
    if (key) this.diagnoser.learnTarget(key, match);
    if (match.spec.id === 'flagger-started') this.diagnoser.learnMeshProvider(match);
    return this.diagnoser.message(entry, match, key, seq);
  }

  /** A message that is not a copy: into its canary's story and problems, and (`handOn`) on to the caller. */
  private accept(message: StoryMessage, handOn: boolean): void {
    this.recognised++;
    const day = message.entry.time?.slice(0, 10);
    if (day && this.days.size < 2) this.days.add(day);
    if (message.canaryKey) {
      this.canary(message.canaryKey, message.seq).add(message, isEvent(message.entry));
      if (!isEvent(message.entry)) this.keepWindowsInBounds();
    } else {
      this.general.add(message);
      this.generalResolutions.add(message, message.seq);
    }
    if (this.hooks.keepMessages) this.kept.push(message);
    if (this.hooks.onMessage && handOn) {
      if (this.events.length > 0) this.held.push(message);
      else this.hooks.onMessage(message);
    }
  }

  /** Many canaries together may hold no more than `windows` messages: beyond that, each folds its earlier half. */
  private keepWindowsInBounds(): void {
    if (++this.sinceCheck < CHECK_EVERY) return;
    this.sinceCheck = 0;
    let waiting = 0;
    for (const state of this.canaries.values()) waiting += state.logs.window.waiting;
    if (waiting <= this.limits.windows) return;
    for (const state of this.canaries.values()) state.logs.window.flush(Math.ceil(state.logs.window.waiting / 2));
  }

  private canary(key: string, seq: number): CanaryState {
    let state = this.canaries.get(key);
    if (!state) {
      state = new CanaryState(key, seq, this.limits);
      this.canaries.set(key, state);
    }
    return state;
  }

  /**
   * The held events, in input order: each assigned to its canary now that every namespace is known (or
   * to its block's), and of two copies of an event the one that says more is kept (describe prints `x5
   * over 7m`, `kubectl get events` does not).
   */
  private acceptEvents(): void {
    const blocks = new BlockCanaries<Recognised>();
    const named: Array<{ event: Recognised; ref: CanaryRef }> = [];
    for (const event of this.events) {
      const ref = canaryOf(event.entry, event.match);
      named.push(...blocks.next(event, event.input, event.entry, ref, lostItsCanary(event.entry, event.match, ref)).map(({ item, ref: r }) => ({ event: item, ref: r })));
    }
    named.push(...blocks.endBlock().map(({ item, ref }) => ({ event: item, ref })));
    named.sort((a, b) => a.event.seq - b.event.seq);
    for (const { ref } of named) this.keys.learn(ref);
    const kept: Array<{ event: Recognised; key?: string }> = [];
    const slots = new Map<string, number>();
    for (const { event, ref } of named) {
      const key = this.keys.key(ref);
      const identity = eventIdentity(key, event.entry);
      const slot = identity === undefined ? undefined : slots.get(identity);
      if (slot === undefined) {
        if (identity !== undefined) slots.set(identity, kept.length);
        kept.push({ event, ...(key ? { key } : {}) });
        continue;
      }
      this.duplicates++;
      const other = kept[slot].event.entry;
      const entry = event.entry;
      // The copy takes the first one's place in input order.
      if (entry.count > other.count || (entry.firstAge !== undefined && other.firstAge === undefined)) kept[slot] = { event: { ...event, seq: kept[slot].event.seq }, key };
    }
    this.events.length = 0;
    const messages = kept.map(({ event, key }) => this.message(event.entry, event.match, key, event.seq));
    // Logs held for the events go out in input order with them.
    const queue = [...this.held, ...messages].sort((a, b) => a.seq - b.seq);
    this.held.length = 0;
    for (const message of messages) this.accept(message, false);
    if (this.hooks.onMessage) for (const message of queue) this.hooks.onMessage(message);
  }

  finish(): ExplainReport {
    this.acceptEvents();
    const refresh = (message: StoryMessage): StoryMessage => this.diagnoser.refreshed(message);
    const workloadNotes = (deployment: string): string[] => this.workloads.notesFor(deployment);
    const canaries = [...this.canaries.values()].sort((a, b) => a.firstSeq - b.firstSeq).map((state) => {
      const ref = splitCanaryRef(state.key);
      const threshold = this.options.crossReference?.canary(ref.name, ref.namespace)?.threshold;
      return state.report({
        described: this.described, unrecognisedCombined: this.unrecognisedCombined, refresh, workloadNotes,
        ...(threshold !== undefined ? { threshold } : {}),
      });
    });
    const general = withNotes(this.general.problems(new Set()), {
      positionOf: (problem) => this.general.last(problem.example.problemKey)?.seq,
      lastAdvance: -1,
      resolutions: this.generalResolutions,
    });
    const unrecognised = Math.max(0, this.lines - this.recognisedLines - this.empty - this.malformed - this.structure);
    return {
      canaries,
      general: ranked(general),
      messages: [...this.kept].sort((a, b) => a.seq - b.seq),
      recognised: this.recognised,
      multiDay: this.days.size > 1,
      duplicates: this.duplicates,
      lines: this.lines,
      skipped: { empty: this.empty, malformed: this.malformed, unrecognised, total: this.empty + this.malformed + unrecognised, structure: this.structure },
    };
  }
}
