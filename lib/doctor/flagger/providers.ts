/**
 * Flagger v1.44.0's mesh and ingress providers: the names its router factory knows
 * (`pkg/router/factory.go`), and what each does with the traffic of a Canary's Services.
 */

/** The router a provider name selects, as `MeshRouter` in `pkg/router/factory.go` matches it. */
export type ProviderFamily =
  | 'istio' | 'linkerd' | 'appmesh' | 'smi' | 'osm' | 'kuma' | 'knative' | 'contour' | 'gloo' | 'nginx'
  | 'skipper' | 'traefik' | 'apisix' | 'gatewayapi' | 'kubernetes';

/**
 * The router family of a provider name, or undefined when Flagger does not know it (its router factory
 * then warns "unknown mesh router provider" and uses the Istio router).
 */
export function providerFamily(provider: string): ProviderFamily | undefined {
  if (provider.startsWith('appmesh:v1beta2') || provider === 'appmesh') return 'appmesh';
  if (/^smi:v1alpha[123]/.test(provider)) return 'smi';
  if (provider.startsWith('gloo')) return 'gloo';
  if (provider.startsWith('gatewayapi:v1')) return 'gatewayapi';
  const exact: readonly ProviderFamily[] = ['linkerd', 'istio', 'contour', 'knative', 'nginx', 'skipper', 'traefik', 'apisix', 'osm', 'kuma', 'kubernetes'];
  return exact.find((family) => family === provider);
}

/** The provider names `-mesh-provider` documents (cmd/flagger/main.go), for messages. */
export const PROVIDER_NAMES: readonly string[] = [
  'apisix', 'appmesh', 'appmesh:v1beta2', 'contour', 'gatewayapi:v1', 'gatewayapi:v1beta1', 'gloo', 'istio', 'knative', 'kubernetes',
  'kuma', 'linkerd', 'nginx', 'osm', 'skipper', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3', 'traefik',
];

/**
 * Mesh providers split the traffic sent to the apex Service (`<apex>.<namespace>`) inside the mesh, so a
 * meshed client that calls the apex reaches the canary by its weight. Every other provider shifts weights
 * only in its ingress or gateway: the apex Service selects the primary pods (`<target>-primary`,
 * `kubernetes_default.go`), and a call to it never reaches the canary. For the Gateway API this holds for
 * Gateways; an HTTPRoute attached to a Service (GAMMA, e.g. Linkerd) is a mesh route.
 */
export const MESH_FAMILIES: ReadonlySet<ProviderFamily> = new Set(['istio', 'linkerd', 'appmesh', 'smi', 'osm', 'kuma', 'knative']);

/**
 * Providers whose built-in metrics select the canary by `{{ target }}` while the objects they measure are
 * named after the apex Service (`service.name`): Traefik's TraefikService backends, Gloo's upstreams, Kuma's
 * `kuma.io/service` tags and APISIX's routes (`pkg/metrics/observers/*.go` against `pkg/router/*.go`).
 */
export const TARGET_NAMED_BUILTIN_QUERIES: ReadonlySet<ProviderFamily> = new Set(['traefik', 'gloo', 'kuma', 'apisix']);
