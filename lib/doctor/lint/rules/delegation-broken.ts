import { CanaryView } from '../../model/canary-view';
import { Delegation } from '../../model/delegation';
import { idOf } from '../../model/object';
import { asList, asMap } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { formatValue } from '../../util/text';
import { reportMissing } from '../presence';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'delegation-broken',
  severity: 'error',
  title: 'Delegation with hosts or gateways, no root VirtualService delegating to the canary, or a delegate that cannot work',
  symptom: 'Flagger fails with `VirtualService podinfo.test cannot have hosts and gateways when delegation enabled`, '
    + 'or the public host answers 404 because no route reaches the canary\'s VirtualService.',
};

function checkCanary(context: LintContext, canary: CanaryView, all: readonly Delegation[], delegated: ReadonlySet<string>): Report[] {
  if (canary.service.delegation !== true) return [];
  const reports: Report[] = [];
  const hosts = asList(canary.service.hosts);
  const gateways = asList(canary.service.gateways);
  if (hosts.length > 0 || gateways.length > 0) {
    const fields = [hosts.length ? `hosts (${hosts.map(formatValue).join(', ')})` : '', gateways.length ? `gateways (${gateways.map(formatValue).join(', ')})` : ''].filter(Boolean).join(' and ');
    reports.push(report(info, canary.sourced,
      `service.delegation is true, but service also sets ${fields}; a delegate VirtualService cannot have them.`,
      'move the hosts and gateways to the root VirtualService that delegates to the canary, and remove them from the Canary.'));
  }
  // With a targetRef that names no workload the apex name is likely a typo: target-ref-invalid reports it.
  if (canary.apexTrusted && !delegated.has(`${canary.namespace}/${canary.apex}`)) {
    const near = closest(`${canary.namespace}/${canary.apex}`, all.map((d) => `${d.namespace}/${d.name}`));
    const nearRoot = near ? all.find((d) => `${d.namespace}/${d.name}` === near) : undefined;
    reports.push(...reportMissing(context.presence, info, canary.sourced, { kind: 'VirtualService', namespace: canary.namespace, name: '*', nearMiss: nearRoot !== undefined },
      `service.delegation is true, but no VirtualService of the manifests delegates to ${canary.namespace}/${canary.apex}`
      + (nearRoot ? ` (${idOf(nearRoot.root.object)} delegates to ${near})` : '') + ', so no route reaches the canary.',
      `add a root VirtualService with the hosts and gateways and http: [{delegate: {name: ${canary.apex}, namespace: ${canary.namespace}}}].`));
  }
  return reports;
}

function checkDelegate(context: LintContext, delegation: Delegation): Report[] {
  const { index } = context;
  const { root, name, namespace } = delegation;
  const generated = index.generatedService(namespace, name);
  const canary = generated?.role === 'apex' && generated.canary.isIstio ? generated.canary : undefined;
  const subject = `${idOf(root.object)} delegates to ${namespace}/${name}`;
  if (canary) {
    if (canary.service.delegation === true) return [];
    return [report(info, root,
      `${subject}, the VirtualService Flagger generates for Canary ${namespace}/${canary.name}, but that Canary does not set service.delegation: true, `
      + 'so Flagger gives it hosts and gateways and Istio ignores it as a delegate.',
      `set spec.service.delegation: true on Canary ${namespace}/${canary.name} and remove its service.hosts and service.gateways.`)];
  }
  const target = index.virtualService(namespace, name);
  if (target) {
    const hosts = asList(asMap(target.object.spec).hosts);
    if (hosts.length === 0) return [];
    return [report(info, root,
      `${subject}, but that VirtualService has hosts (${hosts.map(formatValue).join(', ')}); Istio only accepts a delegate without hosts.`,
      `remove spec.hosts from VirtualService ${namespace}/${name}.`)];
  }
  const local = index.canaries.filter((c) => c.namespace === namespace);
  if (local.some((c) => !c.apexTrusted)) return [];
  const apexes = local.map((c) => c.apex);
  const near = closest(name, apexes);
  return [report(info, root,
    `${subject}, which is neither a VirtualService of the manifests nor one Flagger generates for a Canary.`,
    near ? `did you mean name: ${near} ?` : 'delegate to the name of the Canary\'s service (service.name or targetRef.name) in the Canary\'s namespace.')];
}

function check(context: LintContext): Report[] {
  const all = context.index.delegations;
  const delegated = new Set(all.map((d) => `${d.namespace}/${d.name}`));
  const reports: Report[] = [];
  for (const canary of context.index.canaries) if (canary.isIstio) reports.push(...checkCanary(context, canary, all, delegated));
  for (const delegation of all) reports.push(...checkDelegate(context, delegation));
  return reports;
}

export const delegationBroken: RuleSet = { rules: [info], check };
