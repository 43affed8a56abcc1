import { CanaryView } from '../../model/canary-view';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'virtualservice-takeover',
  severity: 'error',
  title: "A VirtualService of the manifests has the name of a Canary's own VirtualService",
  symptom: 'Flagger takes the VirtualService over and rewrites its hosts, gateways and routes; every re-apply reverts them and '
    + 'traffic shifting breaks with `VirtualService podinfo.test does not contain routes for podinfo-primary and podinfo-canary`.',
};

function check(canary: CanaryView, context: LintContext): Report[] {
  if (!canary.isIstio || !canary.apex) return [];
  const clash = context.index.virtualService(canary.namespace, canary.apex);
  if (!clash) return [];
  const source = canary.service.name ? 'service.name' : 'targetRef.name';
  return [report(info, clash,
    `VirtualService ${canary.namespace}/${canary.apex} has the name Flagger gives the VirtualService it generates for Canary `
    + `${canary.namespace}/${canary.name} (its ${source}), so Flagger overwrites it and every apply of the manifests fights Flagger.`,
    `rename it (e.g. ${canary.apex}-root) and let it delegate to the canary (http: [{delegate: {name: ${canary.apex}, namespace: ${canary.namespace}}}] `
    + 'with service.delegation: true), or delete it and move its hosts and gateways into the Canary\'s service.')];
}

export const virtualserviceTakeover: RuleSet = canaryRules([info], check);
