/**
 * What the metric rules share: the MetricTemplate a metric references, the queries Flagger runs for a
 * metric, and the values Flagger renders them with (`toMetricModel` in scheduler_metrics.go).
 */
import { metricWindow } from '../flagger/canary';
import { BUILTIN_METRICS } from '../flagger/defaults';
import { CanaryView } from '../model/canary-view';
import { SourcedObject } from '../model/object';
import { asMap, asString, mapAt } from '../model/yaml';
import { TemplateModel } from '../util/go-template';
import { LintContext } from './rule';

/** The MetricTemplate a metric's templateRef names: its namespace defaults to the Canary's. */
export interface TemplateRef {
  readonly namespace: string;
  readonly name: string;
  readonly template?: SourcedObject;
}

export function metricTemplateOf(context: LintContext, canary: CanaryView, metric: Record<string, unknown>): TemplateRef {
  const ref = asMap(metric.templateRef);
  const namespace = asString(ref.namespace) || canary.namespace;
  const name = asString(ref.name) ?? '';
  return { namespace, name, template: context.index.get('flagger.app', 'MetricTemplate', namespace, name) };
}

/** A MetricTemplate's provider type; Prometheus when it is not set. */
export function templateProviderType(template: SourcedObject): string {
  return asString(mapAt(template.object.spec, 'provider').type) || 'prometheus';
}

export function isBuiltinMetric(metric: Record<string, unknown>): boolean {
  return BUILTIN_METRICS.includes(asString(metric.name) ?? '');
}

/**
 * The values Flagger renders a metric's query with: the Canary's names (`service` is service.name or the
 * target, `ingress` the ingressRef or the target, `route` the routeRef or the target), the metric's
 * interval (a built-in or inline-query metric gets 1m when it has none) and its templateVariables.
 */
export function templateModelOf(canary: CanaryView, metric: Record<string, unknown>): TemplateModel {
  const target = canary.targetRef?.name ?? '';
  const spec = canary.spec;
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(asMap(metric.templateVariables))) if (typeof value === 'string') variables[key] = value;
  return {
    functions: {
      name: canary.name,
      namespace: canary.namespace,
      target,
      service: asString(canary.service.name) || target,
      ingress: asString(asMap(spec.ingressRef).name) || target,
      route: asString(asMap(spec.routeRef).name) || target,
      interval: metricWindow(metric) ?? '',
    },
    variables,
  };
}

/** Sample values, for a MetricTemplate no Canary of the manifests uses: names only, no interval or variables. */
export const SAMPLE_MODEL: TemplateModel = {
  functions: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', route: 'podinfo', interval: '1m' },
  variables: {},
};
