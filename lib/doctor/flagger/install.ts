/**
 * A Flagger controller of the manifests, read from its container's command line (`cmd/flagger/main.go`):
 * where it runs, which mesh provider and selector labels it uses, what it watches, and which Prometheus
 * it queries. Without one, the doctor assumes Flagger's defaults in Istio's namespace.
 */
import { nameOf, namespaceOf, SourcedObject } from '../model/object';
import { podSpecOf } from '../model/workload';
import { asList, asMap, asString, asStrings, mapAt } from '../model/yaml';
import { parseGoFlags } from '../util/go-flags';
import { CHART_METRICS_SERVER, FLAGGER_NAMESPACE, MESH_PROVIDER, SELECTOR_LABELS } from './defaults';

export interface FlaggerInstall {
  /** The namespace it runs in; webhook URLs with a bare host resolve there. */
  readonly namespace: string;
  /** `-mesh-provider`, or its default (istio) when it is not set. */
  readonly meshProvider: string;
  /** `-mesh-provider` as set on the command line (or in the Helm values); undefined when it is left to its default. */
  readonly meshProviderFlag?: string;
  /** `-selector-labels`. */
  readonly selectorLabels: readonly string[];
  /** `-namespace`: the only namespace it watches, or '' for all. */
  readonly watchNamespace: string;
  /** `-metrics-server`: the URL of the Prometheus it queries, when the flag is given. */
  readonly metricsServer?: string;
  /**
   * The object it was read from: a Flagger Deployment, or a Flux HelmRelease of Flagger's chart; undefined
   * when the manifests hold neither and the defaults are assumed.
   */
  readonly deployment?: SourcedObject;
}

/** Flagger as its Istio install runs it, when the manifests hold no Flagger Deployment. */
export const ASSUMED_FLAGGER: FlaggerInstall = {
  namespace: FLAGGER_NAMESPACE, meshProvider: MESH_PROVIDER, selectorLabels: SELECTOR_LABELS, watchNamespace: '',
};

/** Flagger's boolean flags; every other flag takes a value. */
const BOOLEAN_FLAGS = new Set(['zap-replace-globals', 'enable-leader-election', 'enable-config-tracking', 'version', 'no-cross-namespace-refs']);

const FLAGGER_IMAGE = /(^|\/)flagger(:|@|$)/;

/** The Flagger controller a Deployment runs, if it runs one. */
export function flaggerInstallOf(deployment: SourcedObject): FlaggerInstall | undefined {
  const containers = asList(podSpecOf(deployment.object)?.containers).map(asMap);
  const container = containers.find((c) => FLAGGER_IMAGE.test(asString(c.image) ?? ''));
  if (!container) return undefined;
  // The image's entrypoint is ./flagger; a command replaces it, so its first word is the program.
  const { values: flags } = parseGoFlags([...asStrings(container.command).slice(1), ...asStrings(container.args)], { booleans: BOOLEAN_FLAGS });
  const labels = flags.get('selector-labels');
  const metricsServer = flags.get('metrics-server');
  const meshProviderFlag = flags.get('mesh-provider') || undefined;
  return {
    namespace: namespaceOf(deployment.object),
    meshProvider: meshProviderFlag ?? MESH_PROVIDER,
    ...(meshProviderFlag ? { meshProviderFlag } : {}),
    selectorLabels: labels ? labels.split(',') : SELECTOR_LABELS,
    watchNamespace: flags.get('namespace') ?? '',
    ...(metricsServer ? { metricsServer } : {}),
    deployment,
  };
}

/**
 * The Flagger controller a Flux HelmRelease of Flagger's chart installs, read from its values as the
 * chart's deployment template turns them into flags (`charts/flagger/templates/deployment.yaml`).
 */
export function flaggerInstallOfHelmRelease(release: SourcedObject): FlaggerInstall | undefined {
  const spec = asMap(release.object.spec);
  const chart = asString(mapAt(spec, 'chart', 'spec').chart) ?? asString(mapAt(spec, 'chartRef').name);
  if (chart !== 'flagger' && !/\/flagger$/.test(chart ?? '')) return undefined;
  const values = asMap(spec.values);
  const meshProviderFlag = asString(values.meshProvider) || undefined;
  const labels = asString(values.selectorLabels);
  const prometheus = asMap(values.prometheus);
  const metricsServer = prometheus.install === true ? `http://${nameOf(release.object)}-prometheus:9090` : asString(values.metricsServer) ?? CHART_METRICS_SERVER;
  return {
    namespace: asString(spec.targetNamespace) || namespaceOf(release.object),
    meshProvider: meshProviderFlag ?? MESH_PROVIDER,
    ...(meshProviderFlag ? { meshProviderFlag } : {}),
    selectorLabels: labels ? labels.split(',') : SELECTOR_LABELS,
    watchNamespace: asString(values.namespace) ?? '',
    metricsServer,
    deployment: release,
  };
}
