/**
 * The index every rule reads: objects by kind and name, Canaries with their defaults applied,
 * and the Services Flagger will create. Built once per lint run.
 */
import { parseGoDuration } from './duration';
import { Finding, KubeObject, Severity, SourcedObject } from './types';

/** Flagger's analysis interval when `interval` is empty or unparsable (`AnalysisInterval` in Flagger). */
export const DEFAULT_ANALYSIS_INTERVAL_MS = 60_000;
/** Flagger raises shorter analysis intervals to 10s. */
export const MIN_ANALYSIS_INTERVAL_MS = 10_000;
/** Flagger's metric window when a metric has no `interval` (`MetricInterval`). */
export const DEFAULT_METRIC_INTERVAL = '1m';
/** Flagger's webhook timeout when `timeout` is shorter than two characters. */
export const DEFAULT_WEBHOOK_TIMEOUT = '10s';
/** Flagger's default `-selector-labels`. */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
/** Prometheus' default scrape interval. */
export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;
/** The metrics Flagger computes itself for every mesh provider. */
export const BUILTIN_METRICS = ['request-success-rate', 'request-duration'];

export interface LintOptions {
  /** Prometheus scrape interval in milliseconds (default 15000). */
  readonly scrapeIntervalMs?: number;
}

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'PriorityClass', 'IngressClass', 'APIService', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'GatewayClass', 'ClusterIssuer',
]);

export type Json = any;

/** Workload kinds whose pod template is at `spec.template`. */
export const POD_TEMPLATE_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** The pod spec of a workload, Pod or CronJob. */
export function podSpecOf(object: KubeObject): Record<string, Json> | undefined {
  const kind = kindOf(object);
  const spec = asMap(object.spec);
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') return asMap(asMap(asMap(asMap(spec.jobTemplate).spec).template).spec);
  if (POD_TEMPLATE_KINDS.has(kind)) return asMap(asMap(spec.template).spec);
  return undefined;
}

/** A mapping, or an empty one for anything else: rules read untyped YAML without crashing on odd input. */
export function asMap(value: unknown): Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, Json> : {};
}

