/**
 * A Canary as Flagger sees it: its fields with Flagger's defaults applied, the names of the Services
 * and VirtualService Flagger derives from it, the Flagger controller that handles it, and its webhooks
 * with their commands parsed once.
 */
import { webhookTypeOf } from '../flagger/canary';
import { FlaggerInstall } from '../flagger/install';
import { CanaryProvider } from './provider';
import { readSettings, Settings } from '../plan/settings';
import { parseShell, SimpleCommand } from '../util/shell';
import { nameOf, namespaceOf, SourcedObject } from './object';
import { asList, asMap, asNumber, asString } from './yaml';

/** A webhook of a Canary with Flagger's defaults applied. */
export interface WebhookView {
  readonly raw: Record<string, unknown>;
  readonly index: number;
  readonly name: string;
  /** `rollout` when `type` is empty, as in Flagger. */
  readonly type: string;
  readonly url?: string;
  readonly metadata: Record<string, unknown>;
  /** `metadata.cmd`, when it is a string. */
  readonly cmd?: string;
  /** The simple commands of `cmd`, parsed once. */
  readonly commands: readonly SimpleCommand[];
  /** The field path, e.g. `spec.analysis.webhooks[1]`, for messages. */
  readonly path: string;
}

/** A reference to another object: `targetRef`, `autoscalerRef`. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** A Canary with Flagger's defaults applied. */
export interface CanaryView {
  readonly sourced: SourcedObject;
  readonly name: string;
  readonly namespace: string;
  readonly spec: Record<string, unknown>;
  readonly targetRef?: ObjectRef;
  readonly autoscalerRef?: ObjectRef;
  readonly service: Record<string, unknown>;
  /** `service.port`. */
  readonly port?: number;
  /** Flagger's apex Service and VirtualService name: `service.name`, else the target's name. */
  readonly apex: string;
  readonly primaryService: string;
  readonly canaryService: string;
  /** `spec.analysis` (or the deprecated `spec.canaryAnalysis`). */
  readonly analysis: Record<string, unknown>;
  /** `analysis` or `canaryAnalysis`, for messages. */
  readonly analysisPath: string;
  /** `spec.provider`, or the `-mesh-provider` of the Flagger that handles the Canary, or the one the manifests point at (istio by default). */
  readonly provider: string;
  /** The provider with its router family and where it comes from. */
  readonly providerInfo: CanaryProvider;
  /** Flagger routes it with the Istio router (also for a provider name Flagger does not know, which falls back to it). */
  readonly isIstio: boolean;
  /** The Flagger controller that handles this Canary. */
  readonly flagger: FlaggerInstall;
  /** The workload `targetRef` names, when it is among the linted objects. */
  readonly target?: SourcedObject;
  /**
   * False when the apex name comes from a `targetRef` that names no linted workload: names derived from it
   * (`<apex>-canary`, the delegate) are then likely typos themselves, and rules that compare with them stay quiet.
   */
  readonly apexTrusted: boolean;
  /** No analysis runs: `spec.skipAnalysis: true` (Flagger also skips a Canary without analysis). */
  readonly skipAnalysis: boolean;
  /** The analysis as the plan engine reads it: Flagger's defaults, strategy and weights. */
  readonly settings: Settings;
  /** The analysis interval Flagger will use (`settings.intervalMs`). */
  readonly intervalMs: number;
  readonly webhooks: readonly WebhookView[];
  readonly metrics: readonly Record<string, unknown>[];
}

function refOf(value: unknown): ObjectRef | undefined {
  const ref = asMap(value);
  if (Object.keys(ref).length === 0) return undefined;
  return { apiVersion: asString(ref.apiVersion) ?? '', kind: asString(ref.kind) ?? '', name: asString(ref.name) ?? '' };
}

function webhookView(raw: unknown, index: number, analysisPath: string): WebhookView {
  const hook = asMap(raw);
  const metadata = asMap(hook.metadata);
  const cmd = asString(metadata.cmd);
  return {
    raw: hook,
    index,
    name: asString(hook.name) ?? `#${index + 1}`,
    type: webhookTypeOf(hook),
    url: asString(hook.url),
    metadata,
    cmd,
    commands: cmd !== undefined ? parseShell(cmd) : [],
    path: `spec.${analysisPath}.webhooks[${index}]`,
  };
}

/**
 * Reads a Canary; `targetOf` finds the workload its targetRef names, `providerOf` decides its provider
 * (model/provider.ts).
 */
export function canaryView(sourced: SourcedObject, flagger: FlaggerInstall, targetOf: (ref: ObjectRef | undefined, namespace: string) => SourcedObject | undefined,
  providerOf: (target: SourcedObject | undefined) => CanaryProvider): CanaryView {
  const object = sourced.object;
  const spec = asMap(object.spec);
  const targetRef = refOf(spec.targetRef);
  const service = asMap(spec.service);
  const apex = asString(service.name) || targetRef?.name || '';
  const analysisPath = spec.analysis === undefined && spec.canaryAnalysis !== undefined ? 'canaryAnalysis' : 'analysis';
  const analysis = asMap(spec[analysisPath]);
  const namespace = namespaceOf(object);
  const target = targetOf(targetRef, namespace);
  const providerInfo = providerOf(target);
  const provider = providerInfo.name;
  const settings = readSettings(object, [], [], { meshProvider: provider });
  return {
    sourced,
    name: nameOf(object),
    namespace,
    spec,
    targetRef,
    autoscalerRef: refOf(spec.autoscalerRef),
    service,
    port: asNumber(service.port),
    apex,
    primaryService: `${apex}-primary`,
    canaryService: `${apex}-canary`,
    analysis,
    analysisPath,
    provider,
    providerInfo,
    isIstio: providerInfo.family === 'istio' || providerInfo.family === undefined,
    flagger,
    target,
    apexTrusted: Boolean(asString(service.name)) || target !== undefined,
    skipAnalysis: spec.skipAnalysis === true || (spec.analysis === undefined && spec.canaryAnalysis === undefined),
    settings,
    intervalMs: settings.intervalMs,
    webhooks: asList(analysis.webhooks).map((raw, index) => webhookView(raw, index, analysisPath)),
    metrics: asList(analysis.metrics).map(asMap),
  };
}
