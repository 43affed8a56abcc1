import { TARGET_NAMED_BUILTIN_QUERIES } from '../../flagger/providers';
import { CanaryView } from '../../model/canary-view';
import { providerIsKnown, providerText } from '../../model/provider';
import { asString } from '../../model/yaml';
import { isBuiltinMetric } from '../metrics';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'builtin-metric-service-mismatch',
  severity: 'error',
  title: 'A built-in metric under Traefik, Gloo, Kuma or APISIX while service.name differs from targetRef.name: its query selects the canary by the target\'s name',
  symptom: 'The provider labels its metrics with the Service Flagger created (`test-podinfo-service-canary-80@kubernetescrd`) and Flagger\'s query '
    + 'looks for the target (`test-podinfo-canary-...`): `Halt advancement no values found for traefik metric request-success-rate` on every check.',
};

/** What the provider's metrics are labelled with, as Flagger's routers name the objects (pkg/router). */
const LABELLED: Readonly<Record<string, (namespace: string, apex: string, port: string) => string>> = {
  traefik: (namespace, apex, port) => `service="${namespace}-${apex}-canary-${port}@kubernetescrd"`,
  gloo: (namespace, apex, port) => `envoy_cluster_name of upstream ${namespace}-${apex}-canaryupstream-${port}`,
  kuma: (namespace, apex, port) => `service="${apex}-canary_${namespace}_svc_${port}"`,
  apisix: (namespace, apex) => `route of ApisixRoute <routeRef>-${apex}-canary in ${namespace}`,
};

function check(canary: CanaryView): Report[] {
  const family = canary.providerInfo.family;
  const target = canary.targetRef?.name;
  const serviceName = asString(canary.service.name);
  if (!family || !TARGET_NAMED_BUILTIN_QUERIES.has(family) || !target || !serviceName || serviceName === target) return [];
  // A Service as the target switches Flagger to the `:service` observer, which queries Istio's metrics.
  if (canary.targetRef?.kind === 'Service') return [];
  const metrics = canary.metrics.filter(isBuiltinMetric);
  if (metrics.length === 0) return [];
  const port = String(canary.port ?? '<port>');
  return [report(info, canary.sourced,
    `metric${metrics.length === 1 ? '' : 's'} ${metrics.map((m) => `"${m.name}"`).join(' and ')} under ${providerText(canary.providerInfo)}: Flagger's built-in query selects `
    + `the canary by {{ target }} (${target}), but the provider labels its metrics after service.name ${serviceName} (${LABELLED[family](canary.namespace, serviceName, port)}), `
    + 'so the query finds no values and every check halts.',
    `remove service.name (or set it to ${target}) so both names agree, or replace the built-in metrics with a MetricTemplate that selects {{ service }}-canary.`,
    providerIsKnown(canary.providerInfo) ? info.severity : 'warning')];
}

export const builtinMetricServiceMismatch: RuleSet = canaryRules([info], check);
