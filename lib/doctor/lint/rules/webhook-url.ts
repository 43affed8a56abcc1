import { CanaryView, WebhookView } from '../../model/canary-view';
import { HostResolution, hostLike, missingBackend, resolveHost, suggestServiceUrl, tlsMismatch } from '../../model/services';
import { listNames } from '../../util/suggest';
import { HttpUrl, parseUrl, withHost } from '../../util/urls';
import { reportMissing, Reference } from '../presence';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const unresolvedInfo: RuleInfo = {
  id: 'webhook-url-unresolved',
  severity: 'error',
  title: 'Webhook URL does not resolve to a Service port of the manifests, or that Service selects no pods listening on it',
  symptom: 'Every call fails, e.g. `Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtestr.test/ giving up '
    + 'after 1 attempt(s): ... dial tcp: lookup flagger-loadtestr.test ...: no such host`, and the canary is rolled back after `threshold` failed checks; '
    + 'a confirm-* gate that cannot be called never opens.',
};

const nonBlockingInfo: RuleInfo = {
  id: 'webhook-url-unresolved-nonblocking',
  severity: 'warning',
  title: 'The URL of an event, post-rollout or rollback webhook does not resolve to a Service port of the manifests',
  symptom: 'The rollout goes on, but the webhook never works: events are lost, a post-rollout hook only logs '
    + '`Post-rollout hook ... failed`, and a rollback hook never signals a rollback (`Rollback hook ... not signaling a rollback`).',
};

const externalInfo: RuleInfo = {
  id: 'webhook-url-external',
  severity: 'info',
  title: 'Webhook URL outside the cluster',
  symptom: 'None by itself; the linter cannot check a host outside the cluster, so it only notes it.',
};

/** What a failed call of a webhook that does not gate the analysis costs (scheduler_hooks.go, events.go). */
const NON_BLOCKING: Record<string, string> = {
  'event': 'Flagger posts every Canary event to it and drops those that fail, so the events are lost; the rollout itself is not affected.',
  'post-rollout': 'Flagger only logs the failure (`Post-rollout hook ... failed`) and the rollout result stands, but the hook\'s work never happens.',
  'rollback': 'A rollback hook that cannot be called never signals a rollback (`Rollback hook ... not signaling a rollback`), so the manual rollback it offers never works.',
};

interface Problem {
  readonly message: string;
  readonly hint: string;
}

/** `webhook "load-test" URL http://...`: the subject of the messages. */
function urlSubject(hook: WebhookView): string {
  return `webhook "${hook.name}" URL ${hook.url}`;
}

/** The URL on a port the Service exposes; plain http when it was https to a Service that only has port 80. */
function suggestPort(url: HttpUrl, host: string, ports: readonly number[]): string {
  if (url.scheme === 'https' && ports.includes(80) && !ports.includes(443)) return withHost({ ...url, scheme: 'http' }, host, 80);
  return withHost(url, host, ports[0]);
}

/** A problem with a webhook URL; `missing` when it is about a Service that is not in the manifests. */
interface UrlProblem extends Problem {
  readonly missing?: Reference;
}

function checkResolution(context: LintContext, canary: CanaryView, hook: WebhookView, url: HttpUrl, resolved: HostResolution): UrlProblem | undefined {
  const { index } = context;
  const flagger = canary.flagger;
  if (resolved.kind === 'external') return undefined;
  if (resolved.kind === 'loopback') {
    return {
      message: `${urlSubject(hook)} points at ${url.host}, which is the Flagger pod itself: Flagger calls webhooks from its own pod.`,
      hint: 'use the Service of the loadtester, e.g. http://flagger-loadtester.<namespace>/.',
    };
  }
  if (!resolved.service && !resolved.generated) {
    const names = index.serviceNamesIn(resolved.namespace);
    const inList = names.length > 0 ? `Services in ${resolved.namespace}: ${listNames(names)}` : `no Services in namespace ${resolved.namespace}`;
    if (resolved.bare) {
      const local = index.service(canary.namespace, resolved.name) || index.generatedService(canary.namespace, resolved.name);
      const where = flagger.deployment ? `Flagger's namespace ${flagger.namespace}` : `Flagger's namespace (${flagger.namespace} with the Istio install)`;
      return {
        message: `${urlSubject(hook)} has no namespace, and Flagger calls webhooks from its own pod, so "${resolved.name}" resolves in ${where}, `
          + `where it is not a Service of the manifests (${inList}).`,
        hint: local
          ? `write the namespace: ${withHost(url, `${resolved.name}.${canary.namespace}`, url.port)}`
          : `write the Service as name.namespace, e.g. ${withHost(url, `${resolved.name}.${canary.namespace}`, url.port)}, and make sure it is in the manifests.`,
        missing: { kind: 'Service', namespace: resolved.namespace, name: resolved.name, nearMiss: Boolean(local) },
      };
    }
    const suggestion = suggestServiceUrl(index, url, resolved.name, resolved.namespace);
    return {
      message: `${urlSubject(hook)} names Service ${resolved.namespace}/${resolved.name}, which is not in the manifests (${inList}).`,
      hint: suggestion ? `did you mean ${suggestion} ?` : `add Service ${resolved.namespace}/${resolved.name} to the manifests, or point the webhook at an existing Service.`,
      missing: { kind: 'Service', namespace: resolved.namespace, name: resolved.name, nearMiss: suggestion !== undefined },
    };
  }
  if (resolved.anyPort || resolved.ports.includes(url.effectivePort)) {
    const tls = tlsMismatch(url, resolved);
    if (tls) return { message: `${urlSubject(hook)}: ${tls}.`, hint: `use ${withHost({ ...url, scheme: 'http' }, url.host, url.effectivePort)}` };
    const missing = resolved.service ? missingBackend(index, resolved.service, url.effectivePort) : undefined;
    return missing ? { message: `${urlSubject(hook)}: ${missing.message}.`, hint: missing.hint } : undefined;
  }
  const ports = [...new Set(resolved.ports)];
  const owner = resolved.service ? `Service ${resolved.namespace}/${resolved.name}` : `Service ${resolved.namespace}/${resolved.name} (created by Flagger for Canary ${resolved.generated?.canary.name})`;
  const portWord = url.port === undefined ? `the ${url.scheme} default port ${url.effectivePort}` : `port ${url.effectivePort}`;
  return {
    message: `${urlSubject(hook)} uses ${portWord}, but ${owner} exposes ${ports.length === 1 ? 'only port' : 'ports'} ${ports.join(', ') || 'none'}.`,
    hint: ports.length > 0 ? `use ${suggestPort(url, resolved.bare ? url.host : hostLike(url.host, resolved.name, resolved.namespace), ports)}` : `add a port to ${owner}.`,
  };
}

