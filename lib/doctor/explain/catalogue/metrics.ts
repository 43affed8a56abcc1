/**
 * Metric checks that halted the analysis (scheduler_metrics.go). Each one
 * increments the Canary's failedChecks.
 */
import { SCRAPE_INTERVAL_MS } from '../../flagger/defaults';
import { MIN_SCRAPES_PER_WINDOW } from '../../flagger/prometheus';
import { formatDuration, parseGoDuration } from '../../util/duration';
import { checks, istioQueries } from './checks';
import { Cause, Check, DiagnosisContext, MessageSpec } from './types';

/**
 * The metric window the query used, when known (from the manifests); Flagger's message does not say.
 * Unknown, the queries shown use `<interval>` and a check prints the metric's interval.
 */
function windowOf(c: DiagnosisContext): string | undefined {
  return c.fields.interval || undefined;
}

/** `over the last 30s`, or the window left open when it is not known. */
function overWindow(c: DiagnosisContext): string {
  const window = windowOf(c);
  return window ? `over the last ${window}` : 'over the metric\'s window (its interval, which the message does not give)';
}

/** The window as PromQL writes it: the real interval, or a placeholder that the interval check fills. */
function promWindow(c: DiagnosisContext): string {
  return windowOf(c) ?? '<interval>';
}

/** The checks that run a query: the interval first when the window is unknown. */
function queryChecks(c: DiagnosisContext, metric: string | undefined, query: string, look: string): Check[] {
  const known = windowOf(c) !== undefined;
  return [
    ...(known ? [] : [checks.metricInterval(c, metric)]),
    checks.portForwardPrometheus(c),
    checks.prometheusQuery(query, known ? look : `${look}; put the metric's interval in place of <interval>`),
  ];
}

const UNREACHABLE_IS_DIFFERENT =
  'An unreachable Prometheus gives a different message ("Prometheus query failed: ..." or "Error checking metric providers: ..."), so Prometheus itself answered here.';

function noTrafficCauses(c: DiagnosisContext, metric: string): Cause[] {
  const isIstio = !c.fields.provider || c.fields.provider.startsWith('istio');
  const query = metric === 'request-duration' ? istioQueries.duration(c, promWindow(c)) : istioQueries.requests(c, promWindow(c));
  return [
    {
      text: 'No load traffic reached the canary. The load-test webhook failed, or its command targets the wrong host or port. '
        + 'A webhook without `type` (the load test) is accepted by the loadtester with 202 and then runs in the background, so a wrong URL inside metadata.cmd fails silently: '
        + 'only the loadtester\'s logs show it, and they show the command\'s output only with `logCmdOutput: "true"`.',
      checks: [
        checks.webhooks(c, `the load test's metadata.cmd must target http://${c.target}-canary.${c.namespace}:<service.port>/`),
        checks.loadtesterLogs(c, 'the hey command for this canary; with logCmdOutput "true", its "Error distribution" (e.g. "no such host")'),
        ...(isIstio ? queryChecks(c, metric, query, 'a value in "result"; an empty result is exactly what Flagger saw') : []),
      ],
    },
    {
      text: `The namespace ${c.namespace} lacks sidecar injection, so the canary pods have no istio-proxy and no reporter="destination" series exist for them.`,
      checks: [
        checks.namespaceLabels(c),
        checks.pods(c),
        ...(isIstio ? [checks.prometheusQuery(istioQueries.seriesByReporter(c), 'a "destination" reporter; only "source", or nothing, means no sidecar on the canary')] : []),
      ],
    },
    {
      text: windowCause(c),
      checks: [windowOf(c) === undefined ? checks.metricInterval(c, metric) : checks.metrics(c, 'every interval at least 1m (4 scrapes of 15s)')],
    },
    {
      text: 'Prometheus is not scraping the Envoy sidecars, or Flagger\'s -metrics-server points at another Prometheus than the one that has Istio\'s metrics.',
      checks: [
        checks.flaggerArgs(c),
        ...(isIstio ? [checks.prometheusQuery(istioQueries.anyIstio(), 'a non-zero count: this Prometheus has Istio\'s metrics at all')] : []),
      ],
    },
    {
      text: 'A transient on the first analysis tick, before the load test had produced a full window of traffic. Harmless when it happens once and the weight then advances.',
      checks: [checks.describeCanary(c, 'whether the weight advanced after this halt')],
    },
  ];
}

