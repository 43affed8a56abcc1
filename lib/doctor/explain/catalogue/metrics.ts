/**
 * Metric checks that halted the analysis (scheduler_metrics.go). Each one
 * increments the Canary's failedChecks.
 */
import { checks, istioQueries } from './checks';
import { NO_VALUES_RULES, noValuesCauses, noValuesFix, overWindow, promWindow, queryChecks, templateCause, UNREACHABLE_IS_DIFFERENT } from './no-values';
import { providerOf } from './observers';
import { Check, DiagnosisContext, MessageSpec } from './types';

/**
 * The checks that show what a built-in metric measured: Flagger's query for the canary's provider, or,
 * when the input does not name the provider, its metrics and Flagger's flags.
 */
function measureChecks(c: DiagnosisContext, metric: string, look: string): Check[] {
  const observer = providerOf(c);
  if (observer?.provider === 'istio') {
    const query = metric === 'request-duration' ? istioQueries.duration(c, promWindow(c)) : istioQueries.requestsByCode(c, promWindow(c));
    return queryChecks(c, metric, query, look);
  }
  if (observer) return queryChecks(c, metric, observer.query(c, metric, promWindow(c)), `${look} (${observer.label}'s query)`);
  return [checks.metrics(c, `${metric}'s interval and threshold`), checks.flaggerArgs(c, '-mesh-provider: the provider whose metrics the query reads (the input does not say)')];
}

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
      causes: noValuesCauses(c, c.fields.metric),
      fix: noValuesFix(c),
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
        ...noValuesCauses(c, c.fields.metric),
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
      causes: [templateCause(c), ...noValuesCauses(c, c.fields.metric)],
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
        { text: 'The new version answers with 5xx errors.', checks: [...measureChecks(c, 'request-success-rate', 'the share of 5xx response codes'), checks.appLogs(c)] },
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
        { text: 'The new version is slower.', checks: measureChecks(c, 'request-duration', 'the P99 in milliseconds') },
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
    patterns: [/^Halt (?<ref>\S+) advancement (?<metric>.+?) (?<value>-?[\d.]+(?:e[+-]?\d+)?|NaN|[+-]?Inf) (?<op>[<>]) (?<threshold>\S+)$/],
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
    patterns: [
      /^Metric query failed for no usable metrics template and query were configured$/,
      // Flagger 1.36.0 and 1.36.1, which rejected inline queries.
      /^Metric query failed for no usable metrics (?<templateOnly>template) were configured$/,
    ],
    headline: () => 'halt: a metric has no query and no templateRef',
    diagnose: (c) => {
      const inlineQuery = {
        text: 'The metric has an inline `query:`, which Flagger 1.36.0 and 1.36.1 rejected (a regression fixed in 1.37.0): those releases accepted only built-in metrics and templateRef.',
        checks: [checks.metrics(c, 'metrics with a query and no templateRef'), checks.flaggerImage(c)],
      };
      const misnamed = { text: 'A misspelled built-in metric name, or a custom metric without query/templateRef.', checks: [checks.metrics(c)] };
      return {
        summary: 'A metric in the Canary is neither built in (request-success-rate, request-duration) nor backed by a usable query or templateRef, so every check of it fails.',
        causes: c.fields.templateOnly ? [inlineQuery, misnamed] : [misnamed],
        fix: c.fields.templateOnly
          ? 'Upgrade Flagger to 1.37.0 or newer, or move the inline query into a MetricTemplate and reference it with templateRef.'
          : 'Rename the metric to request-success-rate or request-duration, or give it a templateRef to a MetricTemplate.',
      };
    },
  },
];
