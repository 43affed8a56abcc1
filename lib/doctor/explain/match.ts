/**
 * From log entries to explained messages: each entry matched against the catalogue (each distinct text
 * once, in a bounded cache), the canary it is about, copies told apart from repeats, and the diagnosis
 * built only when someone reads it (a log repeats a few messages thousands of times; most are never
 * shown one by one).
 */
import { LogEntry, splitCanaryRef } from '../input/logs';
import { Diagnosis, DiagnosisContext, MatchedMessage, matchMessage, MessageSpec } from './catalogue';
import { CrossReference } from './report';
import { StoryMessage } from './runs';

/** Where Flagger and its Prometheus run, filled into the diagnoses' commands. */
export type ClusterSettings = Pick<DiagnosisContext, 'flaggerNamespace' | 'prometheusNamespace' | 'prometheusService'>;

/** Distinct texts whose match is remembered; beyond this the cache starts again. */
const MATCH_CACHE = 20_000;

/** Matches texts against the catalogue, each distinct text once while the cache holds it. */
export class Matcher {
  private readonly cache = new Map<string, MatchedMessage | undefined>();

  match(text: string): MatchedMessage | undefined {
    if (this.cache.has(text)) return this.cache.get(text);
    const match = matchMessage(text);
    if (this.cache.size >= MATCH_CACHE) this.cache.clear();
    this.cache.set(text, match);
    return match;
  }
}

/** What every message with the same canary and text shares: its context, headline and key, and its diagnosis once built. */
interface Shared {
  /** What the Diagnoser knew when it built this: a newer target or provider makes it outdated. */
  version: number;
  readonly match: MatchedMessage;
  readonly spec: MessageSpec;
  readonly context: DiagnosisContext;
  readonly headline: string;
  readonly problemKey: string;
  diagnosis?: Diagnosis;
  evidence?: readonly string[];
}

/** Distinct (canary, text) pairs whose context is remembered; beyond this the cache starts again. */
const SHARED_CACHE = 4096;

/** Builds the messages' contexts, and their diagnoses and evidence when they are read. */
export class Diagnoser {
  private readonly shared = new Map<string, Shared>();
  /** The target workload of each canary, as its messages name it (`Scaling up my-app-deploy.prod`). */
  private readonly targets = new Map<string, string>();
  /** Flagger's -mesh-provider, as its start-up line names it: the provider of canaries the manifests say nothing of. */
  private meshProvider?: string;
  /** Counts what was learned (targets, the provider), so a context built before is rebuilt. */
  private version = 0;

  constructor(private readonly settings: ClusterSettings, private readonly xref: CrossReference | undefined) {}

  message(entry: LogEntry, match: MatchedMessage, key: string | undefined, seq: number): StoryMessage {
    // The fields come from the text, so canary and text identify the diagnosis.
    const identity = `${key ?? ''}\n${entry.message}`;
    let shared = this.shared.get(identity);
    if (!shared || this.outdated(shared, key)) {
      shared = this.build(match, key);
      if (this.shared.size >= SHARED_CACHE) this.shared.clear();
      this.shared.set(identity, shared);
    }
    return new Message(entry, shared, key, seq, this);
  }

  /**
   * Remembers the workload a canary's message names as its target: every diagnosis of the canary uses
   * it in its commands, where the target's name differs from the Canary's.
   */
  learnTarget(key: string, match: MatchedMessage): void {
    const named = match.fields.target ? splitCanaryRef(match.fields.target).name : undefined;
    if (named && !named.endsWith('-primary') && !this.targets.has(key)) {
      this.targets.set(key, named);
      this.version++;
    }
  }

  /** Remembers the provider Flagger's start-up line names (`mesh provider istio`). */
  learnMeshProvider(match: MatchedMessage): void {
    if (match.fields.provider && match.fields.provider !== this.meshProvider) {
      this.meshProvider = match.fields.provider;
      this.version++;
    }
  }

