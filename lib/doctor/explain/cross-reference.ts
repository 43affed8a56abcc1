/**
 * `explain --manifests`: what the user's own manifests say about each Flagger message. The lint
 * findings that explain a message are quoted as they are; the notes here add what lint cannot say:
 * that a URL or a label is right (which rules a cause out), that the cluster called another URL
 * than the manifests hold, and facts such as a webhook's timeout. The manifests are read with the
 * lint engine's own index, so both see the same Canaries, Services and Flagger install.
 */
import { metricWindow, webhookTimeoutOf } from '../flagger/canary';
import { SCRAPE_INTERVAL_MS } from '../flagger/defaults';
import { FlaggerInstall } from '../flagger/install';
import { taskTypeOf } from '../flagger/loadtester';
import { MIN_SCRAPES_PER_WINDOW } from '../flagger/prometheus';
import { lint } from '../lint/engine';
import { Finding } from '../lint/rule';
import { CanaryView, WebhookView } from '../model/canary-view';
import { ManifestIndex } from '../model/manifest-index';
import { SourcedObject } from '../model/object';
import { commandNamespace, resolveHost, suggestServiceUrl } from '../model/services';
import { asList, asMap, asNumber, asString } from '../model/yaml';
import { commandUrls } from '../programs/command-urls';
import { formatDuration, parseGoDuration } from '../util/duration';
import { HttpUrl, parseUrl, withHost } from '../util/urls';
import { classifyWebhookError, DiagnosisContext, MessageSpec } from './catalogue';
import { loadtesterGatePath } from './catalogue/gates';
import { providerFamily } from './catalogue/observers';
import { CanaryFacts, CrossReference } from './report';

/**
 * Builds the cross-reference `explain` uses from the loaded manifests and the lint findings over
 * them (linted here when not given).
 */
export function manifestCrossReference(objects: readonly SourcedObject[], findings: readonly Finding[] = lint(objects)): CrossReference {
  const index = new ManifestIndex(objects);
  const flagger = index.flaggers.find((install) => install.deployment !== undefined);
  const prometheus = flagger ? metricsServerOf(flagger, index) : undefined;

  const findCanary = (name: string, namespace: string | undefined): CanaryView | undefined =>
    index.canaries.find((c) => c.name === name && (namespace === undefined || c.namespace === namespace));

  return {
    ...(flagger ? { flaggerNamespace: flagger.namespace } : {}),
    ...(prometheus ? { prometheusNamespace: prometheus.namespace, prometheusService: prometheus.service } : {}),
    canary(name, namespace): CanaryFacts | undefined {
      const canary = findCanary(name, namespace);
      if (!canary) return undefined;
      const threshold = asNumber(canary.analysis.threshold);
      return { namespace: canary.namespace, ...(canary.targetRef?.name ? { target: canary.targetRef.name } : {}), ...(threshold !== undefined ? { threshold } : {}) };
    },
    fields(_spec, context) {
      const canary = findCanary(context.canary, context.namespace);
      if (!canary) return {};
      const fields: Record<string, string> = {};
      const provider = providerOfCanary(canary);
      if (provider) fields.provider = provider;
      const metric = context.fields.metric ? metricOf(canary, context.fields.metric) : undefined;
      const window = metric ? metricWindow(metric) : undefined;
      if (window) fields.interval = window;
      if (metric) Object.assign(fields, templateFields(metric, canary.namespace, index));
      const webhook = context.fields.webhook ? webhookOf(canary, context.fields.webhook) : undefined;
      if (webhook) {
        if (webhook.url) fields.url = webhook.url;
        const timeout = asString(webhook.raw.timeout);
        if (timeout) fields.timeout = timeout;
        if (webhook.cmd) fields.cmd = webhook.cmd;
        fields.taskType = taskTypeOf(webhook.metadata);
      }
      return fields;
    },
    evidence(spec, context) {
      const canary = findCanary(context.canary, context.namespace);
      const notes: string[] = [];
      if (!canary) {
        if (index.canaries.length > 0) {
          notes.push(`Your manifests define no Canary ${context.canary} in ${context.namespace} (they have ${index.canaries.map((c) => `${c.namespace}/${c.name}`).join(', ')}).`);
        }
      } else {
        notes.push(...manifestNotes(spec, context, canary, index, flagger?.namespace ?? context.flaggerNamespace));
      }
      return [...notes, ...relevantFindings(spec, context, findings).map((f) => `lint ${f.severity} ${f.rule} (${f.kind}/${f.name}): ${f.message} Fix: ${f.hint}`)];
    },
  };
}

