/**
 * What Flagger's built-in metrics measure under each provider (pkg/metrics/observers/*.go, v1.44.0): the
 * series request-success-rate and request-duration read, who exports them, and where the test traffic
 * must pass to be counted. Diagnoses use them to say what to check for the provider the canary runs
 * under, and give no Istio advice to a canary that is not on Istio.
 */
import { DiagnosisContext } from './types';

export interface Observer {
  /** The provider family, as spec.provider or -mesh-provider name it (`gatewayapi:v1` is `gatewayapi`). */
  readonly provider: string;
  /** How to name it in a sentence. */
  readonly label: string;
  /** The series request-success-rate counts. */
  readonly requests: string;
  /** The series request-duration reads. */
  readonly duration: string;
  /** Who exports those series, in a few words. */
  readonly exporter: string;
  /** Who exports those series, and what that needs. */
  readonly source: string;
  /** Where test traffic must pass to be counted. */
  readonly path: (c: DiagnosisContext) => string;
  /** Flagger's query for a built-in metric, with the canary's names and the window filled in. */
  readonly query: (c: DiagnosisContext, metric: string, window: string) => string;
}

const LOAD_TEST_TO_CANARY = (c: DiagnosisContext): string =>
  `a load test from the loadtester to http://${c.target}-canary.${c.namespace}:<service.port>/ is counted`;

/** Through an ingress or gateway: the requests must go through it, with a host the canary's route serves. */
const THROUGH_INGRESS = (what: string) => (c: DiagnosisContext): string =>
  `the requests must go through ${what}, with a Host header the canary's route serves (e.g. hey -host app.example.com http://<ingress-service>.<namespace>/): a load test that calls ${c.target}-canary directly bypasses it and leaves no series`;

/** The sum-over-rate success rate most observers use, over `series` filtered by `selector`, counting non-5xx `code` labels. */
function successRate(series: string, selector: string, code: string, window: string): string {
  return `sum(rate(${series}{${selector},${code}!~"5.*"}[${window}])) / sum(rate(${series}{${selector}}[${window}])) * 100`;
}

function p99(bucket: string, selector: string, window: string): string {
  return `histogram_quantile(0.99, sum(rate(${bucket}{${selector}}[${window}])) by (le))`;
}

const HTTP_SELECTOR = (c: DiagnosisContext): string => `kubernetes_namespace="${c.namespace}",kubernetes_pod_name=~"${c.target}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`;