  /** The message rebuilt with what is known now: a target or a provider learned after it arrived. */
  refreshed(message: StoryMessage): StoryMessage {
    const shared = (message as Message).sharedRecord;
    if (!shared || !this.outdated(shared, message.canaryKey)) return message;
    const rebuilt = new Message(message.entry, this.build(shared.match, message.canaryKey), message.canaryKey, message.seq, this);
    rebuilt.storyPos = message.storyPos;
    return rebuilt;
  }

  /** Whether a context was built before its canary's target or Flagger's provider was known. */
  private outdated(shared: Shared, key: string | undefined): boolean {
    if (shared.version === this.version) return false;
    if (shared.context.target !== this.targetOf(shared.match, key) || (this.meshProvider !== undefined && shared.context.fields.provider === undefined)) return true;
    shared.version = this.version;
    return false;
  }

  /** The target for a message's context: the one it names, the manifests' targetRef, the one its canary's messages name, or the canary's name. */
  private targetOf(match: MatchedMessage, key: string | undefined): string {
    if (match.fields.target) return splitCanaryRef(match.fields.target).name;
    const ref = key ? splitCanaryRef(key) : undefined;
    const facts = ref ? this.xref?.canary(ref.name, ref.namespace) : undefined;
    return facts?.target ?? (key ? this.targets.get(key) : undefined) ?? ref?.name ?? '<target>';
  }

  private build(match: MatchedMessage, key: string | undefined): Shared {
    const ref = key ? splitCanaryRef(key) : undefined;
    const facts = ref ? this.xref?.canary(ref.name, ref.namespace) : undefined;
    const target = this.targetOf(match, key);
    const base: DiagnosisContext = {
      canary: ref?.name ?? '<canary>',
      namespace: ref?.namespace ?? facts?.namespace ?? '<namespace>',
      target,
      ...this.settings,
      fields: match.fields,
    };
    // What the message says wins over the manifests, and those over Flagger's start-up line.
    const learned: Record<string, string> = this.meshProvider ? { provider: this.meshProvider } : {};
    const context: DiagnosisContext = { ...base, fields: { ...learned, ...(this.xref ? this.xref.fields(match.spec, base) : {}), ...match.fields } };
    return {
      version: this.version,
      match,
      spec: match.spec,
      context,
      headline: match.spec.headline(context),
      problemKey: `${match.spec.id}:${match.spec.problemKey?.(context) ?? ''}`,
    };
  }

  diagnosis(shared: Shared): Diagnosis {
    shared.diagnosis ??= shared.spec.diagnose(shared.context);
    return shared.diagnosis;
  }

  evidence(shared: Shared, key: string | undefined): readonly string[] {
    shared.evidence ??= this.xref && key ? this.xref.evidence(shared.spec, shared.context) : [];
    return shared.evidence;
  }
}

/** An explained message whose diagnosis and evidence are built when first read, once per (canary, text). */
class Message implements StoryMessage {
  storyPos?: number;

  constructor(
    readonly entry: LogEntry,
    private readonly shared: Shared,
    readonly canaryKey: string | undefined,
    readonly seq: number,
    private readonly diagnoser: Diagnoser,
  ) {}

  get sharedRecord(): Shared {
    return this.shared;
  }

  get spec(): MessageSpec {
    return this.shared.spec;
  }

  get context(): DiagnosisContext {
    return this.shared.context;
  }

  get headline(): string {
    return this.shared.headline;
  }

  get problemKey(): string {
    return this.shared.problemKey;
  }

  get diagnosis(): Diagnosis {
    return this.diagnoser.diagnosis(this.shared);
  }

  get evidence(): readonly string[] {
    return this.diagnoser.evidence(this.shared, this.canaryKey);
  }
}

