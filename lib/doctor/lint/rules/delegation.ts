import { asList, asMap, asString, CanaryView, describeObject, finding, LintContext, namespaceOf, RuleInfo, RuleSet } from '../../model/manifest-index';
import { closest } from '../../util/suggest';
import { Finding, SourcedObject } from '../../model/object';

const info: RuleInfo = {
  id: 'delegation-broken',
  severity: 'error',
  title: 'Delegation with hosts or gateways, no root VirtualService delegating to the canary, or a delegate that cannot work',
  symptom: 'Flagger fails with `VirtualService podinfo.test cannot have hosts and gateways when delegation enabled`, '
    + 'or the public host answers 404 because no route reaches the canary\'s VirtualService.',
};

interface Delegation {
  readonly root: SourcedObject;
  readonly name: string;
  readonly namespace: string;
}

/** A value as written: strings as they are, anything else as JSON. */
function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function delegations(context: LintContext): Delegation[] {
  const found: Delegation[] = [];
  for (const root of context.index.virtualServices) {
    for (const route of asList(asMap(root.object.spec).http)) {
      const delegate = asMap(asMap(route).delegate);
      const name = asString(delegate.name);
      if (!name) continue;
      found.push({ root, name, namespace: asString(delegate.namespace) || namespaceOf(root.object) });
    }
  }
  return found;
}

function checkCanary(canary: CanaryView, all: readonly Delegation[], delegated: ReadonlySet<string>): Finding[] {
  if (canary.service.delegation !== true) return [];
  const findings: Finding[] = [];
  const hosts = asList(canary.service.hosts);
  const gateways = asList(canary.service.gateways);
  if (hosts.length > 0 || gateways.length > 0) {
    const fields = [hosts.length ? `hosts (${hosts.map(show).join(', ')})` : '', gateways.length ? `gateways (${gateways.map(show).join(', ')})` : ''].filter(Boolean).join(' and ');
    findings.push(finding(info, canary.sourced,
      `service.delegation is true, but service also sets ${fields}; a delegate VirtualService cannot have them.`,
      'move the hosts and gateways to the root VirtualService that delegates to the canary, and remove them from the Canary.'));
  }
  // With a targetRef that names no workload the apex name is likely a typo: target-ref-invalid reports it.
  if (canary.apexTrusted && !delegated.has(`${canary.namespace}/${canary.apex}`)) {
    const near = closest(`${canary.namespace}/${canary.apex}`, all.map((d) => `${d.namespace}/${d.name}`));
    const nearRoot = near ? all.find((d) => `${d.namespace}/${d.name}` === near) : undefined;
    findings.push(finding(info, canary.sourced,
      `service.delegation is true, but no VirtualService of the manifests delegates to ${canary.namespace}/${canary.apex}`
      + (nearRoot ? ` (${describeObject(nearRoot.root.object)} delegates to ${near})` : '') + ', so no route reaches the canary.',
      `add a root VirtualService with the hosts and gateways and http: [{delegate: {name: ${canary.apex}, namespace: ${canary.namespace}}}].`));
  }
  return findings;
}

function checkDelegate(context: LintContext, delegation: Delegation): Finding[] {
  const { index } = context;
  const { root, name, namespace } = delegation;
  const generated = index.generatedService(namespace, name);
  const canary = generated?.role === 'apex' && generated.canary.isIstio ? generated.canary : undefined;
  const subject = `${describeObject(root.object)} delegates to ${namespace}/${name}`;
  if (canary) {
    if (canary.service.delegation === true) return [];
    return [finding(info, root,
      `${subject}, the VirtualService Flagger generates for Canary ${namespace}/${canary.name}, but that Canary does not set service.delegation: true, `
      + 'so Flagger gives it hosts and gateways and Istio ignores it as a delegate.',
      `set spec.service.delegation: true on Canary ${namespace}/${canary.name} and remove its service.hosts and service.gateways.`)];
  }
  const target = index.virtualService(namespace, name);
  if (target) {
    const hosts = asList(asMap(target.object.spec).hosts);
    if (hosts.length === 0) return [];
    return [finding(info, root,
      `${subject}, but that VirtualService has hosts (${hosts.map(show).join(', ')}); Istio only accepts a delegate without hosts.`,
      `remove spec.hosts from VirtualService ${namespace}/${name}.`)];
  }
  const local = index.canaries.filter((c) => c.namespace === namespace);
  if (local.some((c) => !c.apexTrusted)) return [];
  const apexes = local.map((c) => c.apex);
  const near = closest(name, apexes);
  return [finding(info, root,
    `${subject}, which is neither a VirtualService of the manifests nor one Flagger generates for a Canary.`,
    near ? `did you mean name: ${near} ?` : 'delegate to the name of the Canary\'s service (service.name or targetRef.name) in the Canary\'s namespace.')];
}

function check(context: LintContext): Finding[] {
  const all = delegations(context);
  const delegated = new Set(all.map((d) => `${d.namespace}/${d.name}`));
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) if (canary.isIstio) findings.push(...checkCanary(canary, all, delegated));
  for (const delegation of all) findings.push(...checkDelegate(context, delegation));
  return findings;
}

export const delegationRules: RuleSet = { rules: [info], check };