const OBSERVERS: readonly Observer[] = [
  {
    provider: 'istio',
    exporter: 'the istio-proxy sidecars',
    label: 'Istio',
    requests: 'istio_requests_total',
    duration: 'istio_request_duration_milliseconds_bucket',
    source: 'the istio-proxy sidecars of the canary pods (reporter="destination"), scraped by the Prometheus in -metrics-server',
    path: (c) => `any request that reaches the canary pods' sidecars is counted: ${LOAD_TEST_TO_CANARY(c)}`,
    query: (c, metric, window) => {
      const selector = `reporter="destination",destination_workload_namespace="${c.namespace}",destination_workload=~"${c.target}"`;
      return metric === 'request-duration'
        ? p99('istio_request_duration_milliseconds_bucket', selector, window)
        : successRate('istio_requests_total', selector, 'response_code', window);
    },
  },
  {
    provider: 'linkerd',
    exporter: 'the linkerd-proxy sidecars, through linkerd-viz\'s Prometheus',
    label: 'Linkerd',
    requests: 'response_total',
    duration: 'response_latency_ms_bucket',
    source: 'the linkerd-proxy of the canary pods (the namespace or pods annotated linkerd.io/inject: enabled), scraped by linkerd-viz\'s Prometheus, which -metrics-server must name (http://prometheus.linkerd-viz:9090)',
    path: (c) => `inbound requests through the canary pods' proxies are counted: ${LOAD_TEST_TO_CANARY(c)}`,
    query: (c, metric, window) => {
      const selector = `namespace="${c.namespace}",deployment=~"${c.target}",direction="inbound"`;
      return metric === 'request-duration'
        ? p99('response_latency_ms_bucket', selector, window)
        : `sum(rate(response_total{${selector},classification!="failure"}[${window}])) / sum(rate(response_total{${selector}}[${window}])) * 100`;
    },
  },
  {
    provider: 'kubernetes',
    exporter: 'the application\'s own http_request_duration_seconds histogram',
    label: 'the kubernetes provider',
    requests: 'http_request_duration_seconds_count',
    duration: 'http_request_duration_seconds_bucket',
    source: 'your application itself: the kubernetes provider reads the app\'s own http_request_duration_seconds histogram (from a Prometheus client library, with a status label), '
      + 'labelled kubernetes_namespace and kubernetes_pod_name by the scrape configuration; Flagger\'s bundled Prometheus adds those labels, a Prometheus Operator setup usually names them namespace and pod',
    path: (c) => `only requests the canary pods themselves serve are counted, and in a blue/green analysis the app's public host and the apex Service ${c.target} still route to the primary: ${LOAD_TEST_TO_CANARY(c)}`,
    query: (c, metric, window) => metric === 'request-duration'
      ? p99('http_request_duration_seconds_bucket', HTTP_SELECTOR(c), window)
      : successRate('http_request_duration_seconds_count', HTTP_SELECTOR(c), 'status', window),
  },
  {
    provider: 'gatewayapi',
    exporter: 'the application\'s own http_request_duration_seconds histogram',
    label: 'the Gateway API provider',
    requests: 'http_request_duration_seconds_count',
    duration: 'http_request_duration_seconds_bucket',
    source: 'your application itself: Flagger\'s built-in metrics for the Gateway API read the app\'s own http_request_duration_seconds histogram (labelled kubernetes_namespace and kubernetes_pod_name), '
      + 'not the gateway\'s; use MetricTemplates on your gateway implementation\'s metrics instead when the app does not export it',
    path: THROUGH_INGRESS('the Gateway named in gatewayRefs'),
    query: (c, metric, window) => metric === 'request-duration'
      ? p99('http_request_duration_seconds_bucket', HTTP_SELECTOR(c), window)
      : successRate('http_request_duration_seconds_count', HTTP_SELECTOR(c), 'status', window),
  },
  {
    provider: 'nginx',
    exporter: 'the NGINX ingress controller\'s metrics endpoint',
    label: 'the NGINX ingress controller',
    requests: 'nginx_ingress_controller_requests',
    duration: 'nginx_ingress_controller_response_duration_seconds_sum',
    source: 'the NGINX ingress controller\'s metrics endpoint (controller.metrics.enabled=true), which the Prometheus in -metrics-server must scrape, e.g. with a ServiceMonitor or a scrape job for the controller pods',
    path: THROUGH_INGRESS('the NGINX ingress controller'),
    query: (c, metric, window) => {
      const selector = `namespace="${c.namespace}",ingress="<ingressRef.name>",canary!=""`;
      return metric === 'request-duration'
        ? `sum(rate(nginx_ingress_controller_response_duration_seconds_sum{${selector}}[${window}])) / sum(rate(nginx_ingress_controller_response_duration_seconds_count{${selector}}[${window}])) * 1000`
        : successRate('nginx_ingress_controller_requests', selector, 'status', window);
    },
  },
  {
    provider: 'contour',
    exporter: 'Contour\'s Envoy pods',
    label: 'Contour',
    requests: 'envoy_cluster_upstream_rq',
    duration: 'envoy_cluster_upstream_rq_time_bucket',
    source: 'Contour\'s Envoy pods (clusters named <namespace>_<service>-canary_<port>), which the Prometheus in -metrics-server must scrape',
    path: THROUGH_INGRESS('Contour\'s Envoy (the HTTPProxy)'),
    query: (c, metric, window) => {
      const selector = `envoy_cluster_name=~"${c.namespace}_${c.target}-canary_[0-9a-zA-Z-]+"`;
      return metric === 'request-duration' ? p99('envoy_cluster_upstream_rq_time_bucket', selector, window) : successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code', window);
    },
  },
  {
    provider: 'gloo',
    exporter: 'Gloo\'s gateway-proxy',
    label: 'Gloo',
    requests: 'envoy_cluster_upstream_rq',
    duration: 'envoy_cluster_upstream_rq_time_bucket',
    source: 'Gloo\'s gateway-proxy Envoy (clusters named <namespace>-<target>-canaryupstream-...), which the Prometheus in -metrics-server must scrape',
    path: THROUGH_INGRESS('Gloo\'s gateway-proxy'),
    query: (c, metric, window) => {
      const selector = `envoy_cluster_name=~"${c.namespace}-${c.target}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"`;
      return metric === 'request-duration' ? p99('envoy_cluster_upstream_rq_time_bucket', selector, window) : successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code', window);
    },
  },
  {
    provider: 'traefik',
    exporter: 'Traefik\'s metrics',
    label: 'Traefik',
    requests: 'traefik_service_request_duration_seconds_bucket',
    duration: 'traefik_service_request_duration_seconds_bucket',
    source: 'Traefik\'s metrics (services named <namespace>-<target>-canary-...@kubernetescrd), which the Prometheus in -metrics-server must scrape',
    path: THROUGH_INGRESS('Traefik (the TraefikService)'),
    query: (c, metric, window) => {
      const selector = `service=~"${c.namespace}-${c.target}-canary-[0-9a-zA-Z-]+@kubernetescrd"`;
      return metric === 'request-duration'
        ? `${p99('traefik_service_request_duration_seconds_bucket', selector, window)} * 1000`
        : successRate('traefik_service_request_duration_seconds_bucket', `${selector},le="+Inf"`, 'code', window);
    },
  },
  {
    provider: 'apisix',
    exporter: 'APISIX\'s prometheus plugin',
    label: 'Apache APISIX',
    requests: 'apisix_http_status',
    duration: 'apisix_http_latency_bucket',
    source: 'APISIX\'s prometheus plugin (routes named <namespace>_<route>-<target>-canary_...), which the Prometheus in -metrics-server must scrape',
    path: THROUGH_INGRESS('the APISIX gateway'),
    query: (c, metric, window) => {
      const selector = `route=~"${c.namespace}_<routeRef.name>-${c.target}-canary_.+"`;
      return metric === 'request-duration' ? p99('apisix_http_latency_bucket', `type=~"request",${selector}`, window) : successRate('apisix_http_status', selector, 'code', window);
    },
  },
  {
    provider: 'skipper',
    exporter: 'Skipper\'s metrics',
    label: 'Skipper',
    requests: 'skipper_response_duration_seconds_bucket',
    duration: 'skipper_serve_route_duration_seconds_sum',
    source: 'Skipper\'s metrics for the canary\'s route, which the Prometheus in -metrics-server must scrape',
    path: THROUGH_INGRESS('Skipper'),
    query: (c, metric, window) => {
      // Skipper names the canary's route after namespace, Ingress and Service, non-word characters as `_`.
      const word = (name: string): string => name.replace(/\W/g, '_');
      const route = `route=~"kube(ew)?_${word(c.namespace)}__<ingressRef.name>_canary__.*__${word(c.target)}_canary(_[0-9]+)?"`;
      return metric === 'request-duration'
        ? `sum(rate(skipper_serve_route_duration_seconds_sum{${route}}[${window}])) / sum(rate(skipper_serve_route_duration_seconds_count{${route}}[${window}])) * 1000`
        : successRate('skipper_response_duration_seconds_bucket', `${route},le="+Inf"`, 'code', window);
    },
  },
  {
    provider: 'kuma',
    exporter: 'the Kuma data plane proxies',
    label: 'Kuma',
    requests: 'envoy_cluster_upstream_rq',
    duration: 'envoy_cluster_upstream_rq_time_bucket',
    source: 'the Kuma data plane proxies (service labels <target>-canary_<namespace>_svc_<port>), scraped by the Prometheus in -metrics-server',
    path: (c) => `requests between meshed pods are counted: ${LOAD_TEST_TO_CANARY(c)} from a meshed loadtester`,
    query: (c, metric, window) => {
      const selector = `service=~"${c.target}-canary_${c.namespace}_svc_[0-9a-zA-Z-]+"`;
      return metric === 'request-duration' ? p99('envoy_cluster_upstream_rq_time_bucket', selector, window) : successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code', window);
    },
  },
  {
    provider: 'appmesh',
    exporter: 'the App Mesh Envoy sidecars',
    label: 'App Mesh',
    requests: 'envoy_cluster_upstream_rq',
    duration: 'envoy_cluster_upstream_rq_time_bucket',
    source: 'the App Mesh Envoy sidecars, scraped with the labels kubernetes_namespace and kubernetes_pod_name by the Prometheus in -metrics-server',
    path: (c) => `requests through the mesh are counted: ${LOAD_TEST_TO_CANARY(c)} from a meshed loadtester`,
    query: (c, metric, window) => {
      const selector = `kubernetes_namespace="${c.namespace}",kubernetes_pod_name=~"${c.target}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`;
      return metric === 'request-duration' ? p99('envoy_cluster_upstream_rq_time_bucket', selector, window) : successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code', window);
    },
  },
  {
    provider: 'osm',
    exporter: 'the OSM Envoy sidecars',
    label: 'Open Service Mesh',
    requests: 'osm_request_total',
    duration: 'osm_request_duration_ms_bucket',
    source: 'the OSM Envoy sidecars, scraped by the Prometheus in -metrics-server',
    path: (c) => `requests through the mesh are counted: ${LOAD_TEST_TO_CANARY(c)} from a meshed loadtester`,
    query: (c, metric, window) => {
      const selector = `destination_namespace="${c.namespace}",destination_kind="Deployment",destination_name="${c.target}"`;
      return metric === 'request-duration' ? p99('osm_request_duration_ms_bucket', selector, window) : successRate('osm_request_total', selector, 'response_code', window);
    },
  },
  {
    provider: 'knative',
    exporter: 'Knative\'s networking layer',
    label: 'Knative',
    requests: 'envoy_cluster_upstream_rq',
    duration: 'envoy_cluster_upstream_rq_time_bucket',
    source: 'the Knative networking layer\'s Envoy (clusters named <namespace>/<route>), scraped by the Prometheus in -metrics-server',
    path: THROUGH_INGRESS('Knative\'s ingress'),
    query: (c, metric, window) => {
      const selector = `envoy_cluster_name=~"${c.namespace}/<the revision's route>"`;
      return metric === 'request-duration' ? p99('envoy_cluster_upstream_rq_time_bucket', selector, window) : successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code', window);
    },
  },
];

/** The provider family of a provider name: `gatewayapi:v1` is `gatewayapi`, `appmesh:v1beta2` is `appmesh`. */
export function providerFamily(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  const family = provider.trim().toLowerCase().replace(/:.*$/, '');
  return family === '' ? undefined : family;
}

/** The observer of a provider: Flagger falls back to Istio's for names it does not know. */
export function observerOf(provider: string | undefined): Observer | undefined {
  const family = providerFamily(provider);
  if (!family) return undefined;
  return OBSERVERS.find((observer) => observer.provider === family) ?? (family === 'smi' ? undefined : OBSERVERS[0]);
}

/** The canary's provider as the message, the manifests or Flagger's start-up line name it; undefined when nothing does. */
export function providerOf(c: DiagnosisContext): Observer | undefined {
  return observerOf(c.fields.provider);
}
