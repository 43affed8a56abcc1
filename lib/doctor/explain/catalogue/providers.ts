/**
 * The metrics provider could not be queried at all (scheduler_metrics.go,
 * pkg/metrics/providers/prometheus.go, cmd/flagger/main.go). Unlike "no values
 * found", Prometheus never gave an answer.
 */
import { checks } from './checks';
import { classifyWebhookError } from './webhook-error';
import { Cause, Diagnosis, DiagnosisContext, MessageSpec } from './types';

type ProviderFailure = 'network' | 'refused' | 'multiple-values' | 'bad-query' | 'not-prometheus' | 'other';

function classify(error: string): ProviderFailure {
  if (/query returned multiple values/.test(error)) return 'multiple-values';
  // An answer without a body (older Flagger prints the body only), 401/403, or a mesh's denial: something refused Flagger.
  if (/error response:\s*$|error response: Status 40[137]\b|RBAC: access denied|Unauthorized|Forbidden/i.test(error)) return 'refused';
  if (/error response: Status 4\d\d|bad_data|parse error/.test(error)) return 'bad-query';
  if (/error unmarshaling result|invalid character '<'/.test(error)) return 'not-prometheus';
  const network = classifyWebhookError(error).failure;
  if (['dns', 'refused', 'timeout', 'reset', 'unreachable', 'tls', 'bad-url'].includes(network) || /request failed/.test(error)) return 'network';
  return 'other';
}

const NOT_NO_VALUES = 'This is not "no values found": that message means Prometheus answered with nothing; here no answer came back.';

function providerCauses(c: DiagnosisContext, failure: ProviderFailure): Cause[] {
  switch (failure) {
    case 'multiple-values':
      return [{ text: 'The query returns several series; Flagger needs exactly one number. Aggregate it (sum(...), or sum by nothing).', checks: [checks.metrics(c, 'the query of the failing metric'), checks.metricTemplates(c)] }];
    case 'bad-query':
      return [{ text: 'Prometheus rejected the query: a PromQL syntax error, or a template variable that rendered into something invalid.', checks: [checks.metricTemplates(c), checks.portForwardPrometheus(c)] }];
    case 'not-prometheus':
      return [{ text: 'The address answers, but not with Prometheus\' API (e.g. Grafana, an ingress, or a login page).', checks: [checks.flaggerArgs(c), checks.prometheusFromFlagger(c)] }];
    case 'refused':
      return refusedCauses(c);
    default:
      return [
        {
          text: `Flagger's -metrics-server (or the Canary's spec.metricsServer, or the MetricTemplate's provider.address) names a host or port where no Prometheus answers. Flagger's Istio install uses http://prometheus:9090, which resolves in Flagger's namespace (${c.flaggerNamespace}): Istio's Prometheus addon must be installed there.`,
          checks: [checks.flaggerArgs(c), checks.prometheusFromFlagger(c)],
        },
        {
          text: 'Prometheus is not installed or not ready.',
          checks: [checks.prometheusPods(c)],
        },
      ];
  }
}

/**
 * Prometheus, or a proxy in front of it, answered with an error and no data: a policy that admits only
 * some clients (Linkerd 2.13's linkerd-viz, an Istio AuthorizationPolicy), or authentication.
 */
function refusedCauses(c: DiagnosisContext): Cause[] {
  const linkerd: Cause = {
    text: 'Since Linkerd 2.13 the Prometheus in linkerd-viz admits only authorised clients (an AuthorizationPolicy that lets in metrics-api): its proxy refuses Flagger with an empty answer. '
      + 'Flagger needs its own AuthorizationPolicy there (the Flagger chart\'s linkerdAuthPolicy.create=true, or the linkerd kustomization\'s authorizationpolicy.yaml), and Flagger\'s pod must be meshed to present its identity.',
    checks: [
      { command: 'kubectl -n linkerd-viz get authorizationpolicies.policy.linkerd.io,meshtlsauthentications.policy.linkerd.io', look: 'a policy whose client identities include Flagger\'s service account' },
      checks.prometheusFromFlagger(c),
    ],
  };
  const mesh: Cause = {
    text: 'A mesh policy in front of Prometheus refuses Flagger: an Istio AuthorizationPolicy, or Linkerd\'s (see above), that does not admit Flagger\'s service account.',
    checks: [{ command: 'kubectl get authorizationpolicies.security.istio.io -A', look: 'a policy selecting the Prometheus pods that does not allow Flagger' }, checks.prometheusFromFlagger(c)],
  };
  const auth: Cause = {
    text: 'Prometheus sits behind authentication (basic auth or a bearer token at a proxy): Flagger\'s -metrics-server cannot send credentials; only a MetricTemplate with provider.secretRef can.',
    checks: [checks.flaggerArgs(c), checks.metricTemplates(c)],
  };
  const onLinkerd = (c.fields.provider ?? '').startsWith('linkerd') || /linkerd/.test(`${c.fields.error ?? ''} ${c.fields.templateAddress ?? ''}`);
  const onIstio = (c.fields.provider ?? '').startsWith('istio');
  return onIstio && !onLinkerd ? [mesh, auth, linkerd] : [linkerd, mesh, auth];
}

