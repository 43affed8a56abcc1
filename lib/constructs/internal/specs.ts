import { IConstruct } from 'constructs';
import type { CanaryAutoscalerKind, CanaryTargetKind } from '../canary-target';

// Types the constructs pass to each other's @internal render methods. They live here, outside the
// modules lib/index.ts re-exports, so they stay out of the public (jsii) API.

/** What a strategy needs to know about the Canary it renders for. */
export interface StrategyContext {
  /** The Canary, for error messages. */
  readonly scope: IConstruct;
  /** The field the strategy's settings are reported under: `strategy`, or `analysis` for the deprecated props. */
  readonly field: string;
  /** Whether the Canary has a service `match`, which Flagger merges A/B conditions into. */
  readonly hasServiceMatch: boolean;
  /** Whether Flagger's VirtualService serves the `mesh` gateway (false when it is bound to gateways without the mesh). */
  readonly meshRouted: boolean;
}

/** The strategy's fields of `spec.analysis`. */
export interface StrategyAnalysis {
  readonly iterations?: number;
  readonly maxWeight?: number;
  readonly stepWeight?: number;
  readonly stepWeights?: number[];
  readonly mirror?: boolean;
  readonly mirrorWeight?: number;
  readonly match?: Array<Record<string, unknown>>;
}

/** A container port of the target, as the Canary checks `targetPort` against it. */
export interface ContainerPortRef {
  readonly number: number;
  readonly name?: string;
}

/** What a target resolves to when the Canary reads it. */
export interface ResolvedTarget {
  readonly kind: CanaryTargetKind;
  readonly name: string;
  readonly namespace?: string;
  /** Known container ports, or undefined when the workload is a reference. */
  readonly ports?: ContainerPortRef[];
  /** The construct the Canary must synthesize after. */
  readonly construct?: IConstruct;
  /** A description for messages: the construct path, or `kind namespace/name`. */
  readonly describe: string;
}

/** What an autoscaler resolves to when the Canary reads it. */
export interface ResolvedAutoscaler {
  readonly apiVersion: string;
  readonly kind: CanaryAutoscalerKind;
  readonly name: string;
  readonly namespace?: string;
  /** `kind/name` of what it scales, when known. */
  readonly scales?: { readonly kind: string; readonly name: string };
  /** The construct it scales, when it is one. */
  readonly scalesConstruct?: IConstruct;
  readonly construct?: IConstruct;
  readonly describe: string;
  readonly primaryScalerReplicas?: { readonly minReplicas?: number; readonly maxReplicas?: number };
}
