import { commandUrls } from '../commands';
import { CanaryView, finding, LintContext, ManifestIndex, RuleInfo, RuleSet, WebhookView } from '../lint-context';
import { containerPorts, flaggerNamespaces, hostLike, resolveHost } from '../services';
import { closest } from '../suggest';
import { Finding } from '../types';
import { parseUrl, withHost } from '../urls';

const info: RuleInfo = {
  id: 'command-wrong-service',
  severity: 'error',
  title: "Webhook command calls a Service other than the canary's, or the wrong port",
  symptom: 'The load test sends no traffic to the canary, so every metric check halts with '
    + '`Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic`, '
    + 'and the canary is rolled back; an acceptance test tests the wrong thing.',
};

/** The namespace the loadtester runs in: the one the webhook URL points at; short hosts in its commands resolve there. */
function commandNamespace(index: ManifestIndex, canary: CanaryView, hook: WebhookView, flaggerNamespace: string): string {
  const url = hook.url ? parseUrl(hook.url.trim()) : undefined;
  if (!url) return canary.namespace;
  const resolved = resolveHost(index, url.host, flaggerNamespace);
  if (resolved.kind !== 'service') return canary.namespace;
  if (resolved.service || resolved.generated || !resolved.bare) return resolved.namespace;
  return canary.namespace;
}

function canaryPorts(index: ManifestIndex, canary: CanaryView): number[] {
  if (canary.port === undefined) return [];
  const ports = [canary.port];
  if (canary.service.portDiscovery === true) {
    for (const port of containerPorts(index.target(canary))) if (port.number !== undefined) ports.push(port.number);
  }
  return ports;
}

function check(context: LintContext): Finding[] {
  const { index } = context;
  const findings: Finding[] = [];
  const flaggerNamespace = flaggerNamespaces(index)[0] ?? 'istio-system';
  for (const canary of index.canaries) {
    if (!canary.apex) continue;
    const own = [canary.canaryService, canary.apex, canary.primaryService];
    const ports = canaryPorts(index, canary);
    for (const hook of canary.webhooks) {
      if (hook.cmd === undefined) continue;
      const base = commandNamespace(index, canary, hook, flaggerNamespace);
      for (const { url, program } of commandUrls(hook.cmd)) {
        const resolved = resolveHost(index, url.host, base);
        const subject = `webhook "${hook.name}" runs ${program} against ${url.text}`;
        if (resolved.kind === 'external') continue;
        const suggestion = () => {
          const written = url.host.split('.')[0];
          const name = own.includes(written) ? written : closest(written, own) ?? canary.canaryService;
          return withHost(url, hostLike(url.host, name, canary.namespace), canary.port ?? url.port);
        };
        if (resolved.kind === 'loopback') {
          findings.push(finding(info, canary.sourced,
            `${subject}: the command runs in the loadtester pod, where ${url.host} is the loadtester itself, not Canary ${canary.namespace}/${canary.name}.`,
            `call the canary's Service instead: ${suggestion()}`));
          continue;
        }
        const isOwn = resolved.namespace === canary.namespace && own.includes(resolved.name);
        if (!isOwn) {
          let why: string;
          if (own.includes(resolved.name) && resolved.bare) {
            why = `the command runs in the loadtester pod, so the short host "${resolved.name}" resolves in the loadtester's namespace ${resolved.namespace}, `
              + `not in the canary's namespace ${canary.namespace}`;
          } else if (own.includes(resolved.name)) {
            why = `that is ${resolved.namespace}/${resolved.name}, but Canary ${canary.name} is in namespace ${canary.namespace}`;
          } else {
            const inManifests = Boolean(resolved.service || resolved.generated);
            why = `that is Service ${resolved.namespace}/${resolved.name}, which is ${inManifests ? 'not' : 'neither'} one of this canary's Services `
              + `(${own.join(', ')} in ${canary.namespace})${inManifests ? '' : ' nor in the manifests'}`;
          }
          findings.push(finding(info, canary.sourced, `${subject}: ${why}.`, `did you mean ${suggestion()} ?`));
          continue;
        }
        if (ports.length > 0 && !ports.includes(url.effectivePort)) {
          const portWord = url.port === undefined ? `the ${url.scheme} default port ${url.effectivePort}` : `port ${url.effectivePort}`;
          findings.push(finding(info, canary.sourced,
            `${subject}: it uses ${portWord}, but Flagger exposes ${resolved.namespace}/${resolved.name} on service.port ${canary.port}.`,
            `use ${withHost(url, url.host, canary.port)}`));
        }
      }
    }
  }
  return findings;
}

export const commandTargetRules: RuleSet = { rules: [info], check };
