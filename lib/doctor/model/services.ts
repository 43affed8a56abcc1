/**
 * Resolves URL hosts to the Services of the manifests, including those Flagger creates for each Canary,
 * the way a pod's resolver does.
 */
import { closest } from '../util/suggest';
import { classifyHost, HttpUrl, parseUrl, withHost } from '../util/urls';
import { CanaryView, WebhookView } from './canary-view';
import { GeneratedService, ManifestIndex } from './manifest-index';
import { nameOf, namespaceOf, SourcedObject } from './object';
import { containerPorts, podLabelsOf } from './workload';
import { asList, asMap, asNumber, asString } from './yaml';

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

/** The ports Flagger gives a Canary's Services: service.port, and with portDiscovery every container port of the target. */
export function canaryServicePorts(canary: CanaryView): number[] {
  if (canary.port === undefined) return [];
  const ports = [canary.port];
  if (canary.service.portDiscovery === true) {
    for (const port of containerPorts(canary.target)) if (port.number !== undefined) ports.push(port.number);
  }
  return ports;
}

function generatedPorts(generated: GeneratedService): { ports: number[]; anyPort: boolean } {
  const ports = canaryServicePorts(generated.canary);
  return { ports, anyPort: ports.length === 0 };
}

const TLS_NAME = /^(https|tls)(-|$)/i;
const PLAIN_NAME = /^(http|http2|h2c|grpc|grpc-web)(-|$)/i;

/**
 * Whether a Service port speaks TLS, from its name or appProtocol (Istio's port naming): `tls`, `plain`, or
 * `unknown`. The ports of the Services Flagger generates are named service.portName, `http` by default.
 */
export function portProtocol(resolved: HostResolution, port: number): 'tls' | 'plain' | 'unknown' {
  if (resolved.kind !== 'service') return 'unknown';
  let name: string | undefined;
  let appProtocol: string | undefined;
  if (resolved.service) {
    const entry = asList(asMap(resolved.service.object.spec).ports).map(asMap).find((p) => asNumber(p.port) === port);
    if (!entry) return 'unknown';
    name = asString(entry.name);
    appProtocol = asString(entry.appProtocol);
  } else if (resolved.generated) {
    const service = resolved.generated.canary.service;
    if (resolved.generated.canary.port !== port) return 'unknown';
    name = asString(service.portName) || 'http';
    appProtocol = asString(service.appProtocol);
  }
  if ((appProtocol && /^(https|tls)$/i.test(appProtocol)) || (name && TLS_NAME.test(name))) return 'tls';
  if ((appProtocol && /^(http|http2|grpc|kubernetes\.io\/h2c)$/i.test(appProtocol)) || (name && PLAIN_NAME.test(name))) return 'plain';
  return 'unknown';
}

/** Why an https:// URL fails on a plain HTTP port, or undefined. */
export function tlsMismatch(url: HttpUrl, resolved: HostResolution): string | undefined {
  if (url.scheme !== 'https' || portProtocol(resolved, url.effectivePort) !== 'plain') return undefined;
  return `it uses https://, but port ${url.effectivePort} of ${resolutionName(resolved)} speaks plain HTTP, so the TLS handshake fails and no request gets through`;
}

/** `Service namespace/name`, or `the host` when it is not a Service. */
function resolutionName(resolved: HostResolution): string {
  return resolved.kind === 'service' ? `Service ${resolved.namespace}/${resolved.name}` : 'the host';
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
  const { ports, anyPort } = service ? servicePorts(service) : generated ? generatedPorts(generated) : { ports: [], anyPort: false };
  return { kind: 'service', name: ref.name, namespace, bare: ref.namespace === undefined, service, generated, ports, anyPort };
}

/**
 * Where a webhook's command runs: the namespace of the loadtester Service its URL names (resolved from
 * Flagger's namespace, where Flagger makes the call), else the Canary's. Short hosts in the command resolve there.
 */
export function commandNamespace(index: ManifestIndex, canary: CanaryView, hook: WebhookView, flaggerNamespace = canary.flagger.namespace): string {
  const url = hook.url ? parseUrl(hook.url.trim()) : undefined;
  const resolved = url ? resolveHost(index, url.host, flaggerNamespace) : undefined;
  if (!url || resolved?.kind !== 'service') return canary.namespace;
  if (resolved.service || resolved.generated) return resolved.namespace;
  // A mistyped loadtester URL (webhook-url-unresolved says so): the command runs where the loadtester it meant is.
  const meant = suggestServiceUrl(index, url, resolved.name, resolved.namespace);
  const meantHost = meant ? parseUrl(meant)?.host : undefined;
  if (meantHost) {
    const corrected = resolveHost(index, meantHost, flaggerNamespace);
    if (corrected.kind === 'service') return corrected.namespace;
  }
  return resolved.bare ? canary.namespace : resolved.namespace;
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

/** Why a Service of the manifests would have no endpoint on `port`, or undefined when it has one. */
export function missingBackend(index: ManifestIndex, service: SourcedObject, port: number): { message: string; hint: string } | undefined {
  const spec = asMap(service.object.spec);
  const entries = Object.entries(asMap(spec.selector));
  // A Service without a selector has hand-made endpoints; an ExternalName has none to check.
  if (entries.length === 0 || spec.type === 'ExternalName') return undefined;
  const namespace = namespaceOf(service.object);
  const name = nameOf(service.object);
  const [firstKey, firstValue] = entries[0];
  const backends = index.workloadsSelectedBy(service);
  const shownSelector = entries.map(([key, value]) => `${key}=${value}`).join(', ');
  if (backends.length === 0) {
    const values = index.workloadsIn(namespace).map((w) => podLabelsOf(w)[firstKey]).filter((v): v is string => typeof v === 'string');
    const near = closest(String(firstValue), values);
    return {
      message: `Service ${namespace}/${name} selects pods with ${shownSelector}, but no workload of the manifests in ${namespace} has those labels, so it has no endpoints`,
      hint: near ? `did you mean selector ${firstKey}: ${near} ?` : `set the Service's spec.selector to the labels of the loadtester's pod template.`,
    };
  }
  const servicePort = asList(spec.ports).map(asMap).find((entry) => asNumber(entry.port) === port);
  if (!servicePort) return undefined;
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const isName = typeof targetPort === 'string' && !/^\d+$/.test(targetPort);
  const matches = (p: { number?: number; name?: string }) => (isName ? p.name === targetPort : p.number === Number(targetPort));
  if (backends.some((backend) => containerPorts(backend).some(matches))) return undefined;
  const ports = backends.flatMap((backend) => containerPorts(backend));
  if (!isName && ports.length === 0) return undefined;
  const listed = ports.map((p) => (p.name ? `${p.name}/${p.number}` : `${p.number}`)).join(', ') || 'none';
  return {
    message: `Service ${namespace}/${name} sends port ${port} to targetPort ${JSON.stringify(targetPort)}, which is not a port of its pods (${listed})`,
    hint: `set the Service's targetPort to one of the container ports: ${ports.map((p) => (isName && p.name ? p.name : p.number)).join(', ')}`,
  };
}
