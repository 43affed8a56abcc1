/**
 * The functions Flagger v1.44.0 gives a metric query template (`MetricTemplateModel.TemplateFunctions`
 * in pkg/apis/flagger/v1beta1/metric.go), and the names people reach for instead.
 */
import { GO_TEMPLATE_BUILTINS } from '../util/go-template';

/** Flagger's template functions; `variables` returns the metric's templateVariables. */
export const TEMPLATE_FUNCTIONS: readonly string[] = ['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval', 'variables'];

/** Every function a query template may call: Flagger's and Go's builtins. */
export const CALLABLE: ReadonlySet<string> = new Set([...TEMPLATE_FUNCTIONS, ...GO_TEMPLATE_BUILTINS]);

/** What an unknown name most likely meant: Grafana's and Helm's words for Flagger's functions. */
export const MEANT: Readonly<Record<string, string>> = {
  workload: 'target', deployment: 'target', app: 'target', daemonset: 'target', pod: 'target',
  svc: 'service', ns: 'namespace', window: 'interval', range: 'interval', duration: 'interval', canary: 'name',
  args: 'variables', vars: 'variables', values: 'variables', templateVariables: 'variables',
};
