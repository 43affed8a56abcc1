/**
 * Resolves URL hosts to the Services of the manifests, including those Flagger creates for each Canary.
 */
import { asList, asMap, asNumber, asString, GeneratedService, ManifestIndex, podSpecOf } from './lint-context';
import { closest } from './suggest';
import { SourcedObject } from './types';
import { classifyHost, HttpUrl, withHost } from './urls';

export type HostResolution =
  | { readonly kind: 'external' }
  | { readonly kind: 'loopback' }
  | {
    readonly kind: 'service';
    readonly name: string;
    readonly namespace: string;
    /** True when the host has no namespace and was resolved relative to the caller's namespace. */
    readonly bare: boolean;
    /** The Service of the manifests, if any. */
    readonly service?: SourcedObject;
    /** The Service a Canary makes Flagger create, if any. */
    readonly generated?: GeneratedService;
    /** Ports a client can connect to. */
    readonly ports: readonly number[];
    /** ExternalName Services and Services without ports accept any port as far as we can tell. */
    readonly anyPort: boolean;
  };

/** Container ports of a workload's pod template: numbers and names. */
export function containerPorts(workload: SourcedObject | undefined): Array<{ readonly number?: number; readonly name?: string; readonly container: string }> {
  if (!workload) return [];
  const podSpec = podSpecOf(workload.object);
  if (!podSpec) return [];
  const ports: Array<{ number?: number; name?: string; container: string }> = [];
  for (const container of asList(podSpec.containers).map(asMap)) {
    for (const port of asList(container.ports).map(asMap)) {
      ports.push({ number: asNumber(port.containerPort), name: asString(port.name), container: asString(container.name) ?? '' });
    }
  }
  return ports;
}

function servicePorts(service: SourcedObject): { ports: number[]; anyPort: boolean } {
  const spec = asMap(service.object.spec);
  if (spec.type === 'ExternalName') return { ports: [], anyPort: true };
  const entries = asList(spec.ports).map(asMap);
  if (entries.length === 0) return { ports: [], anyPort: true };
  const ports = entries.map((entry) => asNumber(entry.port)).filter((port): port is number => port !== undefined);
  // A headless Service resolves to pod IPs, so clients reach the target ports directly.
  if (spec.clusterIP === 'None') {
    for (const entry of entries) {
      const target = asNumber(entry.targetPort);
      if (target !== undefined) ports.push(target);
    }
  }
  return { ports, anyPort: false };
}

function generatedPorts(index: ManifestIndex, generated: GeneratedService): { ports: number[]; anyPort: boolean } {
  const canary = generated.canary;
  if (canary.port === undefined) return { ports: [], anyPort: true };
  const ports = [canary.port];
  // With portDiscovery, Flagger also exposes every container port of the target under its own number.
  if (canary.service.portDiscovery === true) {
    for (const port of containerPorts(index.target(canary))) if (port.number !== undefined) ports.push(port.number);
  }
  return { ports, anyPort: false };
}

/**
 * Resolves a URL's host the way the calling pod's resolver would: a bare name in `relativeNamespace`,
 * `svc.ns`, `svc.ns.svc` and `svc.ns.svc.<domain>` anywhere.
 */
export function resolveHost(index: ManifestIndex, host: string, relativeNamespace: string): HostResolution {
  const ref = classifyHost(host, (namespace) => index.isKnownNamespace(namespace));
  if (ref.kind !== 'service') return ref.kind === 'loopback' ? { kind: 'loopback' } : { kind: 'external' };
  const namespace = ref.namespace ?? relativeNamespace;
  const service = index.service(namespace, ref.name);
  const generated = index.generatedService(namespace, ref.name);
  const { ports, anyPort } = service ? servicePorts(service) : generated ? generatedPorts(index, generated) : { ports: [], anyPort: false };
  return { kind: 'service', name: ref.name, namespace, bare: ref.namespace === undefined, service, generated, ports, anyPort };
}

/** The host written in the same form as `original` (bare, `svc.ns`, or FQDN) for another Service. */
export function hostLike(original: string, name: string, namespace: string): string {
  const labels = original.split('.');
  if (labels.length >= 3 && labels[2] === 'svc') return [name, namespace, ...labels.slice(2)].join('.');
  return `${name}.${namespace}`;
}

