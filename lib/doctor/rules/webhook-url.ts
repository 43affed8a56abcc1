import { CanaryView, finding, LintContext, RuleInfo, RuleSet, WebhookView } from '../lint-context';
import { flaggerNamespaces, HostResolution, hostLike, missingBackend, resolveHost, suggestServiceUrl } from '../services';
import { listNames } from '../suggest';
import { Finding } from '../types';
import { HttpUrl, parseUrl, withHost } from '../urls';

const unresolvedInfo: RuleInfo = {
  id: 'webhook-url-unresolved',
  severity: 'error',
  title: 'Webhook URL does not resolve to a Service port of the manifests, or that Service selects no pods listening on it',
  symptom: 'Every call fails, e.g. `Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtestr.test/ giving up '
    + 'after 1 attempt(s): ... dial tcp: lookup flagger-loadtestr.test ...: no such host`, and the canary is rolled back after `threshold` failed checks.',
};

const externalInfo: RuleInfo = {
  id: 'webhook-url-external',
  severity: 'info',
  title: 'Webhook URL outside the cluster',
  symptom: 'None by itself; the linter cannot check a host outside the cluster, so it only notes it.',
};

/** Where Flagger itself runs when no Flagger Deployment is linted: the Istio install's namespace. */
const ASSUMED_FLAGGER_NAMESPACE = 'istio-system';

function describeUrl(hook: WebhookView): string {
  return `webhook "${hook.name}" URL ${hook.url}`;
}

/** The URL on a port the Service exposes; plain http when it was https to a Service that only has port 80. */
function suggestPort(url: HttpUrl, host: string, ports: readonly number[]): string {
  if (url.scheme === 'https' && ports.includes(80) && !ports.includes(443)) return withHost({ ...url, scheme: 'http' }, host, 80);
  return withHost(url, host, ports[0]);
}

function checkResolution(
  context: LintContext, canary: CanaryView, hook: WebhookView, url: HttpUrl, resolved: HostResolution, flaggerNamespace: string, flaggerKnown: boolean,
): Finding[] {
  const { index } = context;
  const sourced = canary.sourced;
  if (resolved.kind === 'external') {
    return [finding(externalInfo, sourced, `${describeUrl(hook)} is outside the cluster; it was not checked.`,
      'make sure Flagger can reach it; in-cluster Services are written svc.namespace.', 'info')];
  }
  if (resolved.kind === 'loopback') {
    return [finding(unresolvedInfo, sourced,
      `${describeUrl(hook)} points at ${url.host}, which is the Flagger pod itself: Flagger calls webhooks from its own pod.`,
      'use the Service of the loadtester, e.g. http://flagger-loadtester.<namespace>/.')];
  }
  if (!resolved.service && !resolved.generated) {
    const names = index.serviceNamesIn(resolved.namespace);
    const inList = names.length > 0 ? `Services in ${resolved.namespace}: ${listNames(names)}` : `no Services in namespace ${resolved.namespace}`;
    if (resolved.bare) {
      const local = index.service(canary.namespace, resolved.name) || index.generatedService(canary.namespace, resolved.name);
      const where = flaggerKnown ? `Flagger's namespace ${flaggerNamespace}` : `Flagger's namespace (${flaggerNamespace} with the Istio install)`;
      return [finding(unresolvedInfo, sourced,
        `${describeUrl(hook)} has no namespace, and Flagger calls webhooks from its own pod, so "${resolved.name}" resolves in ${where}, `
        + `where it is not a Service of the manifests (${inList}).`,
        local
          ? `write the namespace: ${withHost(url, `${resolved.name}.${canary.namespace}`, url.port)}`
          : `write the Service as name.namespace, e.g. ${withHost(url, `${resolved.name}.${canary.namespace}`, url.port)}, and make sure it is in the manifests.`)];
    }
    const suggestion = suggestServiceUrl(index, url, resolved.name, resolved.namespace);
    return [finding(unresolvedInfo, sourced,
      `${describeUrl(hook)} names Service ${resolved.namespace}/${resolved.name}, which is not in the manifests (${inList}).`,
      suggestion ? `did you mean ${suggestion} ?` : `add Service ${resolved.namespace}/${resolved.name} to the manifests, or point the webhook at an existing Service.`)];
  }
  if (resolved.anyPort || resolved.ports.includes(url.effectivePort)) {
    const missing = resolved.service ? missingBackend(index, resolved.service, url.effectivePort) : undefined;
    return missing ? [finding(unresolvedInfo, sourced, `${describeUrl(hook)}: ${missing.message}.`, missing.hint)] : [];
  }
  const ports = [...new Set(resolved.ports)];
  const owner = resolved.service ? `Service ${resolved.namespace}/${resolved.name}` : `Service ${resolved.namespace}/${resolved.name} (created by Flagger for Canary ${resolved.generated?.canary.name})`;
  const portWord = url.port === undefined ? `the ${url.scheme} default port ${url.effectivePort}` : `port ${url.effectivePort}`;
  return [finding(unresolvedInfo, sourced,
    `${describeUrl(hook)} uses ${portWord}, but ${owner} exposes ${ports.length === 1 ? 'only port' : 'ports'} ${ports.join(', ') || 'none'}.`,
    ports.length > 0 ? `use ${suggestPort(url, resolved.bare ? url.host : hostLike(url.host, resolved.name, resolved.namespace), ports)}` : `add a port to ${owner}.`)];
}

function check(context: LintContext): Finding[] {
  const { index } = context;
  const findings: Finding[] = [];
  const detected = flaggerNamespaces(index);
  const flaggerKnown = detected.length > 0;
  const flaggerNamespace = detected[0] ?? ASSUMED_FLAGGER_NAMESPACE;
  for (const canary of index.canaries) {
    for (const hook of canary.webhooks) {
      if (hook.url === undefined || hook.url.trim() === '') {
        findings.push(finding(unresolvedInfo, canary.sourced, `webhook "${hook.name}" (${hook.path}) has no url, so every call fails.`,
          'set url, e.g. http://flagger-loadtester.<namespace>/.'));
        continue;
      }
      const url = parseUrl(hook.url.trim());
      if (!url) {
        const noScheme = !/^[a-z][a-z0-9+.-]*:\/\//i.test(hook.url.trim());
        findings.push(finding(unresolvedInfo, canary.sourced,
          noScheme
            ? `${describeUrl(hook)} has no http:// or https:// scheme; Flagger's HTTP client rejects it ("unsupported protocol scheme").`
            : `${describeUrl(hook)} is not a valid http or https URL.`,
          noScheme ? `write it as http://${hook.url.trim()}` : 'write an http:// or https:// URL of a Service, e.g. http://flagger-loadtester.<namespace>/.'));
        continue;
      }
      // Flagger, not the Canary, makes the call: a bare host resolves in Flagger's own namespace.
      const resolved = resolveHost(index, url.host, flaggerNamespace);
      findings.push(...checkResolution(context, canary, hook, url, resolved, flaggerNamespace, flaggerKnown));
    }
  }
  return findings;
}

export const webhookUrlRules: RuleSet = { rules: [unresolvedInfo, externalInfo], check };
