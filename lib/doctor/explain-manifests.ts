/**
 * `explain --manifests`: what the user's own manifests (and the lint findings
 * over them) say about each Flagger message. A failing webhook URL is checked
 * against the Services of the manifests, the canary's namespace against its
 * injection label, and lint findings that explain the message are quoted.
 */
import { CanaryFacts, CrossReference } from './explain';
import { parseGoDuration } from './duration';
import { classifyWebhookError, DiagnosisContext, MessageSpec, parseUrl } from './messages';
import { editDistance } from './suggest';
import { Finding, KubeObject, SourcedObject } from './types';

/** Istio's Prometheus scrapes every 15s; a rate() window needs several scrapes. */
const SCRAPE_INTERVAL_MS = 15_000;
const MIN_SCRAPES = 4;

/** A note from the manifests; `topic` is the lint rule that says the same, so the note gives way to the finding. */
interface Note {
  readonly text: string;
  readonly topic?: string;
}

interface ServiceFacts {
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly number[];
  /** Created by Flagger for a Canary, not present in the manifests themselves. */
  readonly generatedFor?: string;
}

interface WebhookFacts {
  readonly name: string;
  readonly type: string;
  readonly url?: string;
  readonly timeout?: string;
  readonly cmd?: string;
  /** The loadtester task type, `metadata.type`; the loadtester runs `cmd` when it is empty. */
  readonly taskType: string;
  readonly logCmdOutput?: string;
}

interface CanaryManifest {
  readonly name: string;
  readonly namespace: string;
  readonly target?: string;
  readonly threshold?: number;
  readonly port?: number;
  readonly apex: string;
  readonly metrics: ReadonlyArray<{ readonly name: string; readonly interval?: string }>;
  readonly webhooks: readonly WebhookFacts[];
}

/** Builds the cross-reference `explain` uses from the loaded manifests and the lint findings over them. */
export function manifestCrossReference(objects: readonly SourcedObject[], findings: readonly Finding[] = []): CrossReference {
  const canaries = objects.filter((o) => o.object.kind === 'Canary').map((o) => canaryManifest(o.object));
  const services = [...objects.filter((o) => o.object.kind === 'Service').map((o) => serviceFacts(o.object)), ...canaries.flatMap(generatedServices)];
  const namespaces = new Map(objects.filter((o) => o.object.kind === 'Namespace').map((o) => [o.object.metadata?.name ?? '', o.object]));
  const flagger = flaggerInstall(objects);

  const findCanary = (name: string, namespace: string | undefined): CanaryManifest | undefined =>
    canaries.find((c) => c.name === name && (namespace === undefined || c.namespace === namespace));

  return {
    ...(flagger.namespace ? { flaggerNamespace: flagger.namespace } : {}),
    ...(flagger.prometheus ? { prometheusNamespace: flagger.prometheus.namespace, prometheusService: flagger.prometheus.service } : {}),
    canary(name, namespace): CanaryFacts | undefined {
      const canary = findCanary(name, namespace);
      if (!canary) return undefined;
      return { namespace: canary.namespace, ...(canary.target ? { target: canary.target } : {}), ...(canary.threshold !== undefined ? { threshold: canary.threshold } : {}) };
    },
    fields(_spec, context) {
      const canary = findCanary(context.canary, context.namespace);
      if (!canary) return {};
      const fields: Record<string, string> = {};
      const metric = context.fields.metric ? canary.metrics.find((m) => m.name === context.fields.metric) : undefined;
      if (metric) fields.interval = metric.interval ?? '1m';
      const webhook = context.fields.webhook ? canary.webhooks.find((w) => w.name === context.fields.webhook) : undefined;
      if (webhook?.url) fields.url = webhook.url;
      if (webhook?.timeout) fields.timeout = webhook.timeout;
      if (webhook?.cmd) fields.cmd = webhook.cmd;
      if (webhook) fields.taskType = webhook.taskType;
      return fields;
    },
    evidence(spec, context) {
      const canary = findCanary(context.canary, context.namespace);
      const lintFindings = relevantFindings(spec, context, findings);
      const notes: Note[] = [];
      if (!canary) {
        if (canaries.length > 0) notes.push({ text: `Your manifests define no Canary ${context.canary} in ${context.namespace} (they have ${canaries.map((c) => `${c.namespace}/${c.name}`).join(', ')}).` });
      } else {
        notes.push(...specificEvidence(spec, context, canary, services, namespaces, flagger.namespace ?? context.flaggerNamespace));
      }
      // Where a lint finding says the same thing, the finding (with its fix) is shown instead.
      const covered = new Set(lintFindings.map((f) => f.rule));
      return [
        ...notes.filter((note) => !note.topic || !covered.has(note.topic)).map((note) => note.text),
        ...lintFindings.map((f) => `lint ${f.severity} ${f.rule} (${f.kind}/${f.name}): ${f.message} Fix: ${f.hint}`),
      ];
    },
  };
}

