/**
 * Which provider handles a Canary: `spec.provider`; else the `-mesh-provider` of the Flagger controller of
 * the manifests that watches its namespace; else, when the manifests hold no Flagger controller (it is
 * usually installed by Helm, whose values are not in the manifests), the provider the manifests point at:
 * Istio objects, `gatewayRefs`, `ingressRef`, the mesh's namespace labels and annotations. Without any of
 * those, Flagger's own default, istio, is assumed, and rules do not raise an error on that alone.
 */
import { FlaggerInstall } from '../flagger/install';
import { ProviderFamily, providerFamily } from '../flagger/providers';
import { apiGroupOf, kindOf, nameOf, namespaceOf, SourcedObject } from './object';
import { podSpecOf } from './workload';
import { asList, asMap, asString, mapAt } from './yaml';

/** Where the provider of a Canary comes from. */
export type ProviderSource =
  /** `spec.provider`. */
  | 'spec'
  /** The `-mesh-provider` of a Flagger controller of the manifests. */
  | 'flagger'
  /** No `spec.provider` and no Flagger controller: the manifests point at it. */
  | 'evidence'
  /** No `spec.provider`, no Flagger controller, nothing pointing anywhere: Flagger's default `-mesh-provider`. */
  | 'default';

export interface CanaryProvider {
  /** The provider name Flagger uses, e.g. `istio`, `gatewayapi:v1`. */
  readonly name: string;
  /** Its router family; undefined when Flagger does not know the name (it then uses the Istio router). */
  readonly family?: ProviderFamily;
  readonly source: ProviderSource;
  /** Why, for messages: `spec.provider`, `-mesh-provider of Deployment/flagger-system/flagger`, `assumed from spec.service.gatewayRefs`. */
  readonly reason: string;
}

/** What the evidence reads of the manifests (ManifestIndex). */
export interface ProviderEvidenceSource {
  namespaceObject(name: string): SourcedObject | undefined;
  ofKind(kind: string): readonly SourcedObject[];
  get(group: string, kind: string, namespace: string, name: string): SourcedObject | undefined;
}

/** `provider istio (spec.provider)`, for findings that depend on it. */
export function providerText(provider: CanaryProvider): string {
  return `provider ${provider.name} (${provider.reason})`;
}

/** Whether a finding that depends on the provider may be an error: not when the provider is Flagger's default assumed for lack of any evidence. */
export function providerIsKnown(provider: CanaryProvider): boolean {
  return provider.source !== 'default';
}

const ISTIO_SERVICE_FIELDS = ['gateways', 'trafficPolicy', 'delegation', 'corsPolicy'];

function hasIstioSidecar(target: SourcedObject | undefined): boolean {
  if (!target) return false;
  const template = mapAt(target.object.spec, 'template');
  const annotations = asMap(mapAt(template, 'metadata').annotations);
  if (Object.keys(annotations).some((key) => key.startsWith('sidecar.istio.io/'))) return true;
  return asList(podSpecOf(target.object)?.containers).some((c) => asString(asMap(c).name) === 'istio-proxy');
}

/** The provider the manifests point at for a Canary without `spec.provider`, with the reason. */
function evidenceOf(canary: SourcedObject, target: SourcedObject | undefined, manifests: ProviderEvidenceSource): { name: string; reason: string } | undefined {
  const spec = asMap(canary.object.spec);
  const service = asMap(spec.service);
  const namespace = namespaceOf(canary.object);
  const apex = asString(service.name) || asString(asMap(spec.targetRef).name) || '';
  const gatewayRefs = asList(service.gatewayRefs).map(asMap);
  if (gatewayRefs.length > 0) return { name: 'gatewayapi:v1', reason: 'assumed from spec.service.gatewayRefs' };
  const ingressRef = asMap(spec.ingressRef);
  if (asString(ingressRef.name)) {
    const ingress = manifests.get('networking.k8s.io', 'Ingress', namespace, asString(ingressRef.name) ?? '');
    const ingressSpec = asMap(ingress?.object.spec);
    const ingressClass = asString(ingressSpec.ingressClassName) ?? asString(asMap(ingress?.object.metadata?.annotations)['kubernetes.io/ingress.class']);
    if (ingressClass === 'skipper') return { name: 'skipper', reason: 'assumed from spec.ingressRef to an Ingress of class skipper' };
    return { name: 'nginx', reason: 'assumed from spec.ingressRef' };
  }
  if (asString(asMap(spec.routeRef).name)) return { name: 'apisix', reason: 'assumed from spec.routeRef' };
  if (asString(asMap(spec.upstreamRef).name)) return { name: 'gloo', reason: 'assumed from spec.upstreamRef' };
  if (apiGroupOf(asMap(spec.targetRef).apiVersion) === 'serving.knative.dev') return { name: 'knative', reason: 'assumed from the Knative Service in spec.targetRef' };
  const kuma = meshAnnotation(canary, service, 'kuma.io/', '.service.kuma.io/');
  if (kuma) return { name: 'kuma', reason: `assumed from the ${kuma} annotation` };
  const istioField = ISTIO_SERVICE_FIELDS.find((field) => service[field] !== undefined);
  if (istioField) return { name: 'istio', reason: `assumed from spec.service.${istioField}` };
  const routes = routeEvidence(manifests, namespace, apex);
  if (routes) return routes;
  const namespaceObject = manifests.namespaceObject(namespace);
  const labels = asMap(namespaceObject?.object.metadata?.labels);
  const annotations = asMap(namespaceObject?.object.metadata?.annotations);
  if (labels['istio-injection'] !== undefined || labels['istio.io/rev'] !== undefined) return { name: 'istio', reason: `assumed from the Istio labels of Namespace ${namespace}` };
  if (annotations['linkerd.io/inject'] !== undefined) return { name: 'linkerd', reason: `assumed from the linkerd.io/inject annotation of Namespace ${namespace}` };
  if (labels['kuma.io/sidecar-injection'] !== undefined || annotations['kuma.io/sidecar-injection'] !== undefined) {
    return { name: 'kuma', reason: `assumed from the kuma.io/sidecar-injection label of Namespace ${namespace}` };
  }
  if (hasIstioSidecar(target)) return { name: 'istio', reason: 'assumed from the Istio sidecar in the target\'s pod template' };
  if (manifests.ofKind('VirtualService').concat(manifests.ofKind('Gateway')).some((o) => apiGroupOf(o.object.apiVersion) === 'networking.istio.io')) {
    return { name: 'istio', reason: 'assumed from the Istio Gateways and VirtualServices in the manifests' };
  }
  return undefined;
}

