/**
 * An explain in progress: entries come in one at a time, from one input after another, and the session
 * keeps only what the report needs. Log lines are matched, assigned to their canary, told apart from
 * copies and folded into runs and problems as they arrive; memory grows with the distinct messages,
 * not with the lines. Events (kubectl describe and get events) are few and need the whole input to be
 * placed: they wait until the end.
 */
import { FLAGGER_NAMESPACE, PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE } from '../flagger/defaults';
import { DescribedCanary, isEvent, LogEntry, LogSummary, splitCanaryRef } from '../input/logs';
import { MatchedMessage } from './catalogue';
import { CanaryKeys, canaryOf, Diagnoser, eventIdentity, LogCopies, Matcher } from './match';
import { countedFirst, ProblemCollector, withNotes } from './problems';
import { CanaryReport, EARLIER_RUNS, ExplainedMessage, ExplainOptions, ExplainReport, Problem, TIMELINE_ENDS } from './report';
import { isAdvance } from './roles';
import { RunFolder, RunLimits, StoryMessage, StoryWindow } from './runs';
import { verdictOf } from './verdict';

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

interface PendingEvent {
  readonly entry: LogEntry;
  readonly match: MatchedMessage;
  readonly seq: number;
}

/** What the session gathers about one canary. */
class CanaryState {
  readonly logs: StoryWindow;
  readonly events: StoryWindow;
  readonly logFolder: RunFolder;
  readonly eventFolder: RunFolder;
  readonly logProblems = new ProblemCollector();
  readonly eventProblems = new ProblemCollector();
  readonly combined: LogEntry[] = [];

  constructor(readonly key: string, readonly firstSeq: number, limits: ExplainLimits) {
    this.logFolder = new RunFolder(limits);
    this.eventFolder = new RunFolder(limits);
    const advance = (message: StoryMessage): boolean => isAdvance(message.spec);
    this.logs = new StoryWindow('logs', limits.window, (message, first) => this.logFolder.add(message, first), advance);
    this.events = new StoryWindow('events', limits.window, (message, first) => this.eventFolder.add(message, first), advance);
  }
}

