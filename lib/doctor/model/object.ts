/**
 * Shared types of the doctor engine. The engine is plain functions over parsed
 * Kubernetes objects: no cdk8s, no file system, no process state.
 */

/** A parsed Kubernetes object, as it appears in YAML or in `Chart.toJson()`. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: any;
}

/** Where an object came from. All fields are optional: objects from a construct tree have no file. */
export interface ObjectSource {
  /** Path of the file the object was read from, as given by the user. */
  readonly file?: string;
  /** 1-based line of the document's first line in that file. */
  readonly line?: number;
  /** 0-based position of the object in `kubectl apply -f` order over all inputs. */
  readonly order: number;
  /** Construct path, when the object came from a cdk8s construct tree. */
  readonly path?: string;
}

/** An object with its source. */
export interface SourcedObject {
  readonly object: KubeObject;
  readonly source: ObjectSource;
}

/**
 * `error`: the rollout fails, stalls, or never gets traffic.
 * `warning`: it works, but flakes or surprises.
 * `info`: worth knowing, never a problem on its own (printed as "note").
 */
export type Severity = 'error' | 'warning' | 'info';

/** One lint finding. */
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