function windowCause(c: DiagnosisContext): string {
  const why = 'rate() needs at least two samples inside the window; with Istio\'s 15s scrape a 30s window often has fewer, and the query returns nothing.';
  const interval = c.fields.interval;
  if (!interval) {
    return `The metric's window (its interval) is too short for the scrape interval. ${why} `
      + 'If its interval (the check below prints it) is 30s, this is the cause: the tutorial\'s message names request-duration because its interval is 30s, while request-success-rate (1m) passes. '
      + 'A query run by hand over 1m returns values even then, so it does not clear Prometheus.';
  }
  const ms = parseGoDuration(interval);
  // Istio's Prometheus addon scrapes every 15s.
  if (ms !== undefined && ms >= MIN_SCRAPES_PER_WINDOW * SCRAPE_INTERVAL_MS) {
    return `The metric's window is too short for the scrape interval; unlikely here: its interval ${interval} holds ${Math.floor(ms / SCRAPE_INTERVAL_MS)} scrapes of ${formatDuration(SCRAPE_INTERVAL_MS)}.`;
  }
  return `The metric's window (interval: ${interval}) is too short for the scrape interval. ${why}`;
}

const NO_TRAFFIC_FIX = (c: DiagnosisContext): string =>
  `Make the load test reach the canary: in the load-test webhook use metadata.cmd like "hey -z 1m55s -q 10 -c 2 http://${c.target}-canary.${c.namespace}:<service.port>/" `
  + '(a run longer than the analysis interval and shorter than two) with logCmdOutput: "true", start the same command from a pre-rollout webhook so the first check has traffic, '
  + `label the namespace (kubectl label namespace ${c.namespace} istio-injection=enabled, then restart the pods), and give every metric an interval of at least 1m.`;

/** Lint rules that explain a query finding no traffic. */
const NO_VALUES_RULES = [
  'command-wrong-service', 'webhook-url-unresolved', 'webhook-url-external', 'load-test-too-short', 'namespace-injection', 'namespace-missing',
  'metric-window-short', 'interval-unparsable', 'target-port-not-exposed',
];

