import { idOf, namespaceOf, SourcedObject } from '../../model/object';
import { asList, asMap, asStrings } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { reportMissing } from '../presence';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const hostInfo: RuleInfo = {
  id: 'gateway-host-mismatch',
  severity: 'error',
  title: 'A Canary or VirtualService is bound to a Gateway that serves none of its hosts',
  symptom: 'Istio attaches no route of it to the Gateway: requests for its hosts get 404 at the ingress and the canary sees no user traffic; '
    + '`istioctl analyze` reports `VirtualService host not found in gateway`.',
};

const info: RuleInfo = {
  id: 'gateway-missing',
  severity: 'error',
  title: 'A Gateway referenced by a Canary or a VirtualService is not in the manifests',
  symptom: 'Istio drops the routes bound to the missing Gateway: requests to the public host get 404 and the canary sees no user traffic; '
    + '`istioctl analyze` reports `Referenced gateway not found`.',
};

/** `ns/name`, `name.ns.svc.cluster.local` (or `name.ns`), or a bare `name` in `namespace`; `mesh` is the sidecars. */
export function parseGatewayRef(ref: string, namespace: string): { namespace: string; name: string } | undefined {
  if (ref === 'mesh' || ref === '') return undefined;
  if (ref.includes('/')) {
    const [refNamespace, name] = ref.split('/', 2);
    if (refNamespace === '*') return undefined;
    return { namespace: refNamespace === '.' ? namespace : refNamespace, name };
  }
  if (ref.includes('.')) {
    const labels = ref.split('.');
    return { namespace: labels[1], name: labels[0] };
  }
  return { namespace, name: ref };
}

function gatewayRefs(sourced: SourcedObject): Array<{ ref: string; field: string }> {
  const object = sourced.object;
  const spec = asMap(object.spec);
  const refs: Array<{ ref: string; field: string }> = [];
  const add = (value: unknown, field: string) => {
    for (const ref of asStrings(value)) refs.push({ ref, field });
  };
  if (object.kind === 'Canary') {
    add(asMap(spec.service).gateways, 'spec.service.gateways');
    return refs;
  }
  add(spec.gateways, 'spec.gateways');
  for (const section of ['http', 'tls', 'tcp']) {
    asList(spec[section]).forEach((route, routeIndex) => {
      asList(asMap(route).match).forEach((match, matchIndex) => add(asMap(match).gateways, `spec.${section}[${routeIndex}].match[${matchIndex}].gateways`));
    });
  }
  return refs;
}

/** The hosts of a Gateway's servers, as `namespace/host` patterns (namespace `*` when the server does not restrict it). */
function serverHosts(gateway: SourcedObject): string[] {
  return asList(asMap(gateway.object.spec).servers).flatMap((server) => asStrings(asMap(server).hosts)).map((host) => (host.includes('/') ? host : `*/${host}`));
}

/** Whether two host names can name the same host: equal, or one a wildcard (`*`, `*.example.com`) that covers the other. */
export function hostsIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === '*' || y === '*' || x === y) return true;
  const covers = (wildcard: string, host: string) => wildcard.startsWith('*.') && host.endsWith(wildcard.slice(1));
  return covers(x, y) || covers(y, x);
}

/** The hosts a referrer binds to a Gateway: a Canary's service.hosts (Flagger adds the apex name), a VirtualService's hosts. */
function boundHosts(sourced: SourcedObject): string[] {
  const spec = asMap(sourced.object.spec);
  return asStrings(sourced.object.kind === 'Canary' ? asMap(spec.service).hosts : spec.hosts);
}

function checkHosts(context: LintContext, sourced: SourcedObject, gatewayNamespace: string, gatewayName: string): Report[] {
  const gateway = context.index.gateway(gatewayNamespace, gatewayName);
  const declared = context.presence.declaration('Gateway', gatewayNamespace, gatewayName);
  const served = gateway ? serverHosts(gateway) : (declared?.hosts ?? []).map((host) => (host.includes('/') ? host : `*/${host}`));
  const hosts = boundHosts(sourced);
  if (served.length === 0 || hosts.length === 0) return [];
  const namespace = namespaceOf(sourced.object);
  const usable = served.filter((entry) => {
    const [allowed] = entry.split('/', 1);
    return allowed === '*' || allowed === namespace || (allowed === '.' && gatewayNamespace === namespace);
  }).map((entry) => entry.slice(entry.indexOf('/') + 1));
  if (hosts.some((host) => usable.some((pattern) => hostsIntersect(pattern, host)))) return [];
  const where = gateway ? `Gateway ${gatewayNamespace}/${gatewayName}` : `Gateway ${gatewayNamespace}/${gatewayName} (declared with hosts ${declared?.hosts?.join(', ')})`;
  return [report(hostInfo, sourced,
    `${idOf(sourced.object)} binds the hosts ${hosts.join(', ')} to ${where}, which serves ${usable.length ? usable.join(', ') : 'no host'}`
    + `${usable.length < served.length ? ` to namespace ${namespace} (servers: ${served.join(', ')})` : ''}, so Istio attaches none of its routes there.`,
    usable.length ? `use a host the Gateway serves, e.g. ${usable[0].replace(/^\*\./, 'app.')}, or add the host to the Gateway's servers.` : `add a server for ${hosts[0]} to the Gateway.`)];
}

function check(context: LintContext): Report[] {
  const { index } = context;
  const reports: Report[] = [];
  const referrers = [
    ...index.canaries.filter((canary) => canary.isIstio).map((canary) => canary.sourced),
    ...index.virtualServices,
  ];
  const gatewayKeys = index.gatewayKeys();
  for (const sourced of referrers) {
    const namespace = namespaceOf(sourced.object);
    const reported = new Set<string>();
    for (const { ref, field } of gatewayRefs(sourced)) {
      const parsed = parseGatewayRef(ref, namespace);
      if (!parsed) continue;
      const wanted = `${parsed.namespace}/${parsed.name}`;
      if (reported.has(wanted)) continue;
      reported.add(wanted);
      if (index.gateway(parsed.namespace, parsed.name) || context.presence.isDeclared({ kind: 'Gateway', ...parsed })) {
        reports.push(...checkHosts(context, sourced, parsed.namespace, parsed.name));
        continue;
      }
      const near = closest(wanted, gatewayKeys);
      const suggestion = near ?? (gatewayKeys.length === 1 ? gatewayKeys[0] : undefined);
      const bare = !ref.includes('/') && !ref.includes('.');
      reports.push(...reportMissing(context.presence, info, sourced, { kind: 'Gateway', namespace: parsed.namespace, name: parsed.name, nearMiss: near !== undefined },
        `${idOf(sourced.object)} ${field} references Gateway "${ref}"${ref === wanted ? '' : `, that is ${wanted}`}`
        + `${bare ? ` (a bare name means the ${sourced.object.kind}'s own namespace)` : ''}, `
        + `which is not in the manifests${gatewayKeys.length ? ` (Gateways: ${gatewayKeys.join(', ')})` : ' (no Gateways in the manifests)'}.`,
        suggestion ? `did you mean "${suggestion}" ?` : `add Gateway ${wanted} to the manifests, or fix the reference as namespace/name.`));
    }
  }
  return reports;
}

export const gatewayRules: RuleSet = { rules: [info, hostInfo], check };
