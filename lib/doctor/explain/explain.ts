/**
 * From log entries to a diagnosis: which Flagger messages were seen, per canary
 * the timeline of each run, a verdict, and the distinct problems with their
 * causes, checks and fixes. Pure: no I/O, no manifests (those come in through
 * a `CrossReference`, see explain-manifests.ts).
 */
import { DescribedCanary, EntryLevel, LogEntry, ParsedLog, parseKubectlAge, splitCanaryRef } from '../input/logs';
import { Check, Diagnosis, DiagnosisContext, MatchedMessage, matchMessage, MessageKind, MessageRole, MessageSpec } from './catalogue';

/** Cross-references messages with the user's manifests (and lint findings). */
export interface CrossReference {
  /** What the manifests say about a canary, when they define it. */
  canary(name: string, namespace: string | undefined): CanaryFacts | undefined;
  /** Where Flagger and its Prometheus run, when the manifests install them. */
  readonly flaggerNamespace?: string;
  readonly prometheusNamespace?: string;
  readonly prometheusService?: string;
  /** Extra diagnosis fields for a message: the metric's interval, the webhook's url, timeout and cmd. */
  fields(spec: MessageSpec, context: DiagnosisContext): Record<string, string>;
  /** What the manifests and lint findings say about this message. */
  evidence(spec: MessageSpec, context: DiagnosisContext): string[];
}

export interface CanaryFacts {
  readonly namespace: string;
  readonly target?: string;
  readonly threshold?: number;
}

export interface ExplainOptions {
  /** Namespace of the Flagger Deployment (default istio-system, as Flagger's Istio install). */
  readonly flaggerNamespace?: string;
  /** Namespace and Service of the Prometheus Flagger queries (default istio-system/prometheus, Istio's addon). */
  readonly prometheusNamespace?: string;
  readonly prometheusService?: string;
  readonly crossReference?: CrossReference;
}

/** One recognised message with its diagnosis. */
export interface ExplainedMessage {
  readonly entry: LogEntry;
  readonly spec: MessageSpec;
  /** `name.namespace` of the canary it is about, or undefined for Flagger-wide messages. */
  readonly canaryKey?: string;
  readonly context: DiagnosisContext;
  readonly diagnosis: Diagnosis;
  /** What the manifests say, when given. */
  readonly evidence: readonly string[];
  /** The family's short line for the timeline. */
  readonly headline: string;
  /** Family and key (e.g. the metric) of the distinct problem it belongs to. */
  readonly problemKey: string;
}

/** One line of a canary's timeline: a message, or several identical ones in a row. */
export interface TimelineItem {
  readonly message: ExplainedMessage;
  readonly headline: string;
  /** How many times it happened in a row (including Kubernetes' own event counts). */
  readonly repeat: number;
  /**
   * Time or age of the first occurrence. For a merged event (`x5 over 7m`) whose repeats happen within
   * a run, this is the entry placed at its first occurrence (`7m`), but never before the run started.
   */
  readonly first: LogEntry;
  /** The latest occurrence. */
  readonly last: LogEntry;
  /** A merged event whose count also covers earlier runs: it was first seen before this run started. */
  readonly spansEarlierRuns?: boolean;
  /** For checks that count towards the threshold: their numbers in the run (1-based, inclusive). */
  readonly failedChecks?: readonly [number, number];
  /** For `threshold-reached`: the halts that counted towards it. */
  readonly countedHalts?: readonly TimelineItem[];
}

export type Outcome = 'promoted' | 'rolled-back' | 'promotion-failed' | 'waiting' | 'stalled' | 'progressing' | 'initialized' | 'unknown';

export interface Run {
  /** 0 for what happened before the first "New revision detected" in the input. */
  readonly number: number;
  /**
   * True when no "New revision detected" opened this run: Flagger acted again after the previous run
   * had ended (a new revision waiting at the confirm-rollout gate, or a check that blocks every tick).
   */
  readonly afterEnd?: boolean;
  /**
   * How many runs Kubernetes merged into these events, when more than one: events of one message are
   * counted across runs (`New revision detected! (x2 over 50m)`), so the input shows only the last run's shape.
   */
  readonly mergedRuns?: number;
  readonly items: TimelineItem[];
  /** Failed checks counted in this run (what Flagger keeps in status.failedChecks). */
  readonly failedChecks: number;
  readonly lastWeight?: number;
  readonly outcome: Outcome;
}

