/**
 * The index every rule reads: objects by kind and name, Canaries with their defaults applied,
 * and the Services Flagger will create. Built once per lint run.
 */
import { readSettings, Settings } from '../plan/settings';
import { parseShell, SimpleCommand } from '../util/shell';
import { Finding, KubeObject, Severity, SourcedObject } from './object';

/** Flagger's metric window when a metric has no `interval` (`MetricInterval`). */
export const DEFAULT_METRIC_INTERVAL = '1m';
/** Flagger's webhook timeout when `timeout` is shorter than two characters. */
export const DEFAULT_WEBHOOK_TIMEOUT = '10s';
/** Flagger's default `-selector-labels`. */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
/** Flagger's default `-mesh-provider`. */
export const DEFAULT_MESH_PROVIDER = 'istio';
/** Where Flagger runs when no Flagger Deployment is linted: the namespace of the Istio install. */
export const ASSUMED_FLAGGER_NAMESPACE = 'istio-system';
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

/** The labels of a workload's pods (a Pod's own labels). */
export function podLabelsOf(workload: SourcedObject): Record<string, unknown> {
  const object = workload.object;
  if (object.kind === 'Pod') return asMap(object.metadata?.labels);
  return asMap(asMap(asMap(asMap(object.spec).template).metadata).labels);
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
  /** The simple commands of `cmd`, parsed once. */
  readonly commands: readonly SimpleCommand[];
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
  /** `spec.provider`, or the `-mesh-provider` of the Flagger that handles the Canary (istio by default). */
  readonly provider: string;
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
  readonly metrics: readonly Record<string, Json>[];
}

function refOf(value: unknown): CanaryView['targetRef'] {
  const ref = asMap(value);
  if (Object.keys(ref).length === 0) return undefined;
  return { apiVersion: asString(ref.apiVersion) ?? '', kind: asString(ref.kind) ?? '', name: asString(ref.name) ?? '' };
}

/** How a Flagger controller of the manifests runs: read from its container's command line. */
export interface FlaggerInstall {
  /** The namespace it runs in; webhook URLs with a bare host resolve there. */
  readonly namespace: string;
  /** `-mesh-provider`. */
  readonly meshProvider: string;
  /** `-selector-labels`. */
  readonly selectorLabels: readonly string[];
  /** `-namespace`: the only namespace it watches, or '' for all. */
  readonly watchNamespace: string;
  /** The Deployment it was read from; undefined when no Flagger Deployment is linted and the defaults are assumed. */
  readonly deployment?: SourcedObject;
}

const ASSUMED_FLAGGER: FlaggerInstall = {
  namespace: ASSUMED_FLAGGER_NAMESPACE, meshProvider: DEFAULT_MESH_PROVIDER, selectorLabels: SELECTOR_LABELS, watchNamespace: '',
};

/** Flagger's boolean flags; every other flag takes a value, as `-name=value` or `-name value`. */
const FLAGGER_BOOLEAN_FLAGS = new Set(['zap-replace-globals', 'enable-leader-election', 'enable-config-tracking', 'version', 'no-cross-namespace-refs']);

/** Go `flag` parsing of Flagger's arguments: flags end at the first word that is not one. */
function flaggerFlags(words: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--' || !word.startsWith('-') || word === '-') break;
    const body = word.replace(/^--?/, '');
    const equals = body.indexOf('=');
    if (equals >= 0) flags.set(body.slice(0, equals), body.slice(equals + 1));
    else if (FLAGGER_BOOLEAN_FLAGS.has(body)) flags.set(body, 'true');
    else if (i + 1 < words.length) flags.set(body, words[++i]);
  }
  return flags;
}

const FLAGGER_IMAGE = /(^|\/)flagger(:|@|$)/;

/** The Flagger controller a Deployment runs, if it runs one. */
function flaggerInstallOf(deployment: SourcedObject): FlaggerInstall | undefined {
  const containers = asList(podSpecOf(deployment.object)?.containers).map(asMap);
  const container = containers.find((c) => FLAGGER_IMAGE.test(asString(c.image) ?? ''));
  if (!container) return undefined;
  const strings = (value: unknown) => asList(value).filter((word): word is string => typeof word === 'string');
  // The image's entrypoint is ./flagger; a command replaces it, so its first word is the program.
  const flags = flaggerFlags([...strings(container.command).slice(1), ...strings(container.args)]);
  const labels = flags.get('selector-labels');
  return {
    namespace: namespaceOf(deployment.object),
    meshProvider: flags.get('mesh-provider') || DEFAULT_MESH_PROVIDER,
    selectorLabels: labels ? labels.split(',') : SELECTOR_LABELS,
    watchNamespace: flags.get('namespace') ?? '',
    deployment,
  };
}