/**
 * A corrected URL for a host that names no Service: the closest Service name in that namespace, or
 * the same name in the one namespace that has it.
 */
export function suggestServiceUrl(index: ManifestIndex, url: HttpUrl, name: string, namespace: string): string | undefined {
  const inNamespace = index.serviceNamesIn(namespace);
  const near = closest(name, inNamespace);
  if (near) return withHost(url, hostLike(url.host, near, namespace), url.port);
  const elsewhere = index.knownNamespaces().filter((other) => other !== namespace && index.serviceNamesIn(other).includes(name));
  if (elsewhere.length === 1) return withHost(url, hostLike(url.host, name, elsewhere[0]), url.port);
  const nearNamespace = closest(namespace, index.knownNamespaces());
  if (nearNamespace && index.serviceNamesIn(nearNamespace).includes(name)) return withHost(url, hostLike(url.host, name, nearNamespace), url.port);
  return undefined;
}

/** Namespaces where the Flagger controller runs, found by its image. */
export function flaggerNamespaces(index: ManifestIndex): string[] {
  const namespaces = new Set<string>();
  for (const deployment of index.ofKind('Deployment')) {
    const podSpec = podSpecOf(deployment.object);
    const images = asList(podSpec?.containers).map((c) => asString(asMap(c).image) ?? '');
    if (images.some((image) => /(^|\/)flagger(:|@|$)/.test(image))) {
      namespaces.add(asString(deployment.object.metadata?.namespace) || 'default');
    }
  }
  return [...namespaces];
}

/** The labels of a workload's pods. */
export function podLabelsOf(workload: SourcedObject): Record<string, unknown> {
  const object = workload.object;
  if (object.kind === 'Pod') return asMap(object.metadata?.labels);
  return asMap(asMap(asMap(object.spec).template).metadata).labels ?? {};
}

/** Why a Service of the manifests would have no endpoint on `port`, or undefined when it has one. */
export function missingBackend(index: ManifestIndex, service: SourcedObject, port: number): { message: string; hint: string } | undefined {
  const spec = asMap(service.object.spec);
  const selector = asMap(spec.selector);
  const entries = Object.entries(selector);
  // A Service without a selector has hand-made endpoints; an ExternalName has none to check.
  if (entries.length === 0 || spec.type === 'ExternalName') return undefined;
  const namespace = asString(service.object.metadata?.namespace) || 'default';
  const name = asString(service.object.metadata?.name) ?? '';
  const workloads = index.workloadsIn(namespace);
  const backends = workloads.filter((workload) => {
    const labels = asMap(podLabelsOf(workload));
    return entries.every(([key, value]) => labels[key] === value);
  });
  const shownSelector = entries.map(([key, value]) => `${key}=${value}`).join(', ');
  if (backends.length === 0) {
    const [firstKey, firstValue] = entries[0];
    const values = workloads.map((w) => asMap(podLabelsOf(w))[firstKey]).filter((v): v is string => typeof v === 'string');
    const near = closest(String(firstValue), values);
    return {
      message: `Service ${namespace}/${name} selects pods with ${shownSelector}, but no workload of the manifests in ${namespace} has those labels, so it has no endpoints`,
      hint: near ? `did you mean selector ${firstKey}: ${near} ?` : `set the Service's spec.selector to the labels of the loadtester's pod template.`,
    };
  }
  const servicePort = asList(spec.ports).map(asMap).find((entry) => asNumber(entry.port) === port);
  if (!servicePort) return undefined;
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const ports = backends.flatMap((backend) => containerPorts(backend));
  const isName = typeof targetPort === 'string' && !/^\d+$/.test(targetPort);
  if (!isName && ports.length === 0) return undefined;
  const found = isName ? ports.some((p) => p.name === targetPort) : ports.some((p) => p.number === Number(targetPort));
  if (found) return undefined;
  const listed = ports.map((p) => (p.name ? `${p.name}/${p.number}` : `${p.number}`)).join(', ') || 'none';
  return {
    message: `Service ${namespace}/${name} sends port ${port} to targetPort ${JSON.stringify(targetPort)}, which is not a port of its pods (${listed})`,
    hint: `set the Service's targetPort to one of the container ports: ${ports.map((p) => (isName && p.name ? p.name : p.number)).join(', ')}`,
  };
}