export interface Verdict {
  readonly outcome: Outcome;
  /** One sentence: what happened and why. */
  readonly text: string;
}

/** A distinct problem: one message family (and key) with all its occurrences. */
export interface Problem {
  readonly id: string;
  readonly kind: MessageKind;
  readonly headline: string;
  /** The first occurrence's message and diagnosis. */
  readonly example: ExplainedMessage;
  readonly occurrences: number;
  readonly first: LogEntry;
  readonly last: LogEntry;
  /** True when it counted towards the last run's failed checks. */
  readonly counted: boolean;
  /** What the rest of the input says about this problem (e.g. "transient", or the loadtester logs confirming cause 1). */
  readonly notes: readonly string[];
}

export interface CanaryReport {
  /** `name.namespace`, or just the name when the namespace never appeared. */
  readonly key: string;
  readonly name: string;
  readonly namespace?: string;
  readonly runs: Run[];
  readonly verdict: Verdict;
  readonly problems: Problem[];
  readonly described?: DescribedCanary;
  readonly threshold?: number;
}

export interface ExplainReport {
  readonly canaries: CanaryReport[];
  /** Messages not about any canary (e.g. Flagger could not reach Prometheus at start-up). */
  readonly general: Problem[];
  /** Every recognised message, in input order, each once. */
  readonly messages: ExplainedMessage[];
  /** Recognised messages left out because another input (or line) already had them: the same log line, or the same event. */
  readonly duplicates: number;
  readonly lines: number;
  /**
   * Lines that gave no message: `total` is empty + malformed + unrecognised. `structure` counts the lines
   * read but not messages (table headers, `kubectl describe` fields) apart, since nothing was lost in them.
   */
  readonly skipped: { readonly empty: number; readonly malformed: number; readonly unrecognised: number; readonly total: number; readonly structure: number };
}

const DEFAULTS = { flaggerNamespace: 'istio-system', prometheusNamespace: 'istio-system', prometheusService: 'prometheus' };

function roleOf(spec: MessageSpec): MessageRole {
  return spec.role ?? 'step';
}

/** Flagger cannot proceed: a blocking error, or a workload it waits for. */
function isBlocking(spec: MessageSpec): boolean {
  return spec.role === 'block' || spec.role === 'readiness';
}

/**
 * Messages that, after a run has ended, mean Flagger is at work on the canary again: the confirm-rollout
 * gate runs before "New revision detected" is printed, readiness and configuration checks run on every
 * tick, and analysis steps need a new revision.
 */
function reopensRun(spec: MessageSpec): boolean {
  return ['wait', 'block', 'readiness', 'advance', 'tick'].includes(roleOf(spec)) || spec.countsAsFailedCheck === true;
}

/** Progress that can only happen once a workload is ready and the checks pass. */
function isAdvance(spec: MessageSpec): boolean {
  return spec.role === 'advance' || (spec.role === 'end' && spec.outcome === 'promoted');
}