/** What the manifests say about a message: the facts its family lists (`manifestFacts`). */
function manifestNotes(spec: MessageSpec, context: DiagnosisContext, canary: CanaryView, index: ManifestIndex, flaggerNamespace: string): string[] {
  return (spec.manifestFacts ?? []).flatMap((fact): string[] => {
    switch (fact) {
      case 'webhook':
        return webhookNotes(context, canary, index, flaggerNamespace);
      case 'gate':
        return gateNotes(context, canary);
      case 'load-test':
        return loadTestNotes(canary, index, flaggerNamespace, providerFamily(providerOfCanary(canary) ?? context.fields.provider));
      case 'injection':
        // A missing label is lint's namespace-injection finding; a present one rules the cause out. Istio only.
        return providerFamily(providerOfCanary(canary) ?? context.fields.provider) === 'istio' ? injectionNotes(canary.namespace, index) : [];
      case 'window':
        return windowNotes(canary, context.fields.metric);
      case 'threshold': {
        const threshold = asNumber(canary.analysis.threshold);
        return threshold !== undefined ? [`Your Canary sets analysis.threshold: ${threshold}.`] : [];
      }
    }
  });
}

/**
 * The provider a Canary of the manifests runs under, when they say: its spec.provider, Gateway API when it
 * routes through gatewayRefs, or the -mesh-provider of a Flagger Deployment in the manifests. Flagger's
 * default (Istio) is not assumed: Flagger is often installed apart from the Canaries.
 */
function providerOfCanary(canary: CanaryView): string | undefined {
  const explicit = asString(canary.spec.provider);
  if (explicit) return explicit;
  if (asList(canary.service.gatewayRefs).length > 0) return 'gatewayapi';
  return canary.flagger.deployment ? canary.flagger.meshProvider : undefined;
}

/** A metric's MetricTemplate from the manifests: its name, query and provider. */
function templateFields(metric: Record<string, unknown>, namespace: string, index: ManifestIndex): Record<string, string> {
  const ref = asMap(metric.templateRef);
  const name = asString(ref.name);
  if (!name) return {};
  const templateNamespace = asString(ref.namespace) || namespace;
  const fields: Record<string, string> = { template: `${name}.${templateNamespace}` };
  const template = index.get('flagger.app', 'MetricTemplate', templateNamespace, name);
  if (!template) return fields;
  const spec = asMap(template.object.spec);
  const provider = asMap(spec.provider);
  const query = asString(spec.query);
  const type = asString(provider.type);
  const address = asString(provider.address);
  return { ...fields, ...(query ? { templateQuery: query } : {}), ...(type ? { templateProvider: type } : {}), ...(address ? { templateAddress: address } : {}) };
}

function metricOf(canary: CanaryView, name: string): Record<string, unknown> | undefined {
  return canary.metrics.find((metric) => metric.name === name);
}

function webhookOf(canary: CanaryView, name: string): WebhookView | undefined {
  return canary.webhooks.find((hook) => hook.name === name);
}

