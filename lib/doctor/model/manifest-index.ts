/**
 * The index lint, explain and the URL resolution read: the objects of the manifests by kind, namespace
 * and name, their Canaries as Flagger sees them, the Flagger controllers among them, and the Services
 * Flagger will create. Built once per run; lookups take constant time.
 */
import { ASSUMED_FLAGGER, FlaggerInstall, flaggerInstallOf, flaggerInstallOfHelmRelease } from '../flagger/install';
import { loadtesterServiceOfHelmRelease } from '../flagger/loadtester';
import { CanaryView, canaryView, ObjectRef } from './canary-view';
import { Delegation, delegationsOf } from './delegation';
import { canaryProviderOf } from './provider';
import { apiGroupOf, kindOf, nameOf, namespaceOf, SourcedObject } from './object';
import { POD_TEMPLATE_KINDS, podLabelsOf } from './workload';
import { asMap, asString } from './yaml';

function key(a: string, b: string, c?: string, d?: string): string {
  if (c === undefined) return `${a}/${b}`;
  return d === undefined ? `${a}/${b}/${c}` : `${a}/${b}/${c}/${d}`;
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
  /** The delegations of the Istio VirtualServices, in order. */
  readonly delegations: readonly Delegation[];
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
    // The Services that Helm releases of the manifests render (Flagger's loadtester chart), for URL resolution.
    const rendered = this.objects.flatMap((sourced) => {
      if (kindOf(sourced.object) !== 'HelmRelease' || apiGroupOf(sourced.object.apiVersion) !== 'helm.toolkit.fluxcd.io') return [];
      const service = loadtesterServiceOfHelmRelease(sourced.object);
      return service ? [{ object: service, source: sourced.source }] : [];
    });
    const virtualServices: SourcedObject[] = [];
    const namespaces: SourcedObject[] = [];
    for (const sourced of this.objects) {
      const object = sourced.object;
      const kind = kindOf(object);
      const namespace = namespaceOf(object);
      const name = nameOf(object);
      const group = apiGroupOf(object.apiVersion);
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
        this.addService(sourced);
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
    for (const service of rendered) {
      if (this.byKey.has(key('', 'Service', namespaceOf(service.object), nameOf(service.object)))) continue;
      this.byKey.set(key('', 'Service', namespaceOf(service.object), nameOf(service.object)), service);
      this.namespacesInUse.add(namespaceOf(service.object));
      this.addService(service);
    }
    this.virtualServices = virtualServices;
    this.delegations = delegationsOf(virtualServices);
    this.namespaceObjects = namespaces;
    this.flaggers = [
      ...(this.byKind.get('Deployment') ?? []).map(flaggerInstallOf),
      ...(this.byKind.get('HelmRelease') ?? []).filter((s) => apiGroupOf(s.object.apiVersion) === 'helm.toolkit.fluxcd.io').map(flaggerInstallOfHelmRelease),
    ].filter((f): f is FlaggerInstall => f !== undefined);
    const targetOf = (ref: ObjectRef | undefined, namespace: string) => this.targetOf(ref, namespace);
    this.canaries = (this.byKind.get('Canary') ?? []).filter((s) => apiGroupOf(s.object.apiVersion) === 'flagger.app')
      .map((sourced) => {
        const flagger = this.flaggerFor(namespaceOf(sourced.object));
        return canaryView(sourced, flagger, targetOf, (target) => canaryProviderOf(sourced, flagger, target, this));
      });
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

  private addService(service: SourcedObject): void {
    const namespace = namespaceOf(service.object);
    const services = this.servicesByNamespace.get(namespace);
    if (services) services.push(service);
    else this.servicesByNamespace.set(namespace, [service]);
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

  /** Names of the objects of a group and kind in a namespace, for "did you mean" hints. */
  namesOf(group: string, kind: string, namespace: string): string[] {
    return this.ofKind(kind).filter((s) => apiGroupOf(s.object.apiVersion) === group && namespaceOf(s.object) === namespace).map((s) => nameOf(s.object));
  }

  private targetOf(ref: ObjectRef | undefined, namespace: string): SourcedObject | undefined {
    if (!ref || !ref.name) return undefined;
    return this.get(targetGroupOf(ref), ref.kind, namespace, ref.name);
  }
}

/** The API group a targetRef's workload is looked up in: its own for a Service, `apps` for the workloads Flagger rolls out. */
export function targetGroupOf(ref: ObjectRef): string {
  return ref.kind === 'Service' ? apiGroupOf(ref.apiVersion) : 'apps';
}