export function explain(inputs: readonly ParsedLog[], options: ExplainOptions = {}): ExplainReport {
  const xref = options.crossReference;
  const settings = {
    flaggerNamespace: options.flaggerNamespace ?? xref?.flaggerNamespace ?? DEFAULTS.flaggerNamespace,
    prometheusNamespace: options.prometheusNamespace ?? xref?.prometheusNamespace ?? DEFAULTS.prometheusNamespace,
    prometheusService: options.prometheusService ?? xref?.prometheusService ?? DEFAULTS.prometheusService,
  };
  const entries = inputs.flatMap((input) => input.entries);
  // Logs repeat a few messages many times: each distinct text is matched once.
  const matches = new Map<string, MatchedMessage | undefined>();
  const matchOnce = (text: string): MatchedMessage | undefined => {
    if (!matches.has(text)) matches.set(text, matchMessage(text));
    return matches.get(text);
  };
  const matched = entries
    .map((entry) => ({ entry, match: matchOnce(entry.message) }))
    .filter((item): item is { entry: LogEntry; match: MatchedMessage } => item.match !== undefined);

  const allKeys = resolveCanaryKeys(matched.map(({ entry, match }) => canaryOf(entry, match.fields)));
  const { kept, duplicates } = withoutDuplicates(matched.map(({ entry }, index) => ({ entry, key: allKeys[index] })));
  // A log repeats the same few messages thousands of times: each distinct one is diagnosed once, and its
  // context, diagnosis and evidence objects are shared by every repeat.
  const diagnosed = new Map<string, Pick<ExplainedMessage, 'context' | 'diagnosis' | 'evidence' | 'headline' | 'problemKey'>>();
  const messages: ExplainedMessage[] = kept.map(({ index, entry }) => {
    const { match } = matched[index];
    const key = allKeys[index];
    // The fields come from the text, so canary and text identify the diagnosis.
    const identity = `${key ?? ''}\n${entry.message}`;
    let shared = diagnosed.get(identity);
    if (!shared) {
      const ref = key ? splitCanaryRef(key) : undefined;
      const facts = ref ? xref?.canary(ref.name, ref.namespace) : undefined;
      const target = match.fields.target ? splitCanaryRef(match.fields.target).name : facts?.target ?? ref?.name ?? '<target>';
      const base: DiagnosisContext = {
        canary: ref?.name ?? '<canary>',
        namespace: ref?.namespace ?? facts?.namespace ?? '<namespace>',
        target,
        ...settings,
        fields: match.fields,
      };
      const context: DiagnosisContext = xref ? { ...base, fields: { ...xref.fields(match.spec, base), ...match.fields } } : base;
      shared = {
        context,
        diagnosis: match.spec.diagnose(context),
        evidence: xref && key ? xref.evidence(match.spec, context) : [],
        headline: match.spec.headline(context),
        problemKey: `${match.spec.id}:${match.spec.problemKey?.(context) ?? ''}`,
      };
      diagnosed.set(identity, shared);
    }
    return { entry, spec: match.spec, ...(key ? { canaryKey: key } : {}), ...shared };
  });

  const described = inputs.flatMap((input) => input.describedCanaries);
  const combinedEvents = combinedEventsByCanary(messages, entries);
  const byCanary = new Map<string, ExplainedMessage[]>();
  for (const message of messages) {
    if (!message.canaryKey) continue;
    const list = byCanary.get(message.canaryKey);
    if (list) list.push(message);
    else byCanary.set(message.canaryKey, [message]);
  }
  const canaries = [...byCanary.entries()].map(([key, list]) => {
    const ref = splitCanaryRef(key);
    const facts = xref?.canary(ref.name, ref.namespace);
    const status = described.find((d) => d.name === ref.name && (d.namespace === undefined || d.namespace === ref.namespace));
    return canaryReport(key, list, status, facts?.threshold, combinedEvents(key));
  });

  const lines = inputs.reduce((sum, input) => sum + input.lines, 0);
  const empty = inputs.reduce((sum, input) => sum + input.skipped.empty, 0);
  const malformed = inputs.reduce((sum, input) => sum + input.skipped.malformed, 0);
  const structure = inputs.reduce((sum, input) => sum + input.skipped.structure, 0);
  const recognisedLines = new Set(matched.map((m) => `${m.entry.file ?? ''}:${m.entry.line}`)).size;
  const unrecognised = Math.max(0, lines - recognisedLines - empty - malformed - structure);
  return {
    canaries,
    general: problemsOf(messages.filter((m) => !m.canaryKey), new Set()),
    messages,
    duplicates,
    lines,
    skipped: { empty, malformed, unrecognised, total: empty + malformed + unrecognised, structure },
  };
}

/**
 * Drops a message seen twice: a log line with the same canary, time and text (the same log given
 * twice, or overlapping extracts), or an event with the same canary, text and last-seen age (the
 * Events of `kubectl describe canary` beside `kubectl get events`). Of two copies of an event the one
 * that says more is kept: describe prints `x5 over 7m`, `kubectl get events` does not. Lines without
 * a time cannot be told apart from real repeats, so they are all kept.
 */