function webhookNotes(context: DiagnosisContext, canary: CanaryView, index: ManifestIndex, flaggerNamespace: string): string[] {
  const webhook = webhookOf(canary, context.fields.webhook);
  if (!webhook) return [`Your Canary has no webhook named ${context.fields.webhook}: the Canary in the cluster differs from your manifests.`];
  const notes: string[] = [];
  const error = classifyWebhookError(context.fields.error ?? '');
  const called = error.url ? parseUrl(error.url) : undefined;
  const written = webhook.url ? parseUrl(webhook.url.trim()) : undefined;
  if (called && written && normaliseUrl(called.text) !== normaliseUrl(written.text)) {
    // Lint checks the manifests' URL; the one the cluster called is only checked here.
    notes.push(`Flagger called ${called.text}, but your manifests say ${written.text}: the cluster runs an older Canary; re-apply your manifests.`);
    notes.push(...urlNotes(called, flaggerNamespace, index, 'Flagger calls webhooks from its namespace', true));
  } else if (written) {
    notes.push(...urlNotes(written, flaggerNamespace, index, 'Flagger calls webhooks from its namespace', false));
  }
  if (webhook.cmd && (error.failure === 'server-error' || error.failure === 'command-failed' || error.failure === 'other')) {
    const testerNamespace = commandNamespace(index, canary, webhook, flaggerNamespace);
    for (const { url } of commandUrls(webhook.commands)) {
      notes.push(...urlNotes(url, testerNamespace, index, 'the command runs in the loadtester pod', false).map((note) => `In metadata.cmd: ${note}`));
    }
  }
  if (error.failure === 'timeout') {
    const timeout = webhookTimeoutOf(webhook.raw);
    notes.push(`Webhook ${webhook.name} has timeout ${timeout.text}${timeout.isDefault ? ' (default)' : ''}.`);
  }
  return notes;
}

/** What a gate's URL does: on the loadtester, what its path answers; and that its timeout is no deadline. */
function gateNotes(context: DiagnosisContext, canary: CanaryView): string[] {
  const webhook = webhookOf(canary, context.fields.webhook);
  if (!webhook) return [`Your Canary has no webhook named ${context.fields.webhook}: the Canary in the cluster differs from your manifests.`];
  const url = webhook.url ? parseUrl(webhook.url.trim()) : undefined;
  if (!url) return [];
  const notes: string[] = [];
  if (/loadtester|tester/.test(url.host.split('.')[0])) {
    notes.push(`Gate ${webhook.name} calls ${url.text}: on the loadtester, ${url.path || '/'} ${loadtesterGatePath(url.path)}.`);
  }
  const timeout = asString(webhook.raw.timeout);
  if (timeout) notes.push(`Its timeout (${timeout}) only bounds each call: the gate has no deadline, and a call that times out means "not approved".`);
  return notes;
}

/**
 * Whether a URL reaches a Service port of the manifests. A right address is said (it rules causes
 * out); a wrong one only for a URL lint did not check (`unchecked`), lint's finding says it otherwise.
 */
