/**
 * Why a metric query found no values, and how to fix it, for the provider the canary runs under
 * (observers.ts): Istio's sidecars, Linkerd's proxies, an ingress controller's metrics, or, with the
 * kubernetes provider, the application's own histogram. When nothing in the input names the provider,
 * the causes say so plainly instead of assuming Istio.
 */
import { SCRAPE_INTERVAL_MS } from '../../flagger/defaults';
import { MIN_SCRAPES_PER_WINDOW } from '../../flagger/prometheus';
import { formatDuration, parseGoDuration } from '../../util/duration';
import { checks, istioQueries, sh } from './checks';
import { Observer, providerOf } from './observers';
import { Cause, Check, DiagnosisContext } from './types';

/**
 * The metric window the query used, when known (from the manifests); Flagger's message does not say.
 * Unknown, the queries shown use `<interval>` and a check prints the metric's interval.
 */
export function windowOf(c: DiagnosisContext): string | undefined {
  return c.fields.interval || undefined;
}

/** `over the last 30s`, or the window left open when it is not known. */
export function overWindow(c: DiagnosisContext): string {
  const window = windowOf(c);
  return window ? `over the last ${window}` : 'over the metric\'s window (its interval, which the message does not give)';
}

/** The window as PromQL writes it: the real interval, or a placeholder that the interval check fills. */
export function promWindow(c: DiagnosisContext): string {
  return windowOf(c) ?? '<interval>';
}

/** The checks that run a query: the interval first when the window is unknown. */
export function queryChecks(c: DiagnosisContext, metric: string | undefined, query: string, look: string): Check[] {
  const known = windowOf(c) !== undefined;
  return [
    ...(known ? [] : [checks.metricInterval(c, metric)]),
    checks.portForwardPrometheus(c),
    checks.prometheusQuery(query, known ? look : `${look}; put the metric's interval in place of <interval>`),
  ];
}

export const UNREACHABLE_IS_DIFFERENT =
  'An unreachable Prometheus gives a different message ("Prometheus query failed: ..." or "Error checking metric providers: ..."), so Prometheus itself answered here.';

/** Lint rules that explain a query finding no traffic. */
export const NO_VALUES_RULES = [
  'command-wrong-service', 'webhook-url-unresolved', 'webhook-url-external', 'load-test-too-short', 'namespace-injection', 'namespace-missing',
  'metric-window-short', 'interval-unparsable', 'target-port-not-exposed',
];

const BACKGROUND_LOAD_TEST = 'A webhook without `type` (the load test) is accepted by the loadtester with 202 and then runs in the background, so a wrong URL inside metadata.cmd fails silently: '
  + 'only the loadtester\'s logs show it, and they show the command\'s output only with `logCmdOutput: "true"`.';

function loadTestChecks(c: DiagnosisContext, target: string): Check[] {
  return [
    checks.webhooks(c, `the load test's metadata.cmd must target ${target}`),
    checks.loadtesterLogs(c, 'the hey command for this canary; with logCmdOutput "true", its "Error distribution" (e.g. "no such host")'),
  ];
}

function windowCause(c: DiagnosisContext, metric: string): Cause {
  const why = 'rate() needs at least two samples inside the window; with Istio\'s 15s scrape a 30s window often has fewer, and the query returns nothing.';
  const interval = c.fields.interval;
  let text: string;
  if (!interval) {
    text = `The metric's window (its interval) is too short for the scrape interval. ${why} `
      + 'If its interval (the check below prints it) is 30s, this is the cause: the tutorial\'s message names request-duration because its interval is 30s, while request-success-rate (1m) passes. '
      + 'A query run by hand over 1m returns values even then, so it does not clear Prometheus.';
  } else {
    const ms = parseGoDuration(interval);
    // Istio's Prometheus addon scrapes every 15s.
    text = ms !== undefined && ms >= MIN_SCRAPES_PER_WINDOW * SCRAPE_INTERVAL_MS
      ? `The metric's window is too short for the scrape interval; unlikely here: its interval ${interval} holds ${Math.floor(ms / SCRAPE_INTERVAL_MS)} scrapes of ${formatDuration(SCRAPE_INTERVAL_MS)}.`
      : `The metric's window (interval: ${interval}) is too short for the scrape interval. ${why}`;
  }
  return { text, checks: [windowOf(c) === undefined ? checks.metricInterval(c, metric) : checks.metrics(c, 'every interval at least 1m (4 scrapes of 15s)')] };
}

