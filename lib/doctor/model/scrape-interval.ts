/**
 * The scrape interval of the Prometheus that measures a Canary, read from the manifests: the
 * ServiceMonitors and PodMonitors (Prometheus Operator) of its pods, else the Prometheus Flagger queries.
 */
import { SCRAPE_INTERVAL_MS } from '../flagger/defaults';
import { parseScrapeInterval } from '../flagger/prometheus';
import { CanaryView } from './canary-view';
import { ManifestIndex } from './manifest-index';
import { apiGroupOf, nameOf, namespaceOf } from './object';
import { podLabelsOf } from './workload';
import { asList, asMap, asString, asStrings, mapAt } from './yaml';

/** The scrape interval of Flagger's own Prometheus (`flagger-prometheus`, charts/flagger and kustomize/base/prometheus). */
export const FLAGGER_PROMETHEUS_SCRAPE_INTERVAL_MS = 5_000;

export interface ScrapeIntervalReading {
  readonly ms: number;
  readonly source: string;
}

const MONITORS: Record<string, string> = { ServiceMonitor: 'endpoints', PodMonitor: 'podMetricsEndpoints' };

/** The interval of the monitors in the manifests that scrape the Canary's Services or pods, if any. */
function monitorInterval(index: ManifestIndex, canary: CanaryView): ScrapeIntervalReading | undefined {
  const names = new Set([canary.apex, canary.primaryService, canary.canaryService, `${canary.targetRef?.name ?? ''}-primary`]);
  const podLabels = canary.target ? Object.values(podLabelsOf(canary.target)).filter((v): v is string => typeof v === 'string') : [];
  for (const value of podLabels) names.add(value);
  let best: ScrapeIntervalReading | undefined;
  for (const [kind, field] of Object.entries(MONITORS)) {
    for (const monitor of index.ofKind(kind)) {
      if (apiGroupOf(monitor.object.apiVersion) !== 'monitoring.coreos.com') continue;
      const spec = asMap(monitor.object.spec);
      const namespaces = asStrings(mapAt(spec, 'namespaceSelector').matchNames);
      const inNamespace = namespaces.length > 0 ? namespaces.includes(canary.namespace) : namespaceOf(monitor.object) === canary.namespace;
      const selects = Object.values(mapAt(spec, 'selector', 'matchLabels')).some((value) => typeof value === 'string' && names.has(value));
      if (!inNamespace || !selects) continue;
      for (const endpoint of asList(spec[field]).map(asMap)) {
        const ms = parseScrapeInterval(endpoint.interval);
        if (ms !== undefined && (!best || ms < best.ms)) best = { ms, source: `the interval of ${kind} ${namespaceOf(monitor.object)}/${nameOf(monitor.object)}` };
      }
    }
  }
  return best;
}

/**
 * The scrape interval for a Canary's metrics: `given` (the user's), else that of its monitors in the
 * manifests, else 5s for Flagger's own Prometheus (`-metrics-server http://flagger-prometheus...`), else
 * 15s, the interval of Istio's Prometheus addon.
 */
export function scrapeIntervalOf(index: ManifestIndex, canary: CanaryView, given?: number): ScrapeIntervalReading {
  if (given !== undefined) return { ms: given, source: 'the given scrape interval' };
  const monitored = monitorInterval(index, canary);
  if (monitored) return monitored;
  const server = asString(canary.spec.metricsServer) || canary.flagger.metricsServer;
  if (server && /^https?:\/\/[^/]*flagger-prometheus/.test(server)) {
    return { ms: FLAGGER_PROMETHEUS_SCRAPE_INTERVAL_MS, source: `the interval of Flagger's own Prometheus, ${server}` };
  }
  return { ms: SCRAPE_INTERVAL_MS, source: `assumed${canary.isIstio ? ': the interval of Istio\'s Prometheus addon' : ''}; give yours with --scrape-interval` };
}

/**
 * The scrape interval the manifests give every Canary alike (their monitors, or Flagger's own Prometheus),
 * for a caller that takes one interval for all, such as the plan; undefined when they say nothing or differ.
 */
export function manifestScrapeIntervalMs(index: ManifestIndex): number | undefined {
  const read = index.canaries.map((canary) => scrapeIntervalOf(index, canary)).filter((r) => !r.source.startsWith('assumed'));
  if (read.length === 0 || read.length !== index.canaries.length) return undefined;
  return read.every((r) => r.ms === read[0].ms) ? read[0].ms : undefined;
}