/** An annotation of the Canary, or of the Services it makes (service.apex, .primary, .canary), that names a mesh. */
function meshAnnotation(canary: SourcedObject, service: Record<string, unknown>, prefix: string, infix: string): string | undefined {
  const keys = [
    ...Object.keys(asMap(canary.object.metadata?.annotations)),
    ...['apex', 'primary', 'canary'].flatMap((role) => Object.keys(asMap(mapAt(service, role).annotations))),
  ];
  return keys.find((key) => key.startsWith(prefix) || key.includes(infix));
}

/** Route objects of an ingress provider that send traffic to the apex: a Contour HTTPProxy, a Traefik IngressRoute, a Gloo VirtualService. */
function routeEvidence(manifests: ProviderEvidenceSource, namespace: string, apex: string): { name: string; reason: string } | undefined {
  const refersToApex = (object: SourcedObject, refs: readonly Record<string, unknown>[]) =>
    refs.some((ref) => asString(ref.name) === apex && (asString(ref.namespace) || namespaceOf(object.object)) === namespace);
  for (const proxy of manifests.ofKind('HTTPProxy')) {
    if (refersToApex(proxy, asList(asMap(proxy.object.spec).includes).map(asMap))) return { name: 'contour', reason: `assumed from HTTPProxy ${namespaceOf(proxy.object)}/${nameOf(proxy.object)}` };
  }
  for (const route of manifests.ofKind('IngressRoute')) {
    const services = asList(asMap(route.object.spec).routes).flatMap((r) => asList(asMap(r).services).map(asMap));
    if (refersToApex(route, services.filter((s) => s.kind === 'TraefikService'))) return { name: 'traefik', reason: `assumed from IngressRoute ${namespaceOf(route.object)}/${nameOf(route.object)}` };
  }
  for (const vs of manifests.ofKind('VirtualService').filter((o) => apiGroupOf(o.object.apiVersion) === 'gateway.solo.io')) {
    const routes = asList(mapAt(vs.object.spec, 'virtualHost').routes).map((r) => mapAt(r, 'delegateAction'));
    const refs = routes.map((action) => (isRef(action.ref) ? asMap(action.ref) : action));
    if (refersToApex(vs, refs)) return { name: 'gloo', reason: `assumed from Gloo VirtualService ${namespaceOf(vs.object)}/${nameOf(vs.object)}` };
  }
  return undefined;
}

function isRef(value: unknown): boolean {
  return asString(asMap(value).name) !== undefined;
}

/** The provider of a Canary handled by `flagger` (undefined `deployment`: no Flagger controller in the manifests). */
export function canaryProviderOf(canary: SourcedObject, flagger: FlaggerInstall, target: SourcedObject | undefined, manifests: ProviderEvidenceSource): CanaryProvider {
  const written = asString(asMap(canary.object.spec).provider);
  const withFamily = (name: string, source: ProviderSource, reason: string): CanaryProvider => ({ name, family: providerFamily(name), source, reason });
  if (written) return withFamily(written, 'spec', 'spec.provider');
  if (flagger.deployment) {
    const flag = flagger.meshProviderFlag;
    return withFamily(flagger.meshProvider, 'flagger', flag
      ? `-mesh-provider of ${kindOf(flagger.deployment.object)} ${namespaceOf(flagger.deployment.object)}/${nameOf(flagger.deployment.object)}`
      : `the default -mesh-provider of ${kindOf(flagger.deployment.object)} ${namespaceOf(flagger.deployment.object)}/${nameOf(flagger.deployment.object)}, which does not set it`);
  }
  const evidence = evidenceOf(canary, target, manifests);
  if (evidence) return withFamily(evidence.name, 'evidence', evidence.reason);
  return withFamily(flagger.meshProvider, 'default',
    'assumed: Flagger\'s default -mesh-provider; nothing in the manifests names a provider, and a Helm install\'s meshProvider is not in them');
}