const TRANSIENT: (c: DiagnosisContext) => Cause = (c) => ({
  text: 'A transient on the first analysis tick, before the load test had produced a full window of traffic. Harmless when it happens once and the weight then advances.',
  checks: [checks.describeCanary(c, 'whether the weight advanced after this halt')],
});

/** Istio: the sidecars report every request the canary pods serve (reporter="destination"). */
function istioCauses(c: DiagnosisContext, metric: string): Cause[] {
  const query = metric === 'request-duration' ? istioQueries.duration(c, promWindow(c)) : istioQueries.requests(c, promWindow(c));
  return [
    {
      text: `No load traffic reached the canary. The load-test webhook failed, or its command targets the wrong host or port. ${BACKGROUND_LOAD_TEST}`,
      checks: [
        ...loadTestChecks(c, `http://${c.target}-canary.${c.namespace}:<service.port>/`),
        ...queryChecks(c, metric, query, 'a value in "result"; an empty result is exactly what Flagger saw'),
      ],
    },
    {
      text: `The namespace ${c.namespace} lacks sidecar injection, so the canary pods have no istio-proxy and no reporter="destination" series exist for them.`,
      checks: [
        checks.namespaceLabels(c),
        checks.pods(c),
        checks.prometheusQuery(istioQueries.seriesByReporter(c), 'a "destination" reporter; only "source", or nothing, means no sidecar on the canary'),
      ],
    },
    windowCause(c, metric),
    {
      text: 'Prometheus is not scraping the Envoy sidecars, or Flagger\'s -metrics-server points at another Prometheus than the one that has Istio\'s metrics.',
      checks: [checks.flaggerArgs(c), checks.prometheusQuery(istioQueries.anyIstio(), 'a non-zero count: this Prometheus has Istio\'s metrics at all')],
    },
    TRANSIENT(c),
  ];
}

/** Another provider: where its series come from, and where the traffic must pass to be counted. */
function observerCauses(c: DiagnosisContext, metric: string, observer: Observer): Cause[] {
  const series = metric === 'request-duration' ? observer.duration : observer.requests;
  const query = observer.query(c, metric, promWindow(c));
  const appMetrics = observer.provider === 'kubernetes' || observer.provider === 'gatewayapi';
  return [
    {
      text: `No test traffic reached the canary where ${observer.label} measures it: ${observer.path(c)}. The load-test webhook may also fail, or target the wrong host or port. ${BACKGROUND_LOAD_TEST}`,
      checks: [
        ...loadTestChecks(c, appMetrics || !observer.path(c).includes('Host header') ? `http://${c.target}-canary.${c.namespace}:<service.port>/` : 'the ingress or gateway, with the host the canary routes'),
        ...queryChecks(c, metric, query, 'a value in "result"; an empty result is exactly what Flagger saw'),
      ],
    },
    {
      text: `The series the query reads, ${series}, do not exist for the canary in the Prometheus Flagger queries. Under ${observer.label} they come from ${observer.source}.`,
      checks: [
        checks.prometheusQuery(`count(${series})`, `a non-zero count: this Prometheus has ${series} at all; then narrow it to namespace ${c.namespace}`),
        ...(appMetrics ? [{
          command: sh`kubectl -n ${c.namespace} exec deploy/flagger-loadtester -- curl -s ${`http://${c.target}-canary.${c.namespace}:<service.port>/metrics`} | grep -c http_request_duration_seconds`,
          look: 'a count above 0: the app exports the histogram (use its metrics port if it serves metrics on another one)',
        }] : []),
      ],
    },
    windowCause(c, metric),
    { text: `Flagger's -metrics-server points at another Prometheus than the one that has ${series}.`, checks: [checks.flaggerArgs(c)] },
    TRANSIENT(c),
  ];
}

