/**
 * The shape of the Flagger message catalogue: each family of messages Flagger
 * writes, how to recognise every wording of it, and what it means.
 */

/**
 * - `progress`: normal steps of a rollout.
 * - `halt`: an analysis check failed (counts towards the threshold).
 * - `webhook`: a webhook, gate or load-test command failed or is waiting.
 * - `rollback`: the rollout ended badly, or a workload is not becoming ready.
 * - `config`: a Canary or its target is misconfigured; Flagger cannot proceed.
 * - `provider`: the metrics provider (Prometheus) could not be queried.
 */
export type MessageKind = 'progress' | 'halt' | 'webhook' | 'rollback' | 'config' | 'provider';

/** A command that confirms or rules out a cause, and what to look for in its output. */
export interface Check {
  readonly command: string;
  readonly look?: string;
}

/** One likely cause and the commands that confirm it. */
export interface Cause {
  readonly text: string;
  readonly checks: readonly Check[];
}

/** What a message means, why it happens (most likely first), how to confirm, how to fix. */
export interface Diagnosis {
  readonly summary: string;
  readonly causes: readonly Cause[];
  readonly fix: string;
}

/** Facts about the canary and the cluster that diagnoses fill into their commands. */
export interface DiagnosisContext {
  /** The Canary's name. */
  readonly canary: string;
  /** The Canary's namespace (a `<namespace>` placeholder when the input never said). */
  readonly namespace: string;
  /** The target workload's name (`spec.targetRef.name`). */
  readonly target: string;
  /** Where Flagger runs. */
  readonly flaggerNamespace: string;
  /** Where the Prometheus that Flagger queries runs, and its Service. */
  readonly prometheusNamespace: string;
  readonly prometheusService: string;
  /** Named groups of the pattern that matched, e.g. `metric`, `webhook`, `error`. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * What a message means for the run it belongs to:
 * - `start`: a new run begins (a new revision).
 * - `tick`: an analysis tick at weight 0.
 * - `step`: anything else that does not decide the outcome, halts included (see `countsAsFailedCheck`).
 * - `advance`: progress that needs a ready workload and passing checks (weights, promotion).
 * - `end`: the run is over; `outcome` says how.
 * - `wait`: a gate that has not approved yet.
 * - `readiness`: a workload that is not ready yet; Flagger waits, and rolls back after the deadline.
 * - `block`: Flagger cannot proceed until something changes.
 * - `init`: the canary was set up and waits for a revision.
 * - `quiet`: routine lines of the loadtester, left out of timelines.
 */
export type MessageRole = 'start' | 'tick' | 'step' | 'advance' | 'end' | 'wait' | 'readiness' | 'block' | 'init' | 'quiet';

/** How a run ended. */
export type RunEnd = 'promoted' | 'rolled-back' | 'promotion-failed';

/** What the user's manifests can say about a message (explain --manifests). */
export type ManifestFact = 'webhook' | 'gate' | 'load-test' | 'injection' | 'window' | 'threshold';

/** One family of Flagger messages. */
export interface MessageSpec {
  /** Stable kebab-case id, printed in output and JSON. */
  readonly id: string;
  readonly kind: MessageKind;
  /** What it means for its run; `step` when unset. */
  readonly role?: MessageRole;
  /** For `end` messages: how the run ended. */
  readonly outcome?: RunEnd;
  /**
   * Where it falls in a run, for events whose ages (whole minutes) cannot order them: 0 for the start,
   * 4 (the default) for checks and halts, 10 for what comes after the end.
   */
  readonly order?: number;
  /** Flagger records it once per run: an event of it counted more than once merges several runs. */
  readonly oncePerRun?: boolean;
  /** The verdict says what it means, so it is not listed as a problem (the rollback itself). */
  readonly inVerdict?: boolean;
  /**
   * Flagger records it on every tick while the condition lasts, without being a failed check or a
   * blocking error (the metrics provider check at initialization): a merged event of it is placed at its
   * first occurrence.
   */
  readonly everyTick?: boolean;
  /** The check found no traffic: failing load tests in the same input confirm its first cause. */
  readonly findsNoTraffic?: boolean;
  /** It shows the load test failing, which is why checks find no traffic. */
  readonly failsLoadTest?: boolean;
  /** Written by the loadtester, not Flagger: it says nothing about Flagger's state. */
  readonly fromLoadtester?: boolean;
  /**
   * `flagger`: written by Flagger's start-up (cmd/flagger/main.go), about Flagger itself and never about
   * one canary, even when the lines around it are.
   */
  readonly scope?: 'flagger';
  /**
   * The Deployment whose pods a readiness problem is about (the canary's, or the primary's): what the
   * input shows about those pods (`kubectl get pods`, their events) is added to the problem.
   */
  readonly workload?: (context: DiagnosisContext) => string;
  /**
   * Messages that, later in the input, show the problem gone: their ids, and the field both must share
   * (the same metrics server, the same webhook). A problem that resolved itself is listed last.
   */
  readonly resolvedBy?: { readonly ids: readonly string[]; readonly same?: string };
  /** Lint rules whose findings can explain it. */
  readonly lintRules?: readonly string[];
  /** What the manifests can say about it. */
  readonly manifestFacts?: readonly ManifestFact[];
  /** Patterns for the current wording first, then older ones. Named groups feed `fields`. */
  readonly patterns: readonly RegExp[];
  /** True when Flagger increments `status.failedChecks` after this message. */
  readonly countsAsFailedCheck?: boolean;
  /** A short line for the timeline, e.g. `canary weight 20%`. */
  readonly headline: (context: DiagnosisContext) => string;
  /**
   * For messages that carry a measured value: a headline for several of them whose values differ
   * (`success rate below 99%`), and the value as shown (`92.41%`).
   */
  readonly grouped?: { readonly headline: (context: DiagnosisContext) => string; readonly value: (context: DiagnosisContext) => string };
  /** Extra key that separates distinct problems within the family (e.g. the metric name). */
  readonly problemKey?: (context: DiagnosisContext) => string;
  readonly diagnose: (context: DiagnosisContext) => Diagnosis;
}