export class ExplainSession {
  private readonly limits: ExplainLimits;
  private readonly matcher = new Matcher();
  private readonly diagnoser: Diagnoser;
  private readonly keys = new CanaryKeys();
  private readonly copies = new LogCopies();
  private readonly canaries = new Map<string, CanaryState>();
  private readonly general = new ProblemCollector();
  private readonly events: PendingEvent[] = [];
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
  }

  add(entry: LogEntry, input: number): void {
    const match = this.matcher.match(entry.message);
    if (!match) {
      if (entry.combined && entry.canary && this.unrecognisedCombined.length < MAX_UNRECOGNISED_COMBINED) this.unrecognisedCombined.push(entry);
      return;
    }
    this.recognisedLines++;
    if (isEvent(entry) && this.events.length < this.limits.events) {
      this.events.push({ entry, match, seq: this.seq++ });
      return;
    }
    const ref = canaryOf(entry, match.fields);
    this.keys.learn(ref);
    const key = this.keys.key(ref);
    if (this.copies.isCopy(key, entry, input)) {
      this.duplicates++;
      return;
    }
    this.accept(this.diagnoser.message(entry, match, key, this.seq++), true);
  }

  /** A message that is not a copy: into its canary's story and problems, and (`handOn`) on to the caller. */
  private accept(message: StoryMessage, handOn: boolean): void {
    this.recognised++;
    const day = message.entry.time?.slice(0, 10);
    if (day && this.days.size < 2) this.days.add(day);
    if (message.canaryKey) {
      const state = this.canary(message.canaryKey, message.seq);
      if (isEvent(message.entry)) {
        state.eventProblems.add(message);
        // A canary with logs: the logs tell the story, its events only add problems.
        if (state.logs.size === 0) state.events.push(message);
      } else {
        state.logProblems.add(message);
        state.logs.push(message);
        this.keepWindowsInBounds();
      }
      if (message.entry.combined) state.combined.push(message.entry);
    } else {
      this.general.add(message);
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
    for (const state of this.canaries.values()) waiting += state.logs.waiting;
    if (waiting <= this.limits.windows) return;
    for (const state of this.canaries.values()) state.logs.flush(Math.ceil(state.logs.waiting / 2));
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
   * The held events, in input order: each assigned to its canary now that every namespace is known, and
   * of two copies of an event the one that says more is kept (describe prints `x5 over 7m`, `kubectl get
   * events` does not).
   */
  private acceptEvents(): void {
    const refs = this.events.map(({ entry, match }) => canaryOf(entry, match.fields));
    for (const ref of refs) this.keys.learn(ref);
    const kept: Array<{ event: PendingEvent; key?: string }> = [];
    const slots = new Map<string, number>();
    this.events.forEach((event, index) => {
      const key = this.keys.key(refs[index]);
      const identity = eventIdentity(key, event.entry);
      const slot = identity === undefined ? undefined : slots.get(identity);
      if (slot === undefined) {
        if (identity !== undefined) slots.set(identity, kept.length);
        kept.push({ event, ...(key ? { key } : {}) });
        return;
      }
      this.duplicates++;
      const other = kept[slot].event.entry;
      const entry = event.entry;
      // The copy takes the first one's place in input order.
      if (entry.count > other.count || (entry.firstAge !== undefined && other.firstAge === undefined)) kept[slot] = { event: { ...event, seq: kept[slot].event.seq }, key };
    });
    this.events.length = 0;
    const messages = kept.map(({ event, key }) => this.diagnoser.message(event.entry, event.match, key, event.seq));
    // Logs held for the events go out in input order with them.
    const queue = [...this.held, ...messages].sort((a, b) => a.seq - b.seq);
    this.held.length = 0;
    for (const message of messages) this.accept(message, false);
    if (this.hooks.onMessage) for (const message of queue) this.hooks.onMessage(message);
  }

  finish(): ExplainReport {
    this.acceptEvents();
    for (const state of this.canaries.values()) {
      state.logs.flush();
      if (state.logs.size === 0) state.events.flush();
    }
    const canaries = [...this.canaries.values()].sort((a, b) => a.firstSeq - b.firstSeq).map((state) => this.canaryReport(state));
    const unrecognised = Math.max(0, this.lines - this.recognisedLines - this.empty - this.malformed - this.structure);
    return {
      canaries,
      general: this.general.problems(new Set()),
      messages: [...this.kept].sort((a, b) => a.seq - b.seq),
      recognised: this.recognised,
      multiDay: this.days.size > 1,
      duplicates: this.duplicates,
      lines: this.lines,
      skipped: { empty: this.empty, malformed: this.malformed, unrecognised, total: this.empty + this.malformed + unrecognised, structure: this.structure },
    };
  }

  /** One canary's report: runs, problems (what failed the last run first) and verdict. */
  private canaryReport(state: CanaryState): CanaryReport {
    const ref = splitCanaryRef(state.key);
    const fromLogs = state.logs.size > 0;
    const { runs, omittedRuns } = (fromLogs ? state.logFolder : state.eventFolder).finish();
    const lastRun = runs[runs.length - 1];
    const counted = new Set(lastRun?.halts.map((item) => item.message.problemKey) ?? []);
    const storyProblems = fromLogs ? state.logProblems : state.eventProblems;
    const fromStory = storyProblems.problems(counted);
    const problems = countedFirst(fromLogs ? [...fromStory, ...state.eventProblems.problems(counted, state.logProblems)] : fromStory);
    const inStory = new Set<Problem>(fromStory);
    const story = fromLogs ? state.logs : state.events;
    const notes = withNotes(problems, {
      positionOf: (problem) => (inStory.has(problem) ? storyProblems.lastPosition(problem.example.problemKey) : undefined),
      lastAdvance: story.lastAdvance,
    });
    const facts = this.options.crossReference?.canary(ref.name, ref.namespace);
    const threshold = facts?.threshold;
    const described = this.described.find((d) => d.name === ref.name && (d.namespace === undefined || d.namespace === ref.namespace));
    const combined = [
      ...state.combined,
      ...this.unrecognisedCombined.filter((entry) => entry.canary === ref.name && (entry.namespace === undefined || entry.namespace === ref.namespace)),
    ];
    return {
      key: state.key,
      name: ref.name,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      runs,
      ...(omittedRuns > 0 ? { omittedRuns } : {}),
      verdict: verdictOf({ runs, ...(described ? { described } : {}), ...(threshold !== undefined ? { threshold } : {}), combined }),
      problems: notes,
      ...(described ? { described } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    };
  }
}