/** What the manifests say about a message: the facts its family lists (`manifestFacts`). */
function specificEvidence(
  spec: MessageSpec,
  context: DiagnosisContext,
  canary: CanaryManifest,
  services: readonly ServiceFacts[],
  namespaces: ReadonlyMap<string, KubeObject>,
  flaggerNamespace: string,
): Note[] {
  return (spec.manifestFacts ?? []).flatMap((fact): Note[] => {
    switch (fact) {
      case 'webhook':
        return webhookEvidence(context, canary, services, flaggerNamespace);
      case 'load-test':
        return loadTestEvidence(canary, services);
      case 'injection':
        return [injectionEvidence(canary.namespace, namespaces)];
      case 'injection-if-missing':
        return [injectionEvidence(canary.namespace, namespaces)].filter((note) => note.topic !== undefined);
      case 'window':
        return windowEvidence(canary, context.fields.metric);
      case 'threshold':
        return canary.threshold !== undefined ? [{ text: `Your Canary sets analysis.threshold: ${canary.threshold}.` }] : [];
    }
  });
}

function webhookEvidence(context: DiagnosisContext, canary: CanaryManifest, services: readonly ServiceFacts[], flaggerNamespace: string): Note[] {
  const notes: Note[] = [];
  const webhook = canary.webhooks.find((w) => w.name === context.fields.webhook);
  const error = classifyWebhookError(context.fields.error ?? '');
  const calledUrl = error.url;
  if (!webhook) {
    notes.push({ text: `Your Canary has no webhook named ${context.fields.webhook}: the Canary in the cluster differs from your manifests.` });
  } else if (calledUrl && webhook.url && normaliseUrl(calledUrl) !== normaliseUrl(webhook.url)) {
    notes.push({ text: `Flagger called ${calledUrl}, but your manifests say ${webhook.url}: the cluster runs an older Canary; re-apply your manifests.` });
  }
  const url = calledUrl ?? webhook?.url;
  if (url) notes.push(...urlEvidence(url, flaggerNamespace, services, 'Flagger calls webhooks from its namespace', 'webhook-url-unresolved'));
  if (webhook?.cmd && (error.failure === 'server-error' || error.failure === 'command-failed' || error.failure === 'other')) {
    const testerNamespace = url ? resolveService(url, flaggerNamespace, services)?.namespace ?? canary.namespace : canary.namespace;
    for (const cmdUrl of urlsIn(webhook.cmd)) {
      notes.push(...urlEvidence(cmdUrl, testerNamespace, services, 'the command runs in the loadtester pod', 'command-wrong-service').map((note) => ({ ...note, text: `In metadata.cmd: ${note.text}` })));
    }
  }
  if (error.failure === 'timeout' && webhook) {
    notes.push({ text: `Webhook ${webhook.name} has timeout ${webhook.timeout ?? '10s (default)'}.` });
  }
  return notes;
}

