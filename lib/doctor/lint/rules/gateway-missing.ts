import { idOf, namespaceOf, SourcedObject } from '../../model/object';
import { asList, asMap, asStrings } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

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
      if (!parsed || index.gateway(parsed.namespace, parsed.name)) continue;
      const wanted = `${parsed.namespace}/${parsed.name}`;
      if (reported.has(wanted)) continue;
      reported.add(wanted);
      const near = closest(wanted, gatewayKeys) ?? (gatewayKeys.length === 1 ? gatewayKeys[0] : undefined);
      const bare = !ref.includes('/') && !ref.includes('.');
      reports.push(report(info, sourced,
        `${idOf(sourced.object)} ${field} references Gateway "${ref}"${ref === wanted ? '' : `, that is ${wanted}`}`
        + `${bare ? ` (a bare name means the ${sourced.object.kind}'s own namespace)` : ''}, `
        + `which is not in the manifests${gatewayKeys.length ? ` (Gateways: ${gatewayKeys.join(', ')})` : ' (no Gateways in the manifests)'}.`,
        near ? `did you mean "${near}" ?` : `add Gateway ${wanted} to the manifests, or fix the reference as namespace/name.`));
    }
  }
  return reports;
}

export const gatewayMissing: RuleSet = { rules: [info], check };