function withoutDuplicates(items: ReadonlyArray<{ entry: LogEntry; key?: string }>): { kept: Array<{ index: number; entry: LogEntry }>; duplicates: number } {
  const kept: Array<{ index: number; entry: LogEntry }> = [];
  // canary and time (or age) first, then the texts seen with them: short keys for large logs.
  const seen = new Map<string, Array<{ message: string; slot: number }>>();
  let duplicates = 0;
  items.forEach(({ entry, key }, index) => {
    const when = isEvent(entry) ? (entry.ageMs !== undefined ? `event ${entry.ageMs}` : undefined) : entry.time;
    if (when === undefined) {
      kept.push({ index, entry });
      return;
    }
    const identity = `${key ?? ''} ${when}`;
    const texts = seen.get(identity);
    const earlier = texts?.find((text) => text.message === entry.message);
    if (!earlier) {
      if (texts) texts.push({ message: entry.message, slot: kept.length });
      else seen.set(identity, [{ message: entry.message, slot: kept.length }]);
      kept.push({ index, entry });
      return;
    }
    duplicates++;
    const other = kept[earlier.slot].entry;
    if (entry.count > other.count || (entry.firstAge !== undefined && other.firstAge === undefined)) kept[earlier.slot] = { index, entry };
  });
  return { kept, duplicates };
}

/**
 * Events that Kubernetes' aggregator combined with events of other messages, by canary. Recognised or
 * not: an event combined without its message still says that messages are missing.
 */
function combinedEventsByCanary(messages: readonly ExplainedMessage[], entries: readonly LogEntry[]): (key: string) => LogEntry[] {
  const recognised = new Set<LogEntry>();
  const byKey = new Map<string, LogEntry[]>();
  const add = (key: string, entry: LogEntry): void => {
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  };
  for (const message of messages) {
    if (!message.entry.combined) continue;
    recognised.add(message.entry);
    if (message.canaryKey) add(message.canaryKey, message.entry);
  }
  const others = entries.filter((entry) => entry.combined && entry.canary && !recognised.has(entry));
  return (key) => {
    const ref = splitCanaryRef(key);
    const unrecognised = others.filter((entry) => entry.canary === ref.name && (entry.namespace === undefined || entry.namespace === ref.namespace));
    return [...(byKey.get(key) ?? []), ...unrecognised];
  };
}

/** Which canary an entry is about: the input's own canary field first, then the names inside the message. */
function canaryOf(entry: LogEntry, fields: Readonly<Record<string, string>>): { name?: string; namespace?: string } {
  if (entry.canary) return { name: entry.canary, namespace: entry.namespace };
  // Controller errors name the canary by its work-queue key, `namespace/name`.
  const syncKey = /^([a-z0-9-]+)\/(.+)$/.exec(fields.syncKey ?? '');
  if (syncKey) return { name: syncKey[2], namespace: syncKey[1] };
  for (const field of ['ref', 'target', 'object']) {
    const value = fields[field];
    if (value && value.includes('.')) {
      const ref = splitCanaryRef(value);
      return { name: field === 'ref' ? ref.name : ref.name.replace(/-primary$/, ''), namespace: ref.namespace };
    }
  }
  if (fields.primary && fields.ns) return { name: fields.primary.replace(/-primary$/, ''), namespace: fields.ns };
  return {};
}

/**
 * `name.namespace` keys. An entry that only names the canary (events listed
 * without -A) borrows the namespace when exactly one namespace is known for
 * that name.
 */
function resolveCanaryKeys(refs: ReadonlyArray<{ name?: string; namespace?: string }>): Array<string | undefined> {
  const namespaces = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (ref.name && ref.namespace) namespaces.set(ref.name, (namespaces.get(ref.name) ?? new Set()).add(ref.namespace));
  }
  // One string per canary, not one per line.
  const interned = new Map<string, string>();
  const intern = (key: string): string => {
    const known = interned.get(key);
    if (known !== undefined) return known;
    interned.set(key, key);
    return key;
  };
  return refs.map((ref) => {
    if (!ref.name) return undefined;
    if (ref.namespace) return intern(`${ref.name}.${ref.namespace}`);
    const known = namespaces.get(ref.name);
    return intern(known && known.size === 1 ? `${ref.name}.${[...known][0]}` : ref.name);
  });
}

/** One canary's messages in the order they happened, and where a merged event is placed in time. */
interface Story {
  readonly messages: ExplainedMessage[];
  /** The entry to show for a message when it is placed at its first occurrence rather than its last. */
  readonly placed: ReadonlyMap<ExplainedMessage, LogEntry>;
}