/** Says whether a URL reaches a Service of the manifests, and which one is right when it does not. */
function urlEvidence(url: string, relativeNamespace: string, services: readonly ServiceFacts[], why: string, topic: string): Note[] {
  const target = parseUrl(url, relativeNamespace);
  if (!target?.service || !target.serviceNamespace) return [];
  const port = target.port ?? (target.scheme === 'https' ? 443 : 80);
  const service = services.find((s) => s.name === target.service && s.namespace === target.serviceNamespace);
  const bare = !target.host.includes('.');
  const where = `${target.serviceNamespace}/${target.service}`;
  if (service) {
    if (service.ports.length === 0 || service.ports.includes(port)) {
      return [{ text: `${url} reaches Service ${where}${service.generatedFor ? ` (created by Flagger for Canary ${service.generatedFor})` : ''} on port ${port}: the address matches your manifests.` }];
    }
    const fixed = rewriteUrl(target.url, target.host, service.ports[0]);
    return [{ text: `${url} uses port ${port}, but Service ${where} only exposes ${service.ports.join(', ')}: use ${fixed}.`, topic }];
  }
  const suggestion = closestService(target.service, target.serviceNamespace, services);
  const prefix = `${url} names Service ${where}${bare ? ` (a bare name, resolved in ${relativeNamespace} because ${why})` : ''}, which is not in your manifests.`;
  if (!suggestion) return [{ text: prefix, topic }];
  const suggestionPort = suggestion.ports.includes(port) || suggestion.ports.length === 0 ? target.port : suggestion.ports[0];
  const right = rewriteUrl(target.url, `${suggestion.name}.${suggestion.namespace}`, suggestionPort);
  return [{ text: `${prefix} The right one is Service ${suggestion.namespace}/${suggestion.name}${suggestion.ports.length ? ` (port ${suggestion.ports.join(', ')})` : ''}: use ${right}.`, topic }];
}

function resolveService(url: string, relativeNamespace: string, services: readonly ServiceFacts[]): ServiceFacts | undefined {
  const target = parseUrl(url, relativeNamespace);
  return services.find((s) => s.name === target?.service && s.namespace === target?.serviceNamespace);
}

/** The nearest Service by `name.namespace`, preferring the loadtester when the name looks like one. */
function closestService(name: string, namespace: string, services: readonly ServiceFacts[]): ServiceFacts | undefined {
  const wanted = `${name}.${namespace}`;
  let best: ServiceFacts | undefined;
  let bestDistance = Infinity;
  for (const service of services) {
    const distance = editDistance(wanted, `${service.name}.${service.namespace}`) - (/tester/.test(name) && /tester/.test(service.name) ? 3 : 0);
    if (distance < bestDistance) {
      best = service;
      bestDistance = distance;
    }
  }
  return best && bestDistance <= Math.max(3, Math.floor(wanted.length / 3)) ? best : undefined;
}

