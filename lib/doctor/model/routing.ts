/**
 * How requests reach a Canary's pods, per provider: which hosts an ingress or gateway routes to it
 * (read from the route objects of the manifests), whether a call to the apex Service reaches it, and
 * whether a request matches the A/B conditions of `analysis.match`.
 */
import { MESH_FAMILIES } from '../flagger/providers';
import { CanaryView } from './canary-view';
import { rootsDelegatingTo } from './delegation';
import { ManifestIndex } from './manifest-index';
import { apiGroupOf, nameOf, namespaceOf, SourcedObject } from './object';
import { asList, asMap, asString, asStrings, mapAt } from './yaml';

/** The hosts an ingress or gateway routes to a Canary; `known` is false when the route objects are not in the manifests. */
export interface RoutedHosts {
  readonly known: boolean;
  /** Host patterns (`*`, `*.example.com`, `app.example.com`), lower case. */
  readonly hosts: readonly string[];
  /** The objects they come from, for messages: `Canary test/podinfo service.hosts`, `Ingress test/podinfo`. */
  readonly sources: readonly string[];
}

const UNKNOWN: RoutedHosts = { known: false, hosts: [], sources: [] };

function lower(values: readonly string[]): string[] {
  return values.map((v) => v.toLowerCase());
}

function idText(kind: string, object: SourcedObject): string {
  return `${kind} ${namespaceOf(object.object)}/${nameOf(object.object)}`;
}

function isPublicGateway(ref: unknown): boolean {
  return typeof ref === 'string' && ref !== '' && ref !== 'mesh';
}

function istioHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const hosts: string[] = [];
  const sources: string[] = [];
  if (asList(canary.service.gateways).some(isPublicGateway)) {
    // Flagger's VirtualService gets service.hosts and the apex name; only the former are public.
    hosts.push(...lower(asStrings(canary.service.hosts)));
    sources.push(`Canary ${canary.namespace}/${canary.name} service.hosts`);
  }
  for (const root of rootsDelegatingTo(index.delegations, canary.namespace, canary.apex)) {
    const spec = asMap(root.object.spec);
    if (!asList(spec.gateways).some(isPublicGateway)) continue;
    hosts.push(...lower(asStrings(spec.hosts)));
    sources.push(idText('VirtualService', root));
  }
  // A delegate whose root VirtualService is not in the manifests: its hosts are unknown.
  if (sources.length === 0 && canary.service.delegation === true) return UNKNOWN;
  return { known: true, hosts: [...new Set(hosts)], sources };
}

function gatewayApiHosts(canary: CanaryView): RoutedHosts {
  const refs = asList(canary.service.gatewayRefs).map(asMap);
  const gateways = refs.filter((ref) => (asString(ref.kind) ?? 'Gateway') === 'Gateway');
  if (gateways.length === 0) return UNKNOWN;
  const hosts = lower(asStrings(canary.service.hosts));
  // An HTTPRoute without hostnames matches every host its Gateway listens for.
  return { known: true, hosts: hosts.length > 0 ? hosts : ['*'], sources: [`Canary ${canary.namespace}/${canary.name} service.hosts`] };
}

function ingressHosts(ingress: SourcedObject): string[] {
  return asList(asMap(ingress.object.spec).rules).map((rule) => (asString(asMap(rule).host) ?? '*').toLowerCase());
}

function nginxHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const name = asString(asMap(canary.spec.ingressRef).name);
  const ingress = name ? index.get('networking.k8s.io', 'Ingress', canary.namespace, name) ?? index.get('extensions', 'Ingress', canary.namespace, name) : undefined;
  if (!ingress) return UNKNOWN;
  return { known: true, hosts: ingressHosts(ingress), sources: [idText('Ingress', ingress)] };
}

/** Objects of a kind whose backends, read by `backends`, include the apex Service of the Canary. */
function routingTo(index: ManifestIndex, kind: string, canary: CanaryView, backends: (object: SourcedObject) => Array<{ name?: string; namespace?: string }>): SourcedObject[] {
  return index.ofKind(kind).filter((object) => backends(object).some((b) => b.name === canary.apex && (b.namespace || namespaceOf(object.object)) === canary.namespace));
}

function skipperHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const byRef = nginxHosts(index, canary);
  if (byRef.known) return byRef;
  const ingresses = routingTo(index, 'Ingress', canary, (ingress) => asList(asMap(ingress.object.spec).rules)
    .flatMap((rule) => asList(mapAt(rule, 'http').paths)).map((path) => ({ name: asString(mapAt(path, 'backend', 'service').name) ?? asString(mapAt(path, 'backend').serviceName) })));
  if (ingresses.length === 0) return UNKNOWN;
  return { known: true, hosts: ingresses.flatMap(ingressHosts), sources: ingresses.map((i) => idText('Ingress', i)) };
}

function contourHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const proxies = routingTo(index, 'HTTPProxy', canary, (proxy) => [
    ...asList(asMap(proxy.object.spec).includes).map(asMap).map((include) => ({ name: asString(include.name), namespace: asString(include.namespace) })),
    ...asList(asMap(proxy.object.spec).routes).flatMap((route) => asList(asMap(route).services)).map((service) => ({ name: asString(asMap(service).name) })),
  ]);
  if (proxies.length === 0) return UNKNOWN;
  return {
    known: true,
    hosts: proxies.map((proxy) => (asString(mapAt(proxy.object.spec, 'virtualhost').fqdn) ?? '*').toLowerCase()),
    sources: proxies.map((p) => idText('HTTPProxy', p)),
  };
}

function glooHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const services = routingTo(index, 'VirtualService', canary, (vs) => {
    if (apiGroupOf(vs.object.apiVersion) !== 'gateway.solo.io') return [];
    return asList(mapAt(vs.object.spec, 'virtualHost').routes).map((route) => {
      const action = mapAt(route, 'delegateAction');
      const ref = asString(asMap(action.ref).name) !== undefined ? asMap(action.ref) : action;
      return { name: asString(ref.name), namespace: asString(ref.namespace) };
    });
  });
  if (services.length === 0) return UNKNOWN;
  return {
    known: true,
    hosts: services.flatMap((vs) => lower(asStrings(mapAt(vs.object.spec, 'virtualHost').domains))),
    sources: services.map((vs) => idText('VirtualService', vs)),
  };
}

const TRAEFIK_HOST = /Host(?:SNI)?\(\s*((?:`[^`]*`\s*,?\s*)+)\)/g;

function traefikHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const hosts: string[] = [];
  const sources: string[] = [];
  for (const route of index.ofKind('IngressRoute')) {
    for (const entry of asList(asMap(route.object.spec).routes).map(asMap)) {
      const services = asList(entry.services).map(asMap);
      if (!services.some((s) => s.kind === 'TraefikService' && s.name === canary.apex && (asString(s.namespace) || namespaceOf(route.object)) === canary.namespace)) continue;
      const match = asString(entry.match) ?? '';
      const found = [...match.matchAll(TRAEFIK_HOST)].flatMap((m) => [...m[1].matchAll(/`([^`]*)`/g)].map((h) => h[1].toLowerCase()));
      // HostRegexp or no host rule at all: any host may match.
      hosts.push(...(found.length > 0 && !/HostRegexp/.test(match) ? found : ['*']));
      sources.push(idText('IngressRoute', route));
    }
  }
  return sources.length > 0 ? { known: true, hosts, sources } : UNKNOWN;
}

function apisixHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  const name = asString(asMap(canary.spec.routeRef).name);
  const route = name ? index.get('apisix.apache.org', 'ApisixRoute', canary.namespace, name) : undefined;
  if (!route) return UNKNOWN;
  const hosts = asList(asMap(route.object.spec).http).flatMap((entry) => {
    const listed = asStrings(mapAt(entry, 'match').hosts);
    return listed.length > 0 ? lower(listed) : ['*'];
  });
  return { known: true, hosts, sources: [idText('ApisixRoute', route)] };
}

