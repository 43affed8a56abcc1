/**
 * Every default of Flagger v1.44.0 the doctor relies on, each defined once, as Flagger keeps its own in
 * the const block of `pkg/apis/flagger/v1beta1/canary.go`. The few Flagger keeps elsewhere name their
 * source. Whatever applies a default reads it from here.
 */

// pkg/apis/flagger/v1beta1/canary.go

/** `AnalysisInterval`: used when `analysis.interval` is empty or not a Go duration. */
export const ANALYSIS_INTERVAL_MS = 60_000;
/** `GetAnalysisInterval()` raises a shorter analysis interval to this. */
export const MIN_ANALYSIS_INTERVAL_MS = 10_000;
/** `GetAnalysisThreshold()`: the threshold when `analysis.threshold` is not above 0. */
export const ANALYSIS_THRESHOLD = 1;
/** `ProgressDeadlineSeconds`: used when `spec.progressDeadlineSeconds` is unset. */
export const PROGRESS_DEADLINE_SECONDS = 600;
/**
 * `MetricInterval`: the query window of a built-in or inline-query metric whose `interval` is empty
 * (`scheduler_metrics.go`); template metrics get none. A string, as it goes into the query as text.
 */
export const METRIC_INTERVAL = '1m';
/** `RolloutHook`: the type of a webhook without `type`. */
export const WEBHOOK_TYPE = 'rollout';
/** The metrics Flagger computes itself for every mesh provider; any other metric needs a query or a MetricTemplate. */
export const BUILTIN_METRICS: readonly string[] = ['request-success-rate', 'request-duration'];
/** Traffic weights are percentages: `maxWeight` is at most this, and so is the weight of a step. */
export const TOTAL_WEIGHT = 100;

// pkg/controller

/** webhook.go: the timeout of a webhook whose `timeout` is shorter than two characters. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** scheduler.go: the kubernetes provider runs Blue/Green, with this many iterations when `iterations` is below 1. */
export const KUBERNETES_PROVIDER_ITERATIONS = 10;
/** The provider that cannot shift traffic (`spec.provider` or `-mesh-provider`). */
export const KUBERNETES_PROVIDER = 'kubernetes';

// cmd/flagger/main.go: the defaults of Flagger's flags

/** `-mesh-provider`, used when a Canary has no `spec.provider`. */
export const MESH_PROVIDER = 'istio';
/** The `metricsServer` value of Flagger's Helm chart (`charts/flagger/values.yaml`). */
export const CHART_METRICS_SERVER = 'http://prometheus:9090';
/** `-selector-labels`: the pod labels Flagger builds the primary and canary selectors from. */
export const SELECTOR_LABELS: readonly string[] = ['app', 'name', 'app.kubernetes.io/name'];

// Flagger's Istio install (kustomize/istio): what the doctor assumes when no manifest says otherwise

/** The namespace Flagger runs in, and where a webhook URL with a bare host resolves. */
export const FLAGGER_NAMESPACE = 'istio-system';
/** The Prometheus Flagger queries there: Istio's addon, `-metrics-server=http://prometheus.istio-system:9090`. */
export const PROMETHEUS_NAMESPACE = 'istio-system';
export const PROMETHEUS_SERVICE = 'prometheus';
/** The scrape interval of Istio's Prometheus addon. */
export const SCRAPE_INTERVAL_MS = 15_000;
