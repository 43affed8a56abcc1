/**
 * Flagger's loadtester (`pkg/loadtester`): the task types a webhook's `metadata.type` names, and which
 * of them it runs to the end before it answers.
 */
import { KubeObject } from '../model/object';
import { asMap, asNumber, asString, mapAt } from '../model/yaml';

/** The task type of a webhook without `metadata.type` (server.go: no `type` key runs the command in the background). */
export const DEFAULT_TASK_TYPE = 'cmd';

/** Every task type the loadtester knows; any other, the empty string included, fails the call. */
export const TASK_TYPES: readonly string[] = ['cmd', 'bash', 'helm', 'helmv3', 'kubectl', 'concord', 'ngrinder'];

/**
 * Task types the loadtester runs before it answers, reporting the command's exit status (500 when it
 * fails); it answers the others with 202 as soon as it has queued them.
 */
export const BLOCKING_TASK_TYPES: ReadonlySet<string> = new Set(['bash', 'helm', 'helmv3', 'kubectl', 'concord']);

/** The task type a webhook's metadata asks for: `metadata.type` as written, `cmd` when there is none. */
export function taskTypeOf(metadata: Record<string, unknown>): string {
  return asString(metadata.type) ?? DEFAULT_TASK_TYPE;
}

/**
 * The paths the loadtester's ServeMux routes (pkg/loadtester/server.go), each matched exactly; every other
 * path goes to the task handler at `/`, which answers 400 "metadata not found in payload" to a webhook
 * without metadata.
 */
export const LOADTESTER_PATHS: Readonly<Record<string, { readonly answers: string; readonly gate?: 'open' | 'closed' | 'stateful' }>> = {
  '/gate/approve': { answers: '200 always', gate: 'open' },
  '/gate/halt': { answers: '403 always', gate: 'closed' },
  '/gate/check': { answers: '200 once opened with /gate/open, else 403', gate: 'stateful' },
  '/gate/open': { answers: '202 (it opens the gate)' },
  '/gate/close': { answers: '202 (it closes the gate)' },
  '/rollback/check': { answers: '200 once opened with /rollback/open, else 403', gate: 'stateful' },
  '/rollback/open': { answers: '202 (it opens the rollback gate)' },
  '/rollback/close': { answers: '202 (it closes the rollback gate)' },
  '/healthz': { answers: '200 always' },
  '/metrics': { answers: 'its Prometheus metrics' },
};

/** The image of Flagger's loadtester (ghcr.io/fluxcd/flagger-loadtester, weaveworks/flagger-loadtester). */
export const LOADTESTER_IMAGE = /(^|\/)flagger-loadtester(:|@|$)/;

/**
 * The Service a Flux HelmRelease of Flagger's loadtester chart renders (charts/loadtester: the Service is
 * `loadtester.fullname`, port `service.port`, 80 by default), so webhook URLs can be resolved against it.
 * It has no selector here: the chart's Deployment is not in the manifests either.
 */
export function loadtesterServiceOfHelmRelease(release: KubeObject): KubeObject | undefined {
  const spec = asMap(release.spec);
  const chart = asString(mapAt(spec, 'chart', 'spec').chart) ?? asString(mapAt(spec, 'chartRef').name) ?? '';
  if (chart !== 'loadtester' && !chart.endsWith('/loadtester')) return undefined;
  const targetNamespace = asString(spec.targetNamespace);
  const namespace = targetNamespace || asString(release.metadata?.namespace) || 'default';
  // Flux names the Helm release <targetNamespace>-<name> when it installs into another namespace.
  const releaseName = asString(spec.releaseName) || (targetNamespace ? `${targetNamespace}-${asString(release.metadata?.name)}` : asString(release.metadata?.name) ?? '');
  const values = asMap(spec.values);
  const name = asString(values.fullnameOverride) || (releaseName.includes(asString(values.nameOverride) || 'loadtester') ? releaseName : `${releaseName}-${asString(values.nameOverride) || 'loadtester'}`);
  const port = asNumber(mapAt(values, 'service').port) ?? 80;
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: name.slice(0, 63).replace(/-+$/, ''), namespace }, spec: { ports: [{ name: 'http', port, targetPort: 'http' }] } };
}