function urlNotes(url: HttpUrl, relativeNamespace: string, index: ManifestIndex, why: string, unchecked: boolean): string[] {
  const resolved = resolveHost(index, url.host, relativeNamespace);
  if (resolved.kind !== 'service') return [];
  const where = `${resolved.namespace}/${resolved.name}`;
  const port = url.effectivePort;
  if (resolved.service || resolved.generated) {
    if (resolved.anyPort || resolved.ports.includes(port)) {
      const generated = resolved.generated && !resolved.service ? ` (created by Flagger for Canary ${resolved.generated.canary.namespace}/${resolved.generated.canary.name})` : '';
      return [`${url.text} reaches Service ${where}${generated} on port ${port}: the address matches your manifests.`];
    }
    if (!unchecked) return [];
    return [`${url.text} uses port ${port}, but Service ${where} only exposes ${resolved.ports.join(', ')}: use ${withHost(url, url.host, resolved.ports[0])}.`];
  }
  if (!unchecked) return [];
  const bare = resolved.bare ? ` (a bare name, resolved in ${relativeNamespace} because ${why})` : '';
  const suggestion = suggestServiceUrl(index, url, resolved.name, resolved.namespace);
  const suggested = suggestion ? parseUrl(suggestion) : undefined;
  const right = suggested ? resolveHost(index, suggested.host, relativeNamespace) : undefined;
  const named = right?.kind === 'service' ? `Service ${right.namespace}/${right.name}${right.ports.length ? ` (port ${right.ports.join(', ')})` : ''}` : undefined;
  return [`${url.text} names Service ${where}${bare}, which is not in your manifests.${suggestion ? ` The right one is ${named ?? suggestion}: use ${suggestion}.` : ''}`];
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * Where the load test sends traffic: a right URL rules the first cause out (a wrong one is lint's
 * command-wrong-service). Under the kubernetes provider a URL that is not the canary's Service is said
 * too: the apex and any public host route to the primary during the analysis.
 */
function loadTestNotes(canary: CanaryView, index: ManifestIndex, flaggerNamespace: string, provider: string | undefined): string[] {
  const loadTests = canary.webhooks.filter((w) => w.type === 'rollout' && w.cmd);
  if (loadTests.length === 0) {
    return [`Your Canary has no rollout webhook with a metadata.cmd: nothing generates traffic during the analysis, so only real users' requests reach ${canary.canaryService}.`];
  }
  const notes: string[] = [];
  for (const webhook of loadTests) {
    const testerNamespace = commandNamespace(index, canary, webhook, flaggerNamespace);
    for (const { url } of commandUrls(webhook.commands)) {
      const resolved = resolveHost(index, url.host, testerNamespace);
      const reaches = resolved.kind === 'service' && resolved.name === canary.canaryService && resolved.namespace === canary.namespace;
      if (reaches && (canary.port === undefined || url.effectivePort === canary.port)) {
        notes.push(`The load test (webhook ${webhook.name}) targets ${url.text}, the canary's Service: the URL is right.`);
      } else if (!reaches && provider === 'kubernetes') {
        notes.push(`The load test (webhook ${webhook.name}) targets ${url.text}, not the canary's Service ${canary.canaryService}.${canary.namespace}: under the kubernetes provider that address routes to the primary during the analysis, so its requests never reach the canary pods.`);
      }
    }
    if (String(webhook.metadata.logCmdOutput) !== 'true') {
      notes.push(`Webhook ${webhook.name} does not set logCmdOutput: "true", so the loadtester does not log the command's output and errors like "no such host" stay invisible.`);
    }
  }
  return notes;
}

function injectionNotes(namespace: string, index: ManifestIndex): string[] {
  const labels = asMap(index.namespaceObject(namespace)?.object.metadata?.labels);
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev']) {
    return [`Namespace ${namespace} has ${labels['istio-injection'] === 'enabled' ? 'istio-injection=enabled' : `istio.io/rev=${labels['istio.io/rev']}`} in your manifests, so missing sidecars are unlikely (unless the pods predate the label).`];
  }
  return [];
}

/** A long enough window rules the window cause out (a short one is lint's metric-window-short). */
function windowNotes(canary: CanaryView, metricName: string | undefined): string[] {
  const metric = metricName ? metricOf(canary, metricName) : undefined;
  if (!metric) return [];
  const interval = metricWindow(metric);
  const ms = interval === undefined ? undefined : parseGoDuration(interval);
  if (ms === undefined) return [];
  const scrapes = Math.floor(ms / SCRAPE_INTERVAL_MS);
  return scrapes >= MIN_SCRAPES_PER_WINDOW ? [`Metric ${metricName} uses interval ${interval} (${scrapes} scrapes of ${formatDuration(SCRAPE_INTERVAL_MS)}): long enough.`] : [];
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

/** The Prometheus Service Flagger's -metrics-server names, resolved like any URL from Flagger's namespace. */
function metricsServerOf(flagger: FlaggerInstall, index: ManifestIndex): { namespace: string; service: string } | undefined {
  const url = flagger.metricsServer ? parseUrl(flagger.metricsServer) : undefined;
  const resolved = url ? resolveHost(index, url.host, flagger.namespace) : undefined;
  return resolved?.kind === 'service' ? { namespace: resolved.namespace, service: resolved.name } : undefined;
}
