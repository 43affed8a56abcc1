import { CanaryView } from '../../model/canary-view';
import { rootsDelegatingTo } from '../../model/delegation';
import { ManifestIndex } from '../../model/manifest-index';
import { apiGroupOf, SourcedObject } from '../../model/object';
import { canaryServicePorts, commandNamespace, HostResolution, hostLike, portProtocol, resolveHost, tlsMismatch } from '../../model/services';
import { asList, asMap, asStrings, mapAt } from '../../model/yaml';
import { CommandUrl, commandUrls } from '../../programs/command-urls';
import { closest } from '../../util/suggest';
import { withHost } from '../../util/urls';
import { canaryRules, LintContext, Report, report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'command-wrong-service',
  severity: 'error',
  title: "Webhook command calls a Service other than the canary's, or the wrong port or scheme",
  symptom: 'The load test sends no traffic to the canary, so every metric check halts with '
    + '`Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic`, '
    + 'and the canary is rolled back; an acceptance test tests the wrong thing.',
};

function isPublicGateway(ref: unknown): boolean {
  return typeof ref === 'string' && ref !== '' && ref !== 'mesh';
}

/**
 * The hosts an ingress gateway routes to this canary: `service.hosts` when the Canary binds a gateway,
 * and the hosts of root VirtualServices that delegate to it and bind a gateway.
 */
function gatewayHosts(index: ManifestIndex, canary: CanaryView): string[] {
  const strings = (value: unknown) => asStrings(value).map((v) => v.toLowerCase());
  const hosts: string[] = [];
  if (asList(canary.service.gateways).some(isPublicGateway)) hosts.push(...strings(canary.service.hosts));
  for (const root of rootsDelegatingTo(index.delegations, canary.namespace, canary.apex)) {
    const spec = asMap(root.object.spec);
    if (asList(spec.gateways).some(isPublicGateway)) hosts.push(...strings(spec.hosts));
  }
  return [...new Set(hosts)];
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern === host;
}

/** A Service of the manifests that selects the pods of an Istio Gateway of the manifests: an ingress gateway. */
function isGatewayService(index: ManifestIndex, service: SourcedObject): boolean {
  const selector = mapAt(service.object.spec, 'selector');
  return index.ofKind('Gateway').some((gateway) => {
    if (apiGroupOf(gateway.object.apiVersion) !== 'networking.istio.io') return false;
    const wanted = Object.entries(mapAt(gateway.object.spec, 'selector'));
    return wanted.length > 0 && wanted.every(([key, value]) => selector[key] === value);
  });
}

function hasGateway(index: ManifestIndex, namespace: string): boolean {
  return index.gatewayKeys().some((key) => key.startsWith(`${namespace}/`));
}

/** How a request to a Service that is not the canary's own fares when it may go through an ingress gateway. */
function throughGateway(index: ManifestIndex, canary: CanaryView, call: CommandUrl, resolved: Extract<HostResolution, { kind: 'service' }>):
'reaches' | 'unknown' | { hosts: string[]; gateway: string } | undefined {
  const hosts = gatewayHosts(index, canary);
  const routed = call.hostHeader !== undefined && hosts.some((pattern) => hostMatches(pattern, call.hostHeader!));
  if (resolved.service && isGatewayService(index, resolved.service)) {
    return routed ? 'reaches' : { hosts, gateway: `${resolved.namespace}/${resolved.name}` };
  }
  // The ingress gateway's Service usually comes with the Istio install, not with the app's manifests.
  if (!resolved.service && !resolved.generated && hasGateway(index, resolved.namespace)) return routed ? 'reaches' : 'unknown';
  return undefined;
}

function hostFlag(program: string, host: string): string {
  return program === 'hey' || program === 'oha' ? `-host ${host}` : `-H 'Host: ${host}'`;
}

function check(canary: CanaryView, context: LintContext): Report[] {
  // With a targetRef that names no workload, the canary's Service names are likely wrong too: target-ref-invalid says so.
  if (!canary.apex || !canary.apexTrusted) return [];
  const { index } = context;
  const reports: Report[] = [];
  const own = [canary.canaryService, canary.apex, canary.primaryService];
  const ports = canaryServicePorts(canary);
  for (const hook of canary.webhooks) {
    if (hook.cmd === undefined) continue;
    const base = commandNamespace(index, canary, hook);
    for (const call of commandUrls(hook.commands)) {
      const { url, program } = call;
      const resolved = resolveHost(index, url.host, base);
      const subject = `webhook "${hook.name}" runs ${program} against ${url.text}`;
      if (resolved.kind === 'external') continue;
      const suggestion = () => {
        const written = url.host.split('.')[0];
        const name = own.includes(written) ? written : closest(written, own) ?? canary.canaryService;
        return withHost(url, hostLike(url.host, name, canary.namespace), canary.port ?? url.port);
      };
      if (resolved.kind === 'loopback') {
        reports.push(report(info, canary.sourced,
          `${subject}: the command runs in the loadtester pod, where ${url.host} is the loadtester itself, not Canary ${canary.namespace}/${canary.name}.`,
          `call the canary's Service instead: ${suggestion()}`));
        continue;
      }
      const isOwn = resolved.namespace === canary.namespace && own.includes(resolved.name);
      if (!isOwn) {
        const gateway = throughGateway(index, canary, call, resolved);
        if (gateway === 'unknown') continue;
        if (gateway === 'reaches') {
          if (!resolved.anyPort && resolved.service && !resolved.ports.includes(url.effectivePort)) {
            reports.push(report(info, canary.sourced,
              `${subject}: the ingress gateway Service ${resolved.namespace}/${resolved.name} does not expose port ${url.effectivePort} (ports: ${resolved.ports.join(', ')}).`,
              `use ${withHost(url, url.host, resolved.ports[0])}`));
          }
          continue;
        }
        if (gateway) {
          const sent = call.hostHeader ? `the Host header ${call.hostHeader}` : `no Host header, so the gateway sees the host ${url.host}`;
          reports.push(report(info, canary.sourced,
            `${subject}: that is the ingress gateway ${gateway.gateway}, which routes by the Host header, and the command sends ${sent}, `
            + `which is not a host routed to Canary ${canary.namespace}/${canary.name} through a gateway (${gateway.hosts.length ? gateway.hosts.join(', ') : 'none'}).`,
            gateway.hosts.length
              ? `send one of its hosts, e.g. ${hostFlag(program, gateway.hosts[0])}, or call the canary's Service directly: ${suggestion()}`
              : `call the canary's Service directly: ${suggestion()}`));
          continue;
        }
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
        reports.push(report(info, canary.sourced, `${subject}: ${why}.`, `did you mean ${suggestion()} ?`));
        continue;
      }
      if (ports.length > 0 && !ports.includes(url.effectivePort)) {
        const portWord = url.port === undefined ? `the ${url.scheme} default port ${url.effectivePort}` : `port ${url.effectivePort}`;
        reports.push(report(info, canary.sourced,
          `${subject}: it uses ${portWord}, but Flagger exposes ${resolved.namespace}/${resolved.name} on service.port ${canary.port}.`,
          `use ${withHost({ ...url, scheme: url.scheme === 'https' && portProtocol(resolved, canary.port!) === 'plain' ? 'http' : url.scheme }, url.host, canary.port)}`));
        continue;
      }
      const tls = tlsMismatch(url, resolved);
      if (tls) reports.push(report(info, canary.sourced, `${subject}: ${tls}.`, `use ${withHost({ ...url, scheme: 'http' }, url.host, url.effectivePort)}`));
    }
  }
  return reports;
}

export const commandWrongService: RuleSet = canaryRules([info], check);