/** The hosts an ingress or gateway routes to the Canary, from the route objects of the manifests. */
export function routedHosts(index: ManifestIndex, canary: CanaryView): RoutedHosts {
  switch (canary.providerInfo.family) {
    case 'istio': return istioHosts(index, canary);
    case 'gatewayapi': return gatewayApiHosts(canary);
    case 'nginx': return nginxHosts(index, canary);
    case 'skipper': return skipperHosts(index, canary);
    case 'contour': return contourHosts(index, canary);
    case 'gloo': return glooHosts(index, canary);
    case 'traefik': return traefikHosts(index, canary);
    case 'apisix': return apisixHosts(index, canary);
    default: return UNKNOWN;
  }
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern === host;
}

/**
 * Why a meshed client that calls the apex Service does not reach the canary, or undefined when it does.
 * Only mesh providers split the apex: the Gateway API only for routes attached to the Service itself
 * (GAMMA, e.g. Linkerd), Istio only when Flagger binds its VirtualService to the `mesh` gateway (no
 * service.gateways, or `mesh` among them: istio.go). Elsewhere the apex selects the primary pods.
 */
export function apexNotSplit(canary: CanaryView): string | undefined {
  const family = canary.providerInfo.family;
  if (family === 'istio' || family === undefined) {
    const gateways = asStrings(canary.service.gateways);
    if (canary.service.delegation === true || gateways.length === 0 || gateways.includes('mesh')) return undefined;
    return `Flagger binds the VirtualService of Canary ${canary.namespace}/${canary.name} to service.gateways (${gateways.join(', ')}) and not to the mesh gateway, `
      + 'so sidecars do not apply its routes and send the apex\'s requests to the primary pods it selects';
  }
  if (MESH_FAMILIES.has(family)) return undefined;
  if (family === 'gatewayapi') {
    const refs = asList(canary.service.gatewayRefs).map(asMap);
    if (refs.length > 0 && refs.every((ref) => ref.kind === 'Service')) return undefined;
  }
  return family === 'kubernetes'
    ? 'the kubernetes provider never routes the apex to the canary: it selects the primary pods until promotion'
    : `the ${family} provider shifts weights in its ingress or gateway, not in the apex Service, which selects the primary pods`;
}

/** The request headers a command sends, by lower-case name. */
export type RequestHeaders = ReadonlyMap<string, readonly string[]>;

function conditionHolds(condition: Record<string, unknown>, values: readonly string[]): boolean | undefined {
  const exact = asString(condition.exact);
  const prefix = asString(condition.prefix);
  const suffix = asString(condition.suffix);
  const regex = asString(condition.regex);
  if (exact !== undefined) return values.some((v) => v === exact);
  if (prefix !== undefined) return values.some((v) => v.startsWith(prefix));
  if (suffix !== undefined) return values.some((v) => v.endsWith(suffix));
  if (regex !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${regex})$`);
    } catch {
      return undefined;
    }
    return values.some((v) => pattern.test(v));
  }
  return undefined;
}

/**
 * Whether a request with these headers takes an A/B route of `analysis.match` to the canary: true, false,
 * or undefined when a condition cannot be judged here (source labels, URIs, NGINX's cookie routing).
 */
export function matchesAbRoute(canary: CanaryView, headers: RequestHeaders, defaults: RequestHeaders): boolean | undefined {
  const matches = asList(canary.analysis.match).map(asMap);
  if (matches.length === 0) return true;
  let unknown = false;
  for (const match of matches) {
    const keys = Object.keys(match);
    if (keys.some((key) => key !== 'headers') || keys.length === 0) {
      unknown = true;
      continue;
    }
    let holds: boolean | undefined = true;
    for (const [name, condition] of Object.entries(asMap(match.headers))) {
      const key = name.toLowerCase();
      if (key === 'cookie' && canary.providerInfo.family === 'nginx') {
        holds = undefined;
        break;
      }
      const result = conditionHolds(asMap(condition), headers.get(key) ?? defaults.get(key) ?? []);
      if (result === undefined) holds = undefined;
      if (result === false) {
        holds = false;
        break;
      }
    }
    if (holds === true) return true;
    if (holds === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}
