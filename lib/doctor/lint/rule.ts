/**
 * The rule API: what a rule is told about the manifests, how it documents itself, and what it reports.
 * A rule is a plain function over the index; the engine (engine.ts) runs them all and orders the findings.
 */
import { CanaryView } from '../model/canary-view';
import { ManifestIndex } from '../model/manifest-index';
import type { Presence } from './presence';
import { kindOf, nameOf, namespaceOf, SourcedObject } from '../model/object';

/**
 * `error`: the rollout fails, stalls, or never gets traffic.
 * `warning`: it works, but flakes or surprises.
 * `info`: worth knowing, never a problem on its own (printed as "note").
 */
export type Severity = 'error' | 'warning' | 'info';

/** One lint finding, as `lint` returns it. */
export interface Finding {
  readonly severity: Severity;
  /** Stable kebab-case rule id, e.g. `webhook-url-unresolved`. */
  readonly rule: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** File of the offending object, or its construct path when it has no file. */
  readonly file: string;
  /** What is wrong, quoting the actual values. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

/** A rule's level, as `--rule`, the `rules` option and the `flagger-doctor:rules` context set it. */
export type RuleLevel = Severity | 'off';

/**
 * How much of what the Canaries reference the linted manifests hold:
 * - `complete`: everything; a referenced object that is not in them is an error.
 * - `partial`: some; a referenced object that is not in them is assumed to be installed separately (a note).
 * - `auto` (the default): an error where the manifests evidently should hold the object (its namespace is
 *   defined in them, or a near miss of its name is there), a note otherwise.
 */
export type Completeness = 'complete' | 'partial' | 'auto';

/** An object that exists outside the linted manifests: `--assume-present KIND/NS/NAME`, or a construct's `fromName`. */
export interface ExternalObjectRef {
  /** `Service`, `Gateway`, `Namespace`, ... (compared without case). */
  readonly kind: string;
  /** '' for cluster-scoped kinds (Namespace). */
  readonly namespace: string;
  /** `*` for every object of that kind in the namespace. */
  readonly name: string;
  /** The hosts a Gateway serves, when known: routes bound to it are checked against them. */
  readonly hosts?: readonly string[];
}

export interface LintOptions {
  /**
   * Prometheus scrape interval in milliseconds. Undefined: read from the manifests (ServiceMonitors and
   * PodMonitors of the target, the Prometheus Flagger queries), else 15000.
   */
  readonly scrapeIntervalMs?: number;
  /** How complete the manifests are. @default 'auto' */
  readonly completeness?: Completeness;
  /** Objects that exist outside the manifests: no finding says they are missing. */
  readonly assumePresent?: readonly ExternalObjectRef[];
  /** Namespaces managed outside the manifests: every object referenced in them exists. */
  readonly externalNamespaces?: readonly string[];
  /** A level for some rules, by id: `off` drops their findings, a severity replaces theirs. */
  readonly rules?: Readonly<Record<string, RuleLevel>>;
}

/** What a rule gets. */
export interface LintContext {
  readonly index: ManifestIndex;
  /** The scrape interval of the Prometheus that measures a Canary, and where that comes from. */
  readonly scrapeInterval: (canary: CanaryView) => ScrapeInterval;
  /** What to say about an object a rule references that is not in the manifests (lint/presence.ts). */
  readonly presence: Presence;
}

/** A Prometheus scrape interval and, for messages, where it comes from. */
export interface ScrapeInterval {
  readonly ms: number;
  /** e.g. `--scrape-interval`, `ServiceMonitor test/podinfo`, `assumed: Istio's Prometheus`. */
  readonly source: string;
}

/** Documentation of a rule. */
export interface RuleInfo {
  /** Stable kebab-case id, printed with each finding. */
  readonly id: string;
  readonly severity: Severity;
  /** What the rule catches, in a few words. */
  readonly title: string;
  /** What happens at run time when it is ignored, e.g. the Flagger log line the user would see. */
  readonly symptom: string;
}

/** What a rule reports: a finding, and the object it is about, whose place in `kubectl apply -f` order orders the findings. */
export interface Report {
  readonly finding: Finding;
  readonly object: SourcedObject;
}

/**
 * A rule, or a small family of closely related rules: their documentation and one plain function over the
 * context that returns their reports.
 */
export interface RuleSet {
  readonly rules: readonly RuleInfo[];
  readonly check: (context: LintContext) => Report[];
}

/** A report of `rule` on `object`. */
export function report(rule: RuleInfo, object: SourcedObject, message: string, hint: string, severity: Severity = rule.severity): Report {
  return {
    finding: {
      severity,
      rule: rule.id,
      kind: kindOf(object.object),
      namespace: namespaceOf(object.object),
      name: nameOf(object.object),
      file: object.source.file ?? object.source.path ?? '',
      message,
      hint,
    },
    object,
  };
}

/** A rule set that judges each Canary on its own: `check` runs once per Canary of the manifests. */
export function canaryRules(rules: readonly RuleInfo[], check: (canary: CanaryView, context: LintContext) => Report[]): RuleSet {
  return { rules, check: (context) => context.index.canaries.flatMap((canary) => check(canary, context)) };
}