/**
 * Orders one canary's messages. Logs are read in input order (sorted by time
 * when every line has one); events by how long ago they were last seen. When a
 * canary has both, the logs tell the story and the events only add problems.
 */
function storyOf(messages: readonly ExplainedMessage[]): Story {
  const logs = messages.filter((m) => !isEvent(m.entry));
  if (logs.length > 0) {
    return { messages: inTimeOrder(logs), placed: new Map() };
  }
  const events = [...messages];
  if (!events.every((m) => m.entry.ageMs !== undefined)) return { messages: events, placed: new Map() };
  const placed = placedEvents(events);
  const ageOf = (m: ExplainedMessage): number => (placed.get(m) ?? m.entry).ageMs!;
  // kubectl prints ages in whole minutes: events of the same age are ordered by where they fall in a run.
  return { messages: stableSort(events, (a, b) => ageOf(b) - ageOf(a) || stepOrder(a) - stepOrder(b)), placed };
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
  return sorted ? [...logs] : stableSort(logs, (a, b) => (a.entry.time! < b.entry.time! ? -1 : a.entry.time! > b.entry.time! ? 1 : 0));
}

function isEvent(entry: LogEntry): boolean {
  return entry.format === 'describe' || entry.format === 'events';
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

function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items.map((item, index) => ({ item, index })).sort((a, b) => compare(a.item, b.item) || a.index - b.index).map(({ item }) => item);
}