/** Which canary an entry is about: the input's own canary field first, then the names inside the message. */
export function canaryOf(entry: LogEntry, match: MatchedMessage): { name?: string; namespace?: string } {
  const { fields } = match;
  if (match.spec.scope === 'flagger') return {};
  if (entry.canary) return { name: entry.canary, namespace: entry.namespace };
  // Controller errors name the canary by its work-queue key, `namespace/name`.
  const syncKey = /^([a-z0-9-]+)\/(.+)$/.exec(fields.syncKey ?? '');
  if (syncKey) return { name: syncKey[2], namespace: syncKey[1] };
  for (const field of ['ref', 'target', 'object']) {
    const value = fields[field];
    if (value && value.includes('.')) {
      const ref = splitCanaryRef(value);
      // A target or object named after the canary: its primary, its -canary Service, or the workload itself.
      return { name: field === 'ref' ? ref.name : ref.name.replace(field === 'object' ? /-(?:primary|canary)$/ : /-primary$/, ''), namespace: ref.namespace };
    }
  }
  if (fields.primary && fields.ns) return { name: fields.primary.replace(/-primary$/, ''), namespace: fields.ns };
  return {};
}

/** A time range over which one input has shown a (canary, text) pair. */
interface Span {
  readonly input: number;
  from: string;
  to: string;
}

/** Spans kept per (canary, text); beyond this the oldest is forgotten. */
const MAX_SPANS = 8;

/**
 * Tells copies of log lines from repeats without remembering every line: a line is a copy when another
 * input (the same log given twice, or an overlapping extract) already covered its time with the same
 * canary and text, or when its own input already went past it (an extract pasted twice into one file).
 * A log is complete over the time it covers, so a line inside that time was in it. Lines without a time
 * cannot be told apart from real repeats: they are never copies.
 */
export class LogCopies {
  private readonly spans = new Map<string, Span[]>();

  isCopy(key: string | undefined, entry: LogEntry, input: number): boolean {
    const time = entry.time;
    if (time === undefined) return false;
    const id = `${key ?? ''}\n${entry.message}`;
    const spans = this.spans.get(id);
    if (!spans) {
      this.spans.set(id, [{ input, from: time, to: time }]);
      return false;
    }
    if (spans.some((span) => span.from <= time && time <= span.to)) return true;
    const own = spans.filter((span) => span.input === input).pop();
    if (own && time > own.to && !spans.some((span) => span.input !== input && span.from > own.to && span.from <= time)) {
      own.to = time;
      return false;
    }
    spans.push({ input, from: time, to: time });
    if (spans.length > MAX_SPANS) spans.shift();
    return false;
  }
}

/** An event's identity among copies: canary, text and last-seen age. */
export function eventIdentity(key: string | undefined, entry: LogEntry): string | undefined {
  return entry.ageMs !== undefined ? `${key ?? ''} ${entry.ageMs}\n${entry.message}` : undefined;
}

/**
 * `name.namespace` keys. An entry that only names the canary (events listed without -A) borrows the
 * namespace when exactly one namespace is known for that name.
 */
export class CanaryKeys {
  private readonly namespaces = new Map<string, Set<string>>();
  private readonly interned = new Map<string, string>();

  /** Remembers the namespace of a fully named canary. */
  learn(ref: { name?: string; namespace?: string }): void {
    if (!ref.name || !ref.namespace) return;
    const known = this.namespaces.get(ref.name);
    if (known) known.add(ref.namespace);
    else this.namespaces.set(ref.name, new Set([ref.namespace]));
  }

  key(ref: { name?: string; namespace?: string }): string | undefined {
    if (!ref.name) return undefined;
    if (ref.namespace) return this.intern(`${ref.name}.${ref.namespace}`);
    const known = this.namespaces.get(ref.name);
    return this.intern(known && known.size === 1 ? `${ref.name}.${[...known][0]}` : ref.name);
  }

  /** One string per canary, not one per line. */
  private intern(key: string): string {
    const known = this.interned.get(key);
    if (known !== undefined) return known;
    this.interned.set(key, key);
    return key;
  }
}