function canaryView(sourced: SourcedObject, flagger: FlaggerInstall, targetOf: (ref: CanaryView['targetRef'], namespace: string) => SourcedObject | undefined): CanaryView {
  const object = sourced.object;
  const spec = asMap(object.spec);
  const targetRef = refOf(spec.targetRef);
  const service = asMap(spec.service);
  const apex = asString(service.name) || targetRef?.name || '';
  const analysisPath = spec.analysis === undefined && spec.canaryAnalysis !== undefined ? 'canaryAnalysis' : 'analysis';
  const analysis = asMap(spec[analysisPath]);
  const provider = asString(spec.provider) || flagger.meshProvider;
  const namespace = namespaceOf(object);
  const target = targetOf(targetRef, namespace);
  const settings = readSettings(object, [], [], { meshProvider: flagger.meshProvider });
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
      commands: typeof metadata.cmd === 'string' ? parseShell(metadata.cmd) : [],
      path: `spec.${analysisPath}.webhooks[${index}]`,
    };
  });
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
    isIstio: provider === 'istio',
    flagger,
    target,
    apexTrusted: Boolean(asString(service.name)) || target !== undefined,
    skipAnalysis: spec.skipAnalysis === true || (spec.analysis === undefined && spec.canaryAnalysis === undefined),
    settings,
    intervalMs: settings.intervalMs,
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
  private readonly serviceNamesByNamespace = new Map<string, Set<string>>();
  private workloadsByLabel?: Map<string, SourcedObject[]>;
  private readonly selectedWorkloads = new Map<SourcedObject, readonly SourcedObject[]>();
  /** The Flagger controllers of the manifests, in order. */
  readonly flaggers: readonly FlaggerInstall[];

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
    this.flaggers = (this.byKind.get('Deployment') ?? []).map(flaggerInstallOf).filter((f): f is FlaggerInstall => f !== undefined);
    const targetOf = (ref: CanaryView['targetRef'], namespace: string) => this.targetOf(ref, namespace);
    this.canaries = (this.byKind.get('Canary') ?? []).filter((s) => apiGroupOf(s.object) === 'flagger.app')
      .map((sourced) => canaryView(sourced, this.flaggerFor(namespaceOf(sourced.object)), targetOf));
    for (const [namespace, services] of this.servicesByNamespace) {
      this.serviceNamesByNamespace.set(namespace, new Set(services.map((s) => nameOf(s.object))));
    }
    for (const canary of this.canaries) {
      if (!canary.apex) continue;
      const roles: Array<[string, GeneratedService['role']]> = [[canary.apex, 'apex'], [canary.primaryService, 'primary'], [canary.canaryService, 'canary']];
      for (const [name, role] of roles) {
        const generatedKey = key(canary.namespace, name);
        if (!this.generated.has(generatedKey)) this.generated.set(generatedKey, { canary, role });
        const names = this.serviceNamesByNamespace.get(canary.namespace);
        if (names) names.add(name);
        else this.serviceNamesByNamespace.set(canary.namespace, new Set([name]));
      }
    }
  }

  /**
   * The Flagger controller that handles Canaries of `namespace`: the first of the manifests that watches it
   * (all namespaces, or `-namespace` equal to it), else Flagger's defaults in istio-system.
   */
  flaggerFor(namespace: string): FlaggerInstall {
    return this.flaggers.find((f) => f.watchNamespace === '' || f.watchNamespace === namespace) ?? ASSUMED_FLAGGER;
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
    return [...(this.serviceNamesByNamespace.get(namespace) ?? [])].sort();
  }

  /** Whether a Service of that name will exist: one of the manifests or one Flagger creates. */
  hasServiceName(namespace: string, name: string): boolean {
    return this.serviceNamesByNamespace.get(namespace)?.has(name) ?? false;
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

  /** The workloads of the manifests whose pods a Service's selector matches; computed once per Service. */
  workloadsSelectedBy(service: SourcedObject): readonly SourcedObject[] {
    let selected = this.selectedWorkloads.get(service);
    if (!selected) {
      const entries = Object.entries(asMap(asMap(service.object.spec).selector));
      selected = entries.length === 0 ? [] : this.workloadsWithLabel(namespaceOf(service.object), entries[0][0], entries[0][1]).filter((workload) => {
        const labels = podLabelsOf(workload);
        return entries.every(([name, value]) => labels[name] === value);
      });
      this.selectedWorkloads.set(service, selected);
    }
    return selected;
  }

  /** Workloads of a namespace whose pods carry the label `name=value`; indexed on first use. */
  private workloadsWithLabel(namespace: string, name: string, value: unknown): readonly SourcedObject[] {
    if (!this.workloadsByLabel) {
      this.workloadsByLabel = new Map();
      for (const [workloadNamespace, workloads] of this.workloadsByNamespace) {
        for (const workload of workloads) {
          for (const [labelName, labelValue] of Object.entries(podLabelsOf(workload))) {
            if (typeof labelValue !== 'string') continue;
            const labelKey = key(workloadNamespace, labelName, labelValue);
            const list = this.workloadsByLabel.get(labelKey);
            if (list) list.push(workload);
            else this.workloadsByLabel.set(labelKey, [workload]);
          }
        }
      }
    }
    return typeof value === 'string' ? this.workloadsByLabel.get(key(namespace, name, value)) ?? [] : [];
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
    return canary.target;
  }

  private targetOf(ref: CanaryView['targetRef'], namespace: string): SourcedObject | undefined {
    if (!ref || !ref.name) return undefined;
    if (ref.kind === 'Service') {
      const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
      return this.get(group, 'Service', namespace, ref.name);
    }
    return this.get('apps', ref.kind, namespace, ref.name);
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

/** The `kubectl apply` position of a finding's object: a non-enumerable property, so JSON output and equality ignore it. */
const ORDER = Symbol('order');

/** The position of a finding's object in `kubectl apply -f` order. */
export function orderOfFinding(f: Finding): number {
  const order = (f as Finding & { [ORDER]?: number })[ORDER];
  return order ?? Number.MAX_SAFE_INTEGER;
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
  Object.defineProperty(result, ORDER, { value: sourced.source.order, enumerable: false });
  return result;
}