function canaryReport(
  key: string, messages: ExplainedMessage[], described: DescribedCanary | undefined, threshold: number | undefined, combined: readonly LogEntry[],
): CanaryReport {
  const ref = splitCanaryRef(key);
  const story = storyOf(messages);
  const runs = buildRuns(story);
  const lastRun = runs[runs.length - 1];
  const counted = new Set(lastRun?.items.filter((item) => item.failedChecks).map((item) => item.message.problemKey) ?? []);
  const problems = withNotes(problemsOf(problemMessages(messages), counted), story.messages);
  return {
    key,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    runs,
    verdict: verdictOf({ runs, ...(described ? { described } : {}), ...(threshold !== undefined ? { threshold } : {}), combined }),
    problems,
    ...(described ? { described } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

/**
 * The messages a canary's problems are counted from. Flagger logs every event it records, so when the
 * input has the canary's logs, its events would count the same halts twice: they only add problems the
 * logs do not show (logs that start later, or a Flagger pod that restarted).
 */
function problemMessages(messages: readonly ExplainedMessage[]): readonly ExplainedMessage[] {
  const logs = messages.filter((m) => !isEvent(m.entry));
  if (logs.length === 0 || logs.length === messages.length) return messages;
  const inLogs = new Set(logs.map((m) => m.problemKey));
  return [...logs, ...messages.filter((m) => isEvent(m.entry) && !inLogs.has(m.problemKey))];
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

function buildRuns(story: Story): Run[] {
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

const PHASE_OUTCOMES: Record<string, Outcome> = {
  Succeeded: 'promoted',
  Failed: 'rolled-back',
  Progressing: 'progressing',
  Promoting: 'progressing',
  Finalising: 'progressing',
  Waiting: 'waiting',
  WaitingPromotion: 'waiting',
  Initialized: 'initialized',
  Initializing: 'initialized',
};

interface VerdictInput {
  readonly runs: readonly Run[];
  readonly described?: DescribedCanary;
  readonly threshold?: number;
  /** Events of this canary that Kubernetes' aggregator combined with events of other messages. */
  readonly combined: readonly LogEntry[];
}

/** The verdict on the last run, then what the input leaves out. */
function verdictOf(input: VerdictInput): Verdict {
  const { runs, described } = input;
  const run = runs[runs.length - 1];
  const status = described?.phase ? ` kubectl describe shows Phase ${described.phase}${described.failedChecks !== undefined ? `, ${described.failedChecks} failed checks` : ''}.` : '';
  if (!run) {
    const outcome = (described?.phase && PHASE_OUTCOMES[described.phase]) || 'unknown';
    return { outcome, text: `No rollout steps in the input.${combinedNote(input.combined)}${status}` };
  }
  const previous = runs[runs.length - 2];
  const before = run.afterEnd && previous
    ? ` This started after ${runName(previous)} had ended (${OUTCOME_WORDS[previous.outcome]}).`
    : '';
  const verdict = runVerdict(run, described, input.threshold);
  const merged = run.mergedRuns
    ? ` These events merge ${run.mergedRuns} runs: Kubernetes keeps one event per message and counts its repeats across runs, so the timeline shows the last run's shape, and counts that include earlier runs are marked.`
    : '';
  return { outcome: verdict.outcome, text: `${verdict.text}${before}${merged}${combinedNote(input.combined)}${status}` };
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  'promoted': 'promoted',
  'rolled-back': 'rolled back',
  'promotion-failed': 'failed during promotion',
  'waiting': 'waiting for approval',
  'stalled': 'stalled',
  'progressing': 'progressing',
  'initialized': 'initialized',
  'unknown': 'outcome unknown',
};

function runName(run: Run): string {
  return run.number === 0 ? 'what came before the first new revision' : `run ${run.number}`;
}

/** Says that aggregated events hide messages, so counts read from events are incomplete. */
function combinedNote(combined: readonly LogEntry[]): string {
  if (combined.length === 0) return '';
  const hidden = combined.reduce((sum, entry) => sum + Math.max(0, (entry.combined?.events ?? 1) - 1), 0);
  return ` Kubernetes combined ${combined.length === 1 ? 'an event' : `${combined.length} events`} of this canary with similar ones ("combined from similar events"): `
    + `its count spans different messages, so ${hidden > 0 ? `${hidden} of Flagger's events ${hidden === 1 ? 'is' : 'are'}` : 'some of Flagger\'s events may be'} missing from the input. Flagger's logs have every message.`;
}

function runVerdict(run: Run, described: DescribedCanary | undefined, threshold: number | undefined): Verdict {
  let outcome = run.outcome;
  if ((outcome === 'progressing' || outcome === 'unknown') && described?.phase && PHASE_OUTCOMES[described.phase] && PHASE_OUTCOMES[described.phase] !== 'progressing') {
    outcome = PHASE_OUTCOMES[described.phase];
  }
  const items = run.items;
  const find = (id: string): TimelineItem | undefined => [...items].reverse().find((item) => item.message.spec.id === id);
  const halts = haltSummary(items.filter((item) => item.failedChecks));
  const of = threshold !== undefined ? ` of ${threshold}` : '';
  switch (outcome) {
    case 'promoted':
      return { outcome, text: `Promoted: the analysis passed and the new version now runs in the primary.${run.failedChecks > 0 ? ` ${plural(run.failedChecks, 'check')} failed on the way (${halts}), fewer than the threshold.` : ''}` };
    case 'rolled-back': {
      const deadline = find('progress-deadline-rollback') ?? find('deployment-progress-deadline');
      if (find('manual-rollback')) return { outcome, text: 'Rolled back: a rollback webhook asked for it.' };
      if (deadline) {
        const notReady = find('canary-not-ready') ?? find('primary-not-ready');
        return { outcome, text: `Rolled back: the canary did not become ready within the progress deadline${notReady ? ` (${notReady.headline})` : ''}.` };
      }
      const thresholdItem = find('threshold-reached');
      if (thresholdItem) {
        const reached = Number(thresholdItem.message.context.fields.failedChecks);
        const seen = (thresholdItem.countedHalts ?? []).reduce((sum, item) => sum + countedChecks(item), 0);
        const fromEvents = (thresholdItem.countedHalts ?? []).some((item) => item.first.format === 'events' || item.first.format === 'describe');
        const missing = seen >= reached ? '' : fromEvents
          ? ` The input shows ${seen}: Kubernetes merges repeated events into one, and kubectl get events does not print how often (kubectl describe canary and kubectl events print "x5"); events also expire after an hour.`
          : ` Only ${seen} of them are in the input; the others happened before it starts.`;
        return { outcome, text: `Rolled back: ${plural(reached, 'failed check')} reached the threshold. They were: ${halts || 'not in the input'}.${missing}` };
      }
      return { outcome, text: `Rolled back${halts ? ` after ${plural(run.failedChecks, 'failed check')}: ${halts}` : '; the reason is not in the input'}.` };
    }
    case 'promotion-failed':
      return { outcome, text: 'Failed during promotion: the primary did not become ready with the new version, so traffic stays on the canary.' };
    case 'waiting': {
      const gate = [...items].reverse().find((item) => item.message.spec.role === 'wait');
      return { outcome, text: `Waiting: ${gate ? gate.headline : 'for approval'}. Nothing moves until the gate approves.` };
    }
    case 'stalled': {
      const blocker = [...items].reverse().find((item) => isBlocking(item.message.spec));
      const readiness = blocker?.message.spec.role === 'readiness';
      return {
        outcome,
        text: `Stalled: ${blocker ? `${blocker.headline}${blocker.repeat > 1 ? ` (${blocker.repeat}× in a row)` : ''}` : 'Flagger cannot proceed'}. Flagger retries every interval without progress`
          + `${readiness ? '; it rolls back when the Deployment\'s progress deadline passes' : ''}.`,
      };
    }
    case 'initialized':
      return { outcome, text: 'Initialized: waiting for a new revision to analyse.' };
    case 'progressing': {
      const lastItem = items[items.length - 1];
      if (lastItem?.message.spec.role === 'readiness') {
        return { outcome, text: `Still progressing: waiting for the ${lastItem.message.spec.id === 'primary-not-ready' ? 'primary' : 'canary'} pods to become ready (${lastItem.headline}), normal right after a scale-up; the input ends before they are. If it lasts, Flagger rolls back when the Deployment's progress deadline passes.` };
      }
      const weight = run.lastWeight !== undefined ? `at canary weight ${run.lastWeight}%` : 'at weight 0 (no traffic shifted yet)';
      const failed = run.failedChecks > 0 ? `, ${run.failedChecks}${of} failed check${run.failedChecks === 1 && !of ? '' : 's'} so far (${halts})` : '';
      return { outcome, text: `Still progressing ${weight}${failed}; the input ends before the outcome.` };
    }
    default:
      return { outcome, text: 'Unknown: the input does not show how the rollout went.' };
  }
}

/** `1 check`, `5 checks`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * `5× no values found for request-duration, 1× load-test webhook load-test timed out`. Measured values
 * are grouped by what was measured: `9× success rate below 99% (90.00% first, 82.36% last)`.
 */
function haltSummary(halts: readonly TimelineItem[]): string {
  const groups = new Map<string, { label: string; count: number; values: string[] }>();
  for (const halt of halts) {
    const { spec, context } = halt.message;
    const label = (spec.grouped?.headline(context) ?? halt.headline).replace(/^halt: /, '');
    const key = `${halt.message.problemKey}\n${label}`;
    const group = groups.get(key) ?? { label, count: 0, values: [] };
    group.count += countedChecks(halt);
    if (spec.grouped) group.values.push(spec.grouped.value(context));
    groups.set(key, group);
  }
  return [...groups.values()].map(({ label, count, values }) => {
    const distinct = [...new Set(values)];
    const shown = distinct.length === 1 ? ` (${distinct[0]})` : distinct.length > 1 ? ` (${values[0]} first, ${values[values.length - 1]} last)` : '';
    return `${count}× ${label}${shown}`;
  }).join(', ');
}

/** How many of this run's failed checks a timeline item stands for. */
function countedChecks(item: TimelineItem): number {
  return item.failedChecks ? item.failedChecks[1] - item.failedChecks[0] + 1 : 0;
}

/** The first message's headline, or what they measured when their values differ. */
function problemHeadline(list: readonly ExplainedMessage[]): string {
  const { spec, context } = list[0];
  const differ = list.some((message) => message.entry.message !== list[0].entry.message);
  return differ && spec.grouped ? spec.grouped.headline(context) : list[0].headline;
}

function problemsOf(messages: readonly ExplainedMessage[], counted: ReadonlySet<string>): Problem[] {
  const groups = new Map<string, ExplainedMessage[]>();
  for (const message of messages) {
    if (message.spec.kind === 'progress' || message.spec.inVerdict) continue;
    const key = message.problemKey;
    const list = groups.get(key);
    if (list) list.push(message);
    else groups.set(key, [message]);
  }
  const problems = [...groups.entries()].map(([key, list]): Problem => ({
    id: list[0].spec.id,
    kind: list[0].spec.kind,
    headline: problemHeadline(list).replace(/^halt: /, ''),
    example: list[0],
    occurrences: list.reduce((sum, m) => sum + Math.max(1, m.entry.count), 0),
    first: list[0].entry,
    last: list[list.length - 1].entry,
    counted: counted.has(key),
    notes: [],
  }));
  // What made the last run fail comes first, then the rest in order of appearance.
  return stableSort(problems, (a, b) => Number(b.counted) - Number(a.counted));
}

/**
 * Adds what the rest of the story says about each problem: a halt seen once
 * on the first tick and followed by progress is the transient, a readiness
 * wait that was followed by progress resolved itself, and failing load tests
 * in the same input confirm the first cause of "no values found".
 */
function withNotes(problems: readonly Problem[], story: readonly ExplainedMessage[]): Problem[] {
  const indexOf = (entry: LogEntry): number => story.findIndex((m) => m.entry === entry);
  const advancedAfter = (entry: LogEntry): boolean => {
    const start = indexOf(entry);
    return start >= 0 && story.slice(start + 1).some((m) => isAdvance(m.spec));
  };
  const loadProblems = problems.filter((p) => p.example.spec.failsLoadTest);
  const annotated = problems.map((problem): Problem => {
    const notes: string[] = [];
    if (problem.example.spec.findsNoTraffic) {
      if (problem.occurrences === 1 && advancedAfter(problem.last)) {
        notes.push('Seen once, and the analysis advanced afterwards: most likely the transient on the first tick (the last cause). Nothing to fix unless it repeats.');
      }
      for (const load of loadProblems) {
        notes.push(`The same input shows the load test failing (${load.headline}): that confirms the first cause, no load traffic.`);
      }
    }
    if (problem.example.spec.role === 'readiness' && advancedAfter(problem.last)) {
      notes.push('The rollout advanced after this, so the workload became ready: a normal wait, nothing to fix.');
    }
    return notes.length > 0 ? { ...problem, notes } : problem;
  });
  // Problems that resolved themselves go last.
  return stableSort(annotated, (a, b) => Number(isResolved(a)) - Number(isResolved(b)));
}

function isResolved(problem: Problem): boolean {
  return problem.notes.some((note) => note.includes('nothing to fix') || note.includes('Nothing to fix'));
}

/** The JSON form of one recognised message (`--format json`). */
export interface MessageJson {
  readonly canary: string | null;
  readonly time: string | null;
  readonly level: EntryLevel | null;
  readonly message: string;
  readonly id: string;
  readonly kind: MessageKind;
  readonly summary: string;
  readonly causes: string[];
  readonly checks: string[];
  readonly fix: string;
  readonly evidence: string[];
  readonly count: number;
  readonly file: string | null;
  readonly line: number;
}

/** A check as one shell line: the command, then what to look for as a comment. */
export function checkLine(check: Check): string {
  return check.look ? `${check.command}  # ${check.look}` : check.command;
}

/** The causes and check lines of a diagnosis, computed once for all the messages that share it. */
const diagnosisLines = new WeakMap<Diagnosis, { readonly causes: readonly string[]; readonly checks: readonly string[] }>();

function linesOf(diagnosis: Diagnosis): { readonly causes: readonly string[]; readonly checks: readonly string[] } {
  let lines = diagnosisLines.get(diagnosis);
  if (!lines) {
    const checks = new Set<string>();
    for (const cause of diagnosis.causes) for (const check of cause.checks) checks.add(checkLine(check));
    lines = { causes: diagnosis.causes.map((cause) => cause.text), checks: [...checks] };
    diagnosisLines.set(diagnosis, lines);
  }
  return lines;
}

export function messageJson(message: ExplainedMessage): MessageJson {
  const { causes, checks } = linesOf(message.diagnosis);
  return {
    canary: message.canaryKey ?? null,
    time: message.entry.time ?? (message.entry.age !== undefined ? `${message.entry.age.replace(/\s.*$/, '')} ago` : null),
    level: message.entry.level ?? null,
    message: message.entry.message,
    id: message.spec.id,
    kind: message.spec.kind,
    summary: message.diagnosis.summary,
    causes: [...causes],
    checks: [...checks],
    fix: message.diagnosis.fix,
    evidence: [...message.evidence],
    count: message.entry.count,
    file: message.entry.file ?? null,
    line: message.entry.line,
  };
}