/** No provider named anywhere in the input: the causes every provider shares, and a plain word that it cannot tell more. */
function unknownProviderCauses(c: DiagnosisContext, metric: string): Cause[] {
  return [
    {
      text: `No test traffic reached the canary where the provider measures it: a mesh counts requests to the canary pods (http://${c.target}-canary.${c.namespace}:<service.port>/), `
        + `an ingress or gateway only requests that pass through it with the canary's host. ${BACKGROUND_LOAD_TEST}`,
      checks: loadTestChecks(c, `the canary (http://${c.target}-canary.${c.namespace}:<service.port>/, or the ingress with its host)`),
    },
    {
      text: 'The series the query reads are missing from the Prometheus Flagger queries: the mesh\'s sidecar metrics, the ingress controller\'s metrics, or, under the kubernetes provider, the application\'s own '
        + 'http_request_duration_seconds histogram. The input does not say which provider measures this canary, so explain cannot tell which: run it with --manifests (or include Flagger\'s start-up line, which names its -mesh-provider).',
      checks: [
        checks.flaggerArgs(c, '-mesh-provider and -metrics-server'),
        { command: sh`kubectl -n ${c.namespace} get canary ${c.canary} -o jsonpath='{.spec.provider}'`, look: 'the provider, when the Canary overrides -mesh-provider' },
      ],
    },
    windowCause(c, metric),
    TRANSIENT(c),
  ];
}

/** Why a query found no values, for the canary's provider (or for any, when the input does not name it). */
export function noValuesCauses(c: DiagnosisContext, metric: string): Cause[] {
  const observer = providerOf(c);
  if (!observer) return unknownProviderCauses(c, metric);
  return observer.provider === 'istio' ? istioCauses(c, metric) : observerCauses(c, metric, observer);
}

export function noValuesFix(c: DiagnosisContext): string {
  const observer = providerOf(c);
  const loadTest = `Make the load test reach the canary: in the load-test webhook use metadata.cmd like "hey -z 1m55s -q 10 -c 2 http://${c.target}-canary.${c.namespace}:<service.port>/" `
    + '(a run longer than the analysis interval and shorter than two) with logCmdOutput: "true", start the same command from a pre-rollout webhook so the first check has traffic';
  if (observer?.provider === 'istio') {
    return `${loadTest}, label the namespace (${sh`kubectl label namespace ${c.namespace} istio-injection=enabled`}, then restart the pods), and give every metric an interval of at least 1m.`;
  }
  if (observer) {
    return `Send the test traffic where ${observer.label} measures it (${observer.path(c)}), make sure the Prometheus in -metrics-server has ${observer.requests} (from ${observer.exporter}), `
      + 'and give every metric an interval of at least 1m; when those series cannot exist, replace the built-in metric with a MetricTemplate on metrics the canary has.';
  }
  return `${loadTest}, make sure the Prometheus in -metrics-server has the provider's metrics for the canary, and give every metric an interval of at least 1m.`;
}

/** Placeholders Flagger renders in a MetricTemplate query (pkg/metrics/providers/render.go and the model). */
const TEMPLATE_VARIABLES = new Set(['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval']);

/**
 * The first cause of a MetricTemplate finding nothing: its query matches no series. With the template's
 * query (from the manifests), placeholders Flagger does not render are named.
 */
export function templateCause(c: DiagnosisContext): Cause {
  const query = c.fields.templateQuery;
  const foreign = query ? [...new Set(query.match(/\$\{?[A-Za-z_]\w*\}?/g) ?? [])] : [];
  const unknown = query ? [...new Set([...query.matchAll(/\{\{\s*\.?([\w.]+)\s*\}\}/g)].map((m) => m[1]).filter((name) => !TEMPLATE_VARIABLES.has(name) && !name.startsWith('variables.')))] : [];
  const rendered = 'Flagger renders only {{ name }}, {{ namespace }}, {{ target }}, {{ service }}, {{ ingress }}, {{ route }}, {{ interval }} and {{ variables.X }}';
  if (foreign.length > 0) {
    return {
      text: `The template's query uses ${foreign.join(', ')}, which Flagger does not substitute: ${rendered}. The text reaches Prometheus as written and matches no series, while the same query with the names filled in by hand works.`,
      checks: [checks.metricTemplates(c)],
    };
  }
  if (unknown.length > 0) {
    return { text: `The template's query uses {{ ${unknown.join(' }}, {{ ')} }}, which Flagger does not define (${rendered}), so rendering it fails or leaves nothing to match.`, checks: [checks.metricTemplates(c)] };
  }
  return {
    text: 'The template\'s query matches no series: wrong labels, or template variables ({{ namespace }}, {{ target }}, {{ interval }}) that do not fit this canary.',
    checks: [checks.metricTemplates(c), checks.portForwardPrometheus(c)],
  };
}