export function asList(value: unknown): Json[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function kindOf(object: KubeObject): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

export function nameOf(object: KubeObject): string {
  return asString(object.metadata?.name) ?? '';
}

/** The namespace an object lands in: its own, or `default` (what `kubectl apply -f` does without `-n`). */
export function namespaceOf(object: KubeObject): string {
  if (CLUSTER_SCOPED.has(kindOf(object))) return '';
  return asString(object.metadata?.namespace) || 'default';
}

export function apiGroupOf(object: KubeObject): string {
  const apiVersion = asString(object.apiVersion) ?? '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function key(a: string, b: string, c?: string, d?: string): string {
  if (c === undefined) return `${a}/${b}`;
  return d === undefined ? `${a}/${b}/${c}` : `${a}/${b}/${c}/${d}`;
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function describeObject(object: KubeObject): string {
  const namespace = namespaceOf(object);
  return namespace ? `${kindOf(object)}/${namespace}/${nameOf(object)}` : `${kindOf(object)}/${nameOf(object)}`;
}

/** A webhook of a Canary with Flagger's defaults applied. */
export interface WebhookView {
  readonly raw: Record<string, Json>;
  readonly index: number;
  readonly name: string;
  /** `rollout` when `type` is empty, as in Flagger. */
  readonly type: string;
  readonly url?: string;
  readonly metadata: Record<string, Json>;
  /** `metadata.cmd`, when it is a string. */
  readonly cmd?: string;
  /** The field path, e.g. `spec.analysis.webhooks[1]`, for messages. */
  readonly path: string;
}

/** A Canary with Flagger's defaults applied. */
export interface CanaryView {
  readonly sourced: SourcedObject;
  readonly name: string;
  readonly namespace: string;
  readonly spec: Record<string, Json>;
  readonly targetRef?: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly autoscalerRef?: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly service: Record<string, Json>;
  /** `service.port`. */
  readonly port?: number;
  /** Flagger's apex Service and VirtualService name: `service.name`, else the target's name. */
  readonly apex: string;
  readonly primaryService: string;
  readonly canaryService: string;
  /** `spec.analysis` (or the deprecated `spec.canaryAnalysis`). */
  readonly analysis: Record<string, Json>;
  /** `analysis` or `canaryAnalysis`, for messages. */
  readonly analysisPath: string;
  /** `spec.provider`, or `istio` when empty (this project's Flagger install). */
  readonly provider: string;
  readonly isIstio: boolean;
  /** The analysis interval Flagger will use. */
  readonly intervalMs: number;
  readonly webhooks: readonly WebhookView[];
  readonly metrics: readonly Record<string, Json>[];
}

function refOf(value: unknown): CanaryView['targetRef'] {
  const ref = asMap(value);
  if (Object.keys(ref).length === 0) return undefined;
  return { apiVersion: asString(ref.apiVersion) ?? '', kind: asString(ref.kind) ?? '', name: asString(ref.name) ?? '' };
}

/** Go's ParseDuration over Flagger's rules for the analysis interval. */
export function analysisIntervalMs(interval: unknown): number {
  if (typeof interval !== 'string' || interval === '') return DEFAULT_ANALYSIS_INTERVAL_MS;
  const parsed = parseGoDuration(interval);
  if (parsed === undefined) return DEFAULT_ANALYSIS_INTERVAL_MS;
  return Math.max(parsed, MIN_ANALYSIS_INTERVAL_MS);
}

function canaryView(sourced: SourcedObject): CanaryView {
  const object = sourced.object;
  const spec = asMap(object.spec);
  const targetRef = refOf(spec.targetRef);
  const service = asMap(spec.service);
  const apex = asString(service.name) || targetRef?.name || '';
  const analysisPath = spec.analysis === undefined && spec.canaryAnalysis !== undefined ? 'canaryAnalysis' : 'analysis';
  const analysis = asMap(spec[analysisPath]);
  const provider = asString(spec.provider) || 'istio';
  const webhooks = asList(analysis.webhooks).map((raw, index): WebhookView => {
    const hook = asMap(raw);
    const metadata = asMap(hook.metadata);
    return {
      raw: hook,
      index,
      name: asString(hook.name) ?? `#${index + 1}`,
      type: asString(hook.type) || 'rollout',
      url: asString(hook.url),
      metadata,
      cmd: asString(metadata.cmd),
      path: `spec.${analysisPath}.webhooks[${index}]`,
    };
  });
  return {
    sourced,
    name: nameOf(object),
    namespace: namespaceOf(object),
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
    isIstio: provider === 'istio',
    intervalMs: analysisIntervalMs(analysis.interval),
    webhooks,
    metrics: asList(analysis.metrics).map(asMap),
  };
}

/** A Service Flagger creates for a Canary. */
export interface GeneratedService {
  readonly canary: CanaryView;
  readonly role: 'apex' | 'primary' | 'canary';
}

/** Objects by kind, namespace and name, looked up in constant time. */
export class ManifestIndex {
  readonly objects: readonly SourcedObject[];
  readonly canaries: readonly CanaryView[];
  readonly virtualServices: readonly SourcedObject[] = [];
  readonly namespaceObjects: readonly SourcedObject[] = [];
  private readonly byKey = new Map<string, SourcedObject>();
  private readonly byKind = new Map<string, SourcedObject[]>();
  private readonly servicesByNamespace = new Map<string, SourcedObject[]>();
  private readonly gatewaysByKey = new Map<string, SourcedObject>();
  private readonly virtualServicesByKey = new Map<string, SourcedObject>();
  private readonly namespacesInUse = new Set<string>();
  private readonly generated = new Map<string, GeneratedService>();
  private readonly scalersByTarget = new Map<string, SourcedObject[]>();
  private readonly workloadsByNamespace = new Map<string, SourcedObject[]>();

  constructor(objects: readonly SourcedObject[]) {
    this.objects = [...objects].sort((a, b) => a.source.order - b.source.order);
    const virtualServices: SourcedObject[] = [];
    const namespaces: SourcedObject[] = [];
    for (const sourced of this.objects) {
      const object = sourced.object;
      const kind = kindOf(object);
      const namespace = namespaceOf(object);
      const name = nameOf(object);
      const group = apiGroupOf(object);
      if (namespace) this.namespacesInUse.add(namespace);
      const list = this.byKind.get(kind);
      if (list) list.push(sourced);
      else this.byKind.set(kind, [sourced]);
      const objectKey = key(group, kind, namespace, name);
      if (!this.byKey.has(objectKey)) this.byKey.set(objectKey, sourced);
      if (kind === 'Pod' || (POD_TEMPLATE_KINDS.has(kind) && (group === 'apps' || group === 'batch' || group === ''))) {
        const workloads = this.workloadsByNamespace.get(namespace);
        if (workloads) workloads.push(sourced);
        else this.workloadsByNamespace.set(namespace, [sourced]);
      }
      if (kind === 'Service' && group === '') {
        const services = this.servicesByNamespace.get(namespace);
        if (services) services.push(sourced);
        else this.servicesByNamespace.set(namespace, [sourced]);
      } else if (kind === 'Gateway' && group === 'networking.istio.io') {
        if (!this.gatewaysByKey.has(key(namespace, name))) this.gatewaysByKey.set(key(namespace, name), sourced);
      } else if (kind === 'VirtualService' && group === 'networking.istio.io') {
        virtualServices.push(sourced);
        if (!this.virtualServicesByKey.has(key(namespace, name))) this.virtualServicesByKey.set(key(namespace, name), sourced);
      } else if (kind === 'Namespace' && group === '') {
        namespaces.push(sourced);
        this.namespacesInUse.add(name);
      } else if ((kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') || (kind === 'ScaledObject' && group === 'keda.sh')) {
        const target = asMap(asMap(object.spec).scaleTargetRef);
        const targetKey = key(asString(target.kind) || 'Deployment', namespace, asString(target.name) ?? '');
        const scalers = this.scalersByTarget.get(targetKey);
        if (scalers) scalers.push(sourced);
        else this.scalersByTarget.set(targetKey, [sourced]);
      }
    }
    this.virtualServices = virtualServices;
    this.namespaceObjects = namespaces;
    this.canaries = (this.byKind.get('Canary') ?? []).filter((s) => apiGroupOf(s.object) === 'flagger.app').map(canaryView);
    for (const canary of this.canaries) {
      if (!canary.apex) continue;
      const roles: Array<[string, GeneratedService['role']]> = [[canary.apex, 'apex'], [canary.primaryService, 'primary'], [canary.canaryService, 'canary']];
      for (const [name, role] of roles) {
        const generatedKey = key(canary.namespace, name);
        if (!this.generated.has(generatedKey)) this.generated.set(generatedKey, { canary, role });
      }
    }
  }

  /** Objects of `kind` in order. */
  ofKind(kind: string): readonly SourcedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** An object by API group (`''` for the core group), kind, namespace and name. */
  get(group: string, kind: string, namespace: string, name: string): SourcedObject | undefined {
    return this.byKey.get(key(group, kind, namespace, name));
  }

  /** A core Service. */
  service(namespace: string, name: string): SourcedObject | undefined {
    return this.get('', 'Service', namespace, name);
  }

  servicesIn(namespace: string): readonly SourcedObject[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  /** The Service Flagger will create with this name, if a Canary of the manifests creates it. */
  generatedService(namespace: string, name: string): GeneratedService | undefined {
    return this.generated.get(key(namespace, name));
  }

  /** Names of the Services that will exist in a namespace: those of the manifests and those Flagger creates. */
  serviceNamesIn(namespace: string): string[] {
    const names = new Set(this.servicesIn(namespace).map((s) => nameOf(s.object)));
    for (const canary of this.canaries) {
      if (canary.namespace === namespace && canary.apex) for (const name of [canary.apex, canary.canaryService, canary.primaryService]) names.add(name);
    }
    return [...names].sort();
  }

  /** An Istio Gateway of any `networking.istio.io` version. */
  gateway(namespace: string, name: string): SourcedObject | undefined {
    return this.gatewaysByKey.get(key(namespace, name));
  }

  gatewayKeys(): string[] {
    return [...this.gatewaysByKey.keys()];
  }

  virtualService(namespace: string, name: string): SourcedObject | undefined {
    return this.virtualServicesByKey.get(key(namespace, name));
  }

  namespaceObject(name: string): SourcedObject | undefined {
    return this.get('', 'Namespace', '', name);
  }

  /** Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and Pods of a namespace. */
  workloadsIn(namespace: string): readonly SourcedObject[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** A namespace that has a Namespace object or any object in it. */
  isKnownNamespace(name: string): boolean {
    return this.namespacesInUse.has(name);
  }

  knownNamespaces(): string[] {
    return [...this.namespacesInUse].sort();
  }

  /** HorizontalPodAutoscalers and ScaledObjects whose scaleTargetRef names this workload. */
  scalersOf(kind: string, namespace: string, name: string): readonly SourcedObject[] {
    return this.scalersByTarget.get(key(kind, namespace, name)) ?? [];
  }

  /** The workload a Canary's targetRef names, if it is in the manifests. */
  target(canary: CanaryView): SourcedObject | undefined {
    const ref = canary.targetRef;
    if (!ref || !ref.name) return undefined;
    if (ref.kind === 'Service') {
      const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
      return this.get(group, 'Service', canary.namespace, ref.name);
    }
    return this.get('apps', ref.kind, canary.namespace, ref.name);
  }
}

/** What a rule gets. */
export interface LintContext {
  readonly index: ManifestIndex;
  readonly scrapeIntervalMs: number;
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

/**
 * A rule, or a small family of closely related rules: their documentation and one plain function over the
 * context that returns their findings.
 */
export interface RuleSet {
  readonly rules: readonly RuleInfo[];
  readonly check: (context: LintContext) => Finding[];
}

/** The `kubectl apply` position of the object each finding is about, for sorting. */
const findingOrder = new WeakMap<Finding, number>();

/** The position of a finding's object in `kubectl apply -f` order. */
export function orderOfFinding(f: Finding): number {
  return findingOrder.get(f) ?? Number.MAX_SAFE_INTEGER;
}

/** A finding of `rule` on `sourced`. */
export function finding(rule: RuleInfo, sourced: SourcedObject, message: string, hint: string, severity: Severity = rule.severity): Finding {
  const object = sourced.object;
  const result: Finding = {
    severity,
    rule: rule.id,
    kind: kindOf(object),
    namespace: namespaceOf(object),
    name: nameOf(object),
    file: sourced.source.file ?? sourced.source.path ?? '',
    message,
    hint,
  };
  findingOrder.set(result, sourced.source.order);
  return result;
}
