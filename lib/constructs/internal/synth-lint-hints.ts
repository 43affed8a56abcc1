/**
 * Fixes worded for the construct API, for findings about objects a construct synthesized: the engine's
 * hints speak of manifests ("move the document", "add X to the manifests"); an app fixes them with props
 * and references (`pass namespace`, `MeshNamespace.fromName`). A hint that names a near miss ("did you
 * mean ...") is kept: it says the value to write either way.
 */
import { Finding } from '../../doctor/lint/rule';

/** Whether the finding is about an object that is not in the app (rather than, say, a Service without endpoints). */
function missing(finding: Finding): boolean {
  return / is not in the (linted )?manifests|has no namespace, and Flagger calls/.test(finding.message);
}

const HINTS: Readonly<Record<string, (finding: Finding) => string | false | undefined>> = {
  'namespace-missing': (f) => `create the namespace with new MeshNamespace(scope, id, { name: '${f.namespace}' }) and pass it as the workload's namespace, `
    + `or refer to the one another app creates: MeshNamespace.fromName(scope, id, '${f.namespace}').`,
  'namespace-order': (f) => `pass the objects of namespace ${f.name} to its MeshNamespace's addToNamespace(...), so it synthesizes before them.`,
  'namespace-injection': () => 'create the namespace with MeshNamespace, which labels it istio-injection: enabled (or istio.io/rev with istioRevision).',
  'gateway-missing': () => 'pass the IstioGateway construct the routes bind to, or refer to the Gateway another team owns: '
    + 'IstioGateway.fromName(scope, id, { namespace, name, hosts }).',
  'gateway-host-mismatch': () => 'give the Canary or IngressRoute hosts the Gateway serves, or add them to the IstioGateway\'s hosts '
    + '(for a Gateway of another team, give IstioGateway.fromName the hosts it really serves).',
  'webhook-url-unresolved': (f) => missing(f) && 'use the webhook builders of a LoadTester construct (loadTester.loadTest(), acceptanceTest(), ...), '
    + 'or refer to a shared loadtester: LoadTester.fromService(scope, id, { namespace, name }).',
  'webhook-url-unresolved-nonblocking': (f) => missing(f) && 'point the webhook at a Service construct (WebhookEndpoint.fromService), or at one another app owns: '
    + 'WebhookEndpoint.fromServiceName(namespace, name).',
  'target-ref-invalid': (f) => missing(f) && 'pass the workload construct as target (CanaryTarget.fromDeployment, fromDaemonSet or fromApiObject), '
    + 'or refer to another app\'s: CanaryTarget.fromName({ kind, namespace, name }).',
  'autoscaler-ref-invalid': (f) => missing(f)
    && 'pass the autoscaler construct (CanaryAutoscaler.fromHorizontalPodAutoscaler or fromApiObject), or refer to another app\'s: CanaryAutoscaler.fromName({ namespace, name }).',
  'metric-unknown': (f) => missing(f) && 'pass a MetricTemplate construct to CanaryMetric.fromTemplate(...), or refer to another team\'s: MetricTemplate.fromName(scope, id, { namespace, name }).',
  'virtualservice-takeover': () => 'give that VirtualService construct another name, and route to the Canary with an IngressRoute, which delegates to the Canary\'s VirtualService.',
  'delegation-broken': (f) => (f.message.includes('no VirtualService of the manifests delegates')
    ? 'route to the Canary with new IngressRoute(scope, id, { canary, gateway, hosts }).' : undefined),
  'duplicate-object': () => 'give one of the two constructs another name (its name prop, or metadata.name).',
  'duplicate-canary-target': () => 'keep one Canary construct per target.',
  'duplicate-virtualservice-host': () => 'serve each host of a gateway from one IngressRoute (or the hosts of one Canary).',
  'metric-window-short': () => 'pass a longer interval to the CanaryMetric, e.g. CanaryMetric.requestDuration({ interval: Duration.minutes(1) }), '
    + 'or set the app context flagger-doctor:scrape-interval to your Prometheus\'s.',
};

/** The construct-API fix for a finding about a synthesized object; undefined to keep the engine's. */
export function constructHint(finding: Finding): string | undefined {
  if (finding.hint.startsWith('did you mean')) return undefined;
  return HINTS[finding.rule]?.(finding) || undefined;
}