function checkHook(context: LintContext, canary: CanaryView, hook: WebhookView): Report[] {
  // A webhook without url is rejected by the API server: webhook-invalid reports it.
  if (hook.url === undefined || hook.url.trim() === '') return [];
  const url = parseUrl(hook.url.trim());
  let problem: UrlProblem | undefined;
  if (!url) {
    const noScheme = !/^[a-z][a-z0-9+.-]*:\/\//i.test(hook.url.trim());
    problem = {
      message: noScheme
        ? `${urlSubject(hook)} has no http:// or https:// scheme; Flagger's HTTP client rejects it ("unsupported protocol scheme").`
        : `${urlSubject(hook)} is not a valid http or https URL.`,
      hint: noScheme ? `write it as http://${hook.url.trim()}` : 'write an http:// or https:// URL of a Service, e.g. http://flagger-loadtester.<namespace>/.',
    };
  } else {
    // Flagger, not the Canary, makes the call: a bare host resolves in Flagger's own namespace.
    const resolved = resolveHost(context.index, url.host, canary.flagger.namespace);
    if (resolved.kind === 'external') {
      return [report(externalInfo, canary.sourced, `${urlSubject(hook)} is outside the cluster; it was not checked.`,
        'make sure Flagger can reach it; in-cluster Services are written svc.namespace.')];
    }
    problem = checkResolution(context, canary, hook, url, resolved);
  }
  if (!problem) return [];
  const consequence = NON_BLOCKING[hook.type];
  const rule = consequence ? nonBlockingInfo : unresolvedInfo;
  const message = consequence ? `${hook.type} ${problem.message} ${consequence}` : problem.message;
  if (problem.missing) return reportMissing(context.presence, rule, canary.sourced, problem.missing, message, problem.hint);
  return [report(rule, canary.sourced, message, problem.hint)];
}

/**
 * One note per object assumed to be installed separately: the webhooks of a Canary that call the same
 * missing Service share it. Errors stay one per webhook.
 */
function mergeNotes(canary: CanaryView, reports: readonly { report: Report; hook: WebhookView }[]): Report[] {
  const merged: Report[] = [];
  const notes = new Map<string, { report: Report; hooks: string[] }>();
  for (const { report: r, hook } of reports) {
    if (r.finding.severity !== 'info' || r.finding.rule === externalInfo.id) {
      merged.push(r);
      continue;
    }
    const key = `${r.finding.rule}\u0000${r.finding.hint}`;
    const note = notes.get(key);
    if (note) {
      note.hooks.push(hook.name);
      continue;
    }
    const entry = { report: r, hooks: [] as string[] };
    notes.set(key, entry);
    merged.push(r);
  }
  return merged.map((r) => {
    const note = [...notes.values()].find((n) => n.report === r);
    if (!note || note.hooks.length === 0) return r;
    const others = note.hooks.map((name) => `"${name}"`).join(', ');
    return { ...r, finding: { ...r.finding, message: `${r.finding.message} The webhook${note.hooks.length === 1 ? '' : 's'} ${others} of Canary ${canary.namespace}/${canary.name} call${note.hooks.length === 1 ? 's' : ''} it too.` } };
  });
}

export const webhookUrlRules: RuleSet = canaryRules([unresolvedInfo, nonBlockingInfo, externalInfo],
  (canary, context) => mergeNotes(canary, canary.webhooks.flatMap((hook) => checkHook(context, canary, hook).map((r) => ({ report: r, hook })))));