export const METRIC_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'no-values-found',
    kind: 'halt',
    findsNoTraffic: true, lintRules: NO_VALUES_RULES, manifestFacts: ['load-test', 'injection', 'window'],
    countsAsFailedCheck: true,
    patterns: [
      /^Halt advancement no values found for (?<provider>\S+) metric (?<metric>\S+) probably (?<target>\S+) is not receiving traffic(?:: (?<error>.*))?$/,
      // Flagger 0.x, before metric providers were named.
      /^Halt advancement no values found for metric (?<metric>\S+) probably (?<target>\S+) is not receiving traffic(?:: (?<error>.*))?$/,
    ],
    headline: (c) => `halt: no values found for ${c.fields.metric}`,
    problemKey: (c) => c.fields.metric,
    diagnose: (c) => ({
      summary: `Prometheus answered, but Flagger's ${c.fields.provider ? `${c.fields.provider} ` : ''}query for ${c.fields.metric} returned nothing (or NaN) for ${c.target} in ${c.namespace} ${overWindow(c)}. `
        + `Flagger guesses "not receiving traffic"; that is one of several causes. ${UNREACHABLE_IS_DIFFERENT}`,
      causes: noTrafficCauses(c, c.fields.metric),
      fix: NO_TRAFFIC_FIX(c),
    }),
  },
  {
    id: 'no-values-found-query',
    kind: 'halt',
    findsNoTraffic: true, lintRules: NO_VALUES_RULES, manifestFacts: ['load-test', 'injection', 'window'],
    countsAsFailedCheck: true,
    patterns: [/^Halt advancement no values found for metric: (?<metric>.+)$/],
    headline: (c) => `halt: no values found for metric ${c.fields.metric}`,
    problemKey: (c) => c.fields.metric,
    diagnose: (c) => ({
      summary: `Prometheus answered, but the inline query of metric ${c.fields.metric} returned nothing (or NaN). ${UNREACHABLE_IS_DIFFERENT}`,
      causes: [
        { text: 'The query\'s label selectors match no series: a wrong namespace, workload or metric name in the query.', checks: [checks.metrics(c, `the query of ${c.fields.metric}`), checks.portForwardPrometheus(c)] },
        ...noTrafficCauses(c, c.fields.metric),
      ],
      fix: 'Run the query in Prometheus with the canary\'s names filled in until it returns a value, then put that query in the Canary.',
    }),
  },
  {
    id: 'no-values-found-custom',
    kind: 'halt',
    findsNoTraffic: true, lintRules: NO_VALUES_RULES, manifestFacts: ['load-test', 'injection', 'window'],
    countsAsFailedCheck: true,
    patterns: [/^Halt advancement no values found for custom metric: (?<metric>[^:]+)(?:: (?<error>.*))?$/],
    headline: (c) => `halt: no values found for custom metric ${c.fields.metric}`,
    problemKey: (c) => c.fields.metric,
    diagnose: (c) => ({
      summary: `The MetricTemplate behind metric ${c.fields.metric} was queried and its provider answered with no value (or NaN). ${UNREACHABLE_IS_DIFFERENT}`,
      causes: [
        { text: 'The template\'s query matches no series: wrong labels, or template variables ({{ namespace }}, {{ target }}, {{ interval }}) that do not fit this canary.', checks: [checks.metricTemplates(c), checks.portForwardPrometheus(c)] },
        ...noTrafficCauses(c, c.fields.metric),
      ],
      fix: 'Render the template\'s query by hand for this canary, run it in the provider until it returns a value, and fix the template.',
    }),
  },
  {
    id: 'success-rate-below',
    kind: 'halt',
    lintRules: ['command-wrong-service', 'load-test-too-short'],
    countsAsFailedCheck: true,
    patterns: [/^Halt (?<ref>\S+) advancement success rate (?<value>\S+)% (?<op>[<>]) (?<threshold>\S+)%$/],
    headline: (c) => `halt: success rate ${c.fields.value}% ${c.fields.op} ${c.fields.threshold}%`,
    grouped: { headline: (c) => `halt: success rate ${c.fields.op === '<' ? 'below' : 'above'} ${c.fields.threshold}%`, value: (c) => `${c.fields.value}%` },
    diagnose: (c) => ({
      summary: c.fields.op === '<'
        ? `Only ${c.fields.value}% of the requests to the canary succeeded (not 5xx) ${overWindow(c)}, below the minimum of ${c.fields.threshold}%.`
        : `The success rate ${c.fields.value}% is above the configured maximum ${c.fields.threshold}% (thresholdRange.max on a success rate is almost always a mistake).`,
      causes: [
        {
          text: 'The new version answers with 5xx errors.',
          checks: [...queryChecks(c, 'request-success-rate', istioQueries.requestsByCode(c, promWindow(c)), 'the share of 5xx response codes'), checks.appLogs(c)],
        },
        { text: 'The canary pods crash or restart under load (OOMKilled, failing probes).', checks: [checks.pods(c, `RESTARTS of the ${c.target}-* pods`), checks.top(c)] },
        {
          text: 'Too few requests: at a few requests per second one error is enough to fall under 99%.',
          checks: [checks.webhooks(c, 'the load test\'s rate (hey -q QPS × -c workers) over the metric window')],
        },
        { text: 'The load test or acceptance test itself calls an endpoint that fails (e.g. /status/500), which counts against the canary.', checks: [checks.webhooks(c, 'the URLs in metadata.cmd')] },
      ],
      fix: c.fields.op === '<'
        ? 'Fix the errors in the new version (the analysis rolls it back after the threshold), or, when the errors come from the test traffic itself, point the load test at endpoints that should succeed and raise its rate.'
        : 'Use thresholdRange.min for request-success-rate.',
    }),
  },
  {
    id: 'request-duration-above',
    kind: 'halt',
    lintRules: ['metric-threshold-missing', 'load-test-too-short'],
    countsAsFailedCheck: true,
    patterns: [/^Halt (?<ref>\S+) advancement request duration (?<value>\S+) (?<op>[<>]) (?<threshold>\S+)$/],
    headline: (c) => `halt: request duration ${c.fields.value} ${c.fields.op} ${c.fields.threshold}`,
    grouped: { headline: (c) => `halt: request duration ${c.fields.op === '>' ? 'above' : 'below'} ${c.fields.threshold}`, value: (c) => c.fields.value },
    diagnose: (c) => ({
      summary: c.fields.op === '>'
        ? `The canary's 99th percentile latency was ${c.fields.value} ${overWindow(c)}, above the maximum of ${c.fields.threshold}.`
        : `The canary's 99th percentile latency ${c.fields.value} is below the configured minimum ${c.fields.threshold} (thresholdRange.min on a duration is almost always a mistake).`,
      causes: [
        {
          text: 'The new version is slower.',
          checks: queryChecks(c, 'request-duration', istioQueries.duration(c, promWindow(c)), 'the P99 in milliseconds'),
        },
        { text: 'The canary pods are saturated: the load test\'s concurrency against CPU limits, or too few replicas.', checks: [checks.top(c), checks.webhooks(c, 'the load test\'s -c and -q')] },
        { text: 'Cold start on the first ticks after scale-up (caches, JIT, connection pools).', checks: [checks.describeCanary(c, 'whether it only happens right after "New revision detected"')] },
        { text: 'The test traffic calls a slow endpoint on purpose (e.g. /delay/1).', checks: [checks.webhooks(c, 'the URLs in metadata.cmd')] },
      ],
      fix: c.fields.op === '>'
        ? 'Make the new version faster, give it more CPU, or raise thresholdRange.max if the limit is unrealistic; note that the value is in milliseconds.'
        : 'Use thresholdRange.max for request-duration.',
    }),
  },
  {
    id: 'custom-metric-threshold',
    kind: 'halt',
    lintRules: ['metric-threshold-missing', 'metric-unknown'],
    countsAsFailedCheck: true,
    patterns: [/^Halt (?<ref>\S+) advancement (?<metric>\S+) (?<value>-?[\d.]+(?:e[+-]?\d+)?|NaN|[+-]Inf) (?<op>[<>]) (?<threshold>\S+)$/],
    headline: (c) => `halt: ${c.fields.metric} ${c.fields.value} ${c.fields.op} ${c.fields.threshold}`,
    grouped: { headline: (c) => `halt: ${c.fields.metric} ${c.fields.op === '<' ? 'below' : 'above'} ${c.fields.threshold}`, value: (c) => c.fields.value },
    problemKey: (c) => c.fields.metric,
    diagnose: (c) => ({
      summary: `The metric ${c.fields.metric} returned ${c.fields.value}, ${c.fields.op === '<' ? 'below its minimum' : 'above its maximum'} ${c.fields.threshold}.`,
      causes: [
        { text: 'The new version really is worse on this metric.', checks: [checks.metrics(c), checks.portForwardPrometheus(c)] },
        { text: 'The threshold does not fit the query\'s unit (seconds against milliseconds, ratio against percent), or a plain `threshold` is compared as a maximum when a minimum was meant.', checks: [checks.metrics(c, `the thresholdRange of ${c.fields.metric}`), checks.metricTemplates(c)] },
      ],
      fix: 'Run the metric\'s query by hand to see its real values, then fix the new version or set a thresholdRange (min or max) in the same unit as the query.',
    }),
  },
  {
    id: 'metric-not-configured',
    kind: 'halt',
    lintRules: ['metric-unknown'],
    countsAsFailedCheck: true,
    patterns: [/^Metric query failed for no usable metrics template and query were configured$/],
    headline: () => 'halt: a metric has no query and no templateRef',
    diagnose: (c) => ({
      summary: 'A metric in the Canary is neither built in (request-success-rate, request-duration) nor backed by a query or templateRef, so every check fails.',
      causes: [{ text: 'A misspelled built-in metric name, or a custom metric without query/templateRef.', checks: [checks.metrics(c)] }],
      fix: 'Rename the metric to request-success-rate or request-duration, or give it a templateRef to a MetricTemplate.',
    }),
  },
];