function providerDiagnosis(c: DiagnosisContext, what: string): Diagnosis {
  const failure = classify(c.fields.error ?? '');
  return {
    summary: `${what}: ${c.fields.error ?? ''}. ${NOT_NO_VALUES}`.replace(/:\s*\./, '.'),
    causes: providerCauses(c, failure),
    fix: failure === 'network' || failure === 'other'
      ? `Point Flagger at the Prometheus that has the provider's metrics (for Istio's addon: -metrics-server=http://${c.prometheusService}.${c.prometheusNamespace}:9090; a MetricTemplate at its own provider.address) and make sure it is running.`
      : failure === 'refused'
        ? 'Let Flagger through to Prometheus: create Flagger\'s AuthorizationPolicy for linkerd-viz\'s Prometheus (linkerdAuthPolicy.create=true, with Flagger meshed), allow it in the mesh\'s policy, or query a Prometheus that needs credentials through a MetricTemplate with provider.secretRef.'
        : failure === 'multiple-values'
        ? 'Wrap the query in sum(...) so that it returns a single value.'
        : failure === 'bad-query'
          ? 'Fix the query: run it in Prometheus with the canary\'s names filled in until it returns one number.'
          : 'Point the provider address at Prometheus itself (the Service on port 9090), not at a UI or proxy in front of it.',
  };
}

export const PROVIDER_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'metrics-provider-unavailable',
    kind: 'provider',
    everyTick: true,
    resolvedBy: { ids: ['metrics-providers-available'] },
    patterns: [
      /^Error checking metric providers: (?:prometheus|(?<providerType>\S+) in metric template (?<template>\S+)) not (?:avaiable|available): (?<error>[\s\S]*)$/,
      /^Error checking metric providers: (?<error>[\s\S]*)$/,
    ],
    headline: () => 'metrics provider unreachable at initialization',
    diagnose: (c) => providerDiagnosis(c, `At initialization Flagger could not query ${c.fields.template ? `the ${c.fields.providerType} provider of metric template ${c.fields.template}` : 'Prometheus (spelled "avaiable" in Flagger\'s message)'}`),
  },
  {
    id: 'prometheus-query-failed',
    kind: 'provider',
    countsAsFailedCheck: true,
    patterns: [
      /^Prometheus query failed(?: for (?<metric>\S+))?: (?<error>[\s\S]*)$/,
      // Flagger 0.x
      /^Metrics server (?<server>\S+) query failed(?: for (?<metric>\S+))?: (?<error>[\s\S]*)$/,
    ],
    headline: (c) => `halt: Prometheus query failed${c.fields.metric ? ` for ${c.fields.metric}` : ''}`,
    diagnose: (c) => providerDiagnosis(c, `Flagger's query to Prometheus${c.fields.metric ? ` for ${c.fields.metric}` : ''} failed, and the check counts as failed`),
  },
  {
    id: 'metric-query-failed',
    kind: 'provider',
    countsAsFailedCheck: true,
    patterns: [/^Metric query failed for (?<metric>\S+): (?<error>[\s\S]*)$/],
    headline: (c) => `halt: query of metric ${c.fields.metric} failed`,
    problemKey: (c) => c.fields.metric,
    diagnose: (c) => providerDiagnosis(c, `The MetricTemplate query of ${c.fields.metric} failed, and the check counts as failed`),
  },
  {
    id: 'metric-template-error',
    kind: 'provider',
    countsAsFailedCheck: true,
    patterns: [/^Metric template (?<template>\S+) (?:error|secret (?<secret>\S+) error|provider (?<providerType>\S+) error|query render error): (?<error>[\s\S]*)$/],
    headline: (c) => `halt: metric template ${c.fields.template} error`,
    problemKey: (c) => c.fields.template,
    diagnose: (c) => ({
      summary: `Flagger could not use the MetricTemplate ${c.fields.template}${c.fields.secret ? ` (its secret ${c.fields.secret})` : ''}: ${c.fields.error}. Each time counts as a failed check.`,
      causes: [
        { text: 'The templateRef names a template that does not exist in that namespace (or its secret is missing).', checks: [{ command: `kubectl get metrictemplates -A`, look: `${c.fields.template.split('.')[0]} in namespace ${c.fields.template.split('.').slice(1).join('.') || c.namespace}` }] },
        { text: 'The template\'s provider settings or query template are invalid.', checks: [checks.metricTemplates(c)] },
      ],
      fix: 'Create the MetricTemplate (and its secret) where templateRef points, or fix templateRef.',
    }),
  },
  {
    id: 'prometheus-client-error',
    kind: 'provider',
    countsAsFailedCheck: true,
    patterns: [/^Error building Prometheus client for (?<server>\S+) (?<error>[\s\S]*)$/],
    headline: () => 'halt: invalid spec.metricsServer',
    diagnose: (c) => ({
      summary: `The Canary's spec.metricsServer ${c.fields.server} is not a valid Prometheus address: ${c.fields.error}.`,
      causes: [{ text: 'A malformed URL in spec.metricsServer.', checks: [checks.canaryYaml(c)] }],
      fix: 'Use a full URL such as http://prometheus.istio-system:9090, or remove spec.metricsServer to use Flagger\'s -metrics-server.',
    }),
  },
];
