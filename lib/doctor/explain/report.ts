/**
 * What `explain` returns: per canary the runs with their timelines, a verdict and the distinct problems,
 * and every recognised message with its diagnosis; and what it is given: options and the cross-reference
 * with the user's manifests.
 */
import { DescribedCanary, LogEntry } from '../input/logs';
import { Diagnosis, DiagnosisContext, MessageKind, MessageSpec } from './catalogue';

export type { RunEnd } from './catalogue';

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
  /**
   * The timeline. A streamed input keeps its first and last TIMELINE_ENDS items (what the text output
   * shows); `omitted` says how many fell in between.
   */
  readonly items: TimelineItem[];
  readonly omitted?: number;
  /** The checks that counted towards the threshold (with their numbers in the run). */
  readonly halts: readonly TimelineItem[];
  /** The last item of each message family (by id). */
  readonly latest: ReadonlyMap<string, TimelineItem>;
  /** The last gate that had not approved, and the last message that blocked Flagger. */
  readonly lastWait?: TimelineItem;
  readonly lastBlocking?: TimelineItem;
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
  /** Earlier runs a streamed input did not keep (it keeps the last EARLIER_RUNS before the last run). */
  readonly omittedRuns?: number;
  readonly verdict: Verdict;
  readonly problems: Problem[];
  readonly described?: DescribedCanary;
  readonly threshold?: number;
}

export interface ExplainReport {
  readonly canaries: CanaryReport[];
  /** Messages not about any canary (e.g. Flagger could not reach Prometheus at start-up). */
  readonly general: Problem[];
  /**
   * Every recognised message, in input order, each once: kept by explain() over inputs held in memory;
   * a streamed explain hands each message on as it is read and keeps none here.
   */
  readonly messages: ExplainedMessage[];
  /** How many recognised messages there were (each once). */
  readonly recognised: number;
  /** Whether the messages' times span more than one day (the text output then prints dates). */
  readonly multiDay: boolean;
  /** Recognised messages left out because another input (or line) already had them: the same log line, or the same event. */
  readonly duplicates: number;
  readonly lines: number;
  /**
   * Lines that gave no message: `total` is empty + malformed + unrecognised. `structure` counts the lines
   * read but not messages (table headers, `kubectl describe` fields) apart, since nothing was lost in them.
   */
  readonly skipped: { readonly empty: number; readonly malformed: number; readonly unrecognised: number; readonly total: number; readonly structure: number };
}

/** Timeline items a streamed input keeps at each end of a run: the text output shows no more. */
export const TIMELINE_ENDS = 20;
/** Earlier runs a streamed input keeps per canary: the text output lists no more. */
export const EARLIER_RUNS = 10;