function rewriteUrl(url: string, host: string, port: number | undefined): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)[^/:?#\s]+(?::\d+)?(.*)$/i.exec(url);
  if (!match) return url;
  const defaultPort = /^https/i.test(match[1]) ? 443 : 80;
  const portText = port === undefined || port === defaultPort ? '' : `:${port}`;
  return `${match[1]}${host}${portText}${match[2] || '/'}`;
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

function urlsIn(command: string): string[] {
  return [...command.matchAll(/https?:\/\/[^\s'"|;&)<>]+/g)].map((m) => m[0]);
}

/** Where the load test sends traffic, compared with the canary's own Service. */
function loadTestEvidence(canary: CanaryManifest, services: readonly ServiceFacts[]): Note[] {
  const loadTests = canary.webhooks.filter((w) => w.type === 'rollout' && w.cmd);
  if (loadTests.length === 0) {
    return [{ text: `Your Canary has no rollout webhook with a metadata.cmd: nothing generates traffic during the analysis, so only real users' requests reach ${canary.apex}-canary.` }];
  }
  const notes: Note[] = [];
  const expectedHost = `${canary.apex}-canary.${canary.namespace}`;
  for (const webhook of loadTests) {
    const testerNamespace = webhook.url ? parseUrl(webhook.url, canary.namespace)?.serviceNamespace ?? canary.namespace : canary.namespace;
    for (const url of urlsIn(webhook.cmd ?? '')) {
      const target = parseUrl(url, testerNamespace);
      if (!target) continue;
      const reaches = target.service === `${canary.apex}-canary` && target.serviceNamespace === canary.namespace;
      const port = target.port ?? 80;
      if (reaches && (canary.port === undefined || port === canary.port)) {
        notes.push({ text: `The load test (webhook ${webhook.name}) targets ${url}, the canary's Service: the URL is right.` });
      } else {
        const right = rewriteUrl(url, expectedHost, canary.port);
        const known = services.find((s) => s.name === target.service && s.namespace === target.serviceNamespace);
        notes.push({
          text: `The load test (webhook ${webhook.name}) sends its traffic to ${url}, ${reaches ? `port ${port} instead of service.port ${canary.port}` : known ? `Service ${known.namespace}/${known.name}, not the canary` : 'a host that is not in your manifests'}: the canary gets none of it. Use ${right}.`,
          topic: 'command-wrong-service',
        });
      }
    }
    if (webhook.logCmdOutput !== 'true') {
      notes.push({ text: `Webhook ${webhook.name} does not set logCmdOutput: "true", so the loadtester does not log the command's output and errors like "no such host" stay invisible.` });
    }
  }
  return notes;
}

function injectionEvidence(namespace: string, namespaces: ReadonlyMap<string, KubeObject>): Note {
  const object = namespaces.get(namespace);
  if (!object) {
    return { text: `Your manifests do not define Namespace ${namespace}; check its labels in the cluster (kubectl get ns ${namespace} --show-labels).`, topic: 'namespace-missing' };
  }
  const labels = object.metadata?.labels ?? {};
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev']) {
    return { text: `Namespace ${namespace} has ${labels['istio-injection'] === 'enabled' ? 'istio-injection=enabled' : `istio.io/rev=${labels['istio.io/rev']}`} in your manifests, so missing sidecars are unlikely (unless the pods predate the label).` };
  }
  return { text: `Namespace ${namespace} in your manifests lacks the istio-injection=enabled label: its pods get no sidecar, and Istio reports no metrics for them.`, topic: 'namespace-injection' };
}

function windowEvidence(canary: CanaryManifest, metricName: string | undefined): Note[] {
  const metric = canary.metrics.find((m) => m.name === metricName);
  if (!metric) return [];
  const interval = metric.interval ?? '1m';
  const ms = parseGoDuration(interval);
  if (ms === undefined) return [{ text: `Metric ${metric.name} has interval "${interval}", which Flagger cannot parse.`, topic: 'interval-unparsable' }];
  const scrapes = Math.floor(ms / SCRAPE_INTERVAL_MS);
  if (scrapes < MIN_SCRAPES) {
    return [{ text: `Metric ${metric.name} uses interval ${interval}: ${scrapes} scrape(s) of 15s, too few for rate(); this alone explains "no values found". Use 1m.`, topic: 'metric-window-short' }];
  }
  return [{ text: `Metric ${metric.name} uses interval ${interval} (${scrapes} scrapes of 15s): long enough.` }];
}

/** Lint findings about this canary (or its namespace) from the rules that can explain the message. */
function relevantFindings(spec: MessageSpec, context: DiagnosisContext, findings: readonly Finding[]): Finding[] {
  const rules = spec.lintRules;
  if (!rules || rules.length === 0) return [];
  const metric = context.fields.metric;
  const webhook = context.fields.webhook;
  return findings
    .filter((f) => rules.includes(f.rule))
    .filter((f) => (f.kind === 'Namespace' ? f.name === context.namespace : f.namespace === context.namespace && (f.kind !== 'Canary' || f.name === context.canary)))
    // A finding about another metric, or another webhook, does not explain this one.
    .filter((f) => !METRIC_RULES.has(f.rule) || !metric || f.message.includes(`"${metric}"`))
    .filter((f) => !webhook || !/\bwebhook "/.test(f.message) || f.message.includes(`webhook "${webhook}"`));
}

const METRIC_RULES = new Set(['metric-window-short', 'metric-threshold-missing', 'metric-unknown']);

function canaryManifest(object: KubeObject): CanaryManifest {
  const spec = record(object.spec);
  const analysis = record(spec.analysis ?? spec.canaryAnalysis);
  const service = record(spec.service);
  const target = str(record(spec.targetRef).name);
  const webhooks = list(analysis.webhooks).map(record).map((hook): WebhookFacts => {
    const metadata = record(hook.metadata);
    return {
      name: str(hook.name) ?? '',
      type: str(hook.type) || 'rollout',
      ...(str(hook.url) ? { url: str(hook.url) } : {}),
      ...(str(hook.timeout) ? { timeout: str(hook.timeout) } : {}),
      ...(str(metadata.cmd) ? { cmd: str(metadata.cmd) } : {}),
      taskType: str(metadata.type) || 'cmd',
      ...(metadata.logCmdOutput !== undefined ? { logCmdOutput: String(metadata.logCmdOutput) } : {}),
    };
  });
  return {
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? 'default',
    ...(target ? { target } : {}),
    ...(typeof analysis.threshold === 'number' ? { threshold: analysis.threshold } : {}),
    ...(typeof service.port === 'number' ? { port: service.port } : {}),
    apex: str(service.name) ?? target ?? object.metadata?.name ?? '',
    metrics: list(analysis.metrics).map(record).map((m) => ({ name: str(m.name) ?? '', ...(str(m.interval) ? { interval: str(m.interval) } : {}) })),
    webhooks,
  };
}

function serviceFacts(object: KubeObject): ServiceFacts {
  const spec = record(object.spec);
  return {
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? 'default',
    ports: spec.type === 'ExternalName' ? [] : list(spec.ports).map((p) => record(p).port).filter((p): p is number => typeof p === 'number'),
  };
}

/** The Services Flagger creates for a Canary: apex, -canary and -primary on service.port. */
function generatedServices(canary: CanaryManifest): ServiceFacts[] {
  const ports = canary.port !== undefined ? [canary.port] : [];
  return ['', '-canary', '-primary'].map((suffix) => ({ name: `${canary.apex}${suffix}`, namespace: canary.namespace, ports, generatedFor: `${canary.namespace}/${canary.name}` }));
}

/** Flagger's namespace and the Prometheus its -metrics-server names, when the manifests install Flagger. */
function flaggerInstall(objects: readonly SourcedObject[]): { namespace?: string; prometheus?: { namespace: string; service: string } } {
  for (const { object } of objects) {
    if (object.kind !== 'Deployment') continue;
    const containers = list(record(record(record(object.spec).template).spec).containers).map(record);
    const flagger = containers.find((c) => /(^|\/)flagger(:|@|$)/.test(str(c.image) ?? ''));
    if (!flagger) continue;
    const namespace = object.metadata?.namespace ?? 'default';
    const args = [...list(flagger.command), ...list(flagger.args)].map(String);
    const server = args.map((a) => /^--?metrics-server=(.+)$/.exec(a)?.[1]).find((v) => v !== undefined);
    const target = server ? parseUrl(server, namespace) : undefined;
    return { namespace, ...(target?.service && target.serviceNamespace ? { prometheus: { namespace: target.serviceNamespace, service: target.service } } : {}) };
  }
  return {};
}

function record(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
