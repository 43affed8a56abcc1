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
  // revertOnDeletion: true adopts an existing VirtualService on purpose and restores it when the Canary goes.
  if (canary.spec.revertOnDeletion === true) {
    return [report(info, clash,
      `VirtualService ${canary.namespace}/${canary.apex} has the name Flagger gives the VirtualService of Canary ${canary.namespace}/${canary.name} (its ${source}); `
      + 'with revertOnDeletion: true Flagger adopts it and restores it when the Canary is deleted, but every later apply of it reverts Flagger\'s routes.',
      'apply it once to be adopted, then remove it from what you apply continuously (e.g. your GitOps source).', 'warning')];
  }
  return [report(info, clash,
    `VirtualService ${canary.namespace}/${canary.apex} has the name Flagger gives the VirtualService it generates for Canary `
    + `${canary.namespace}/${canary.name} (its ${source}), so Flagger overwrites it and every apply of the manifests fights Flagger.`,
    `rename it (e.g. ${canary.apex}-root) and let it delegate to the canary (http: [{delegate: {name: ${canary.apex}, namespace: ${canary.namespace}}}] `
    + 'with service.delegation: true), or delete it and move its hosts and gateways into the Canary\'s service.')];
}

export const virtualserviceTakeover: RuleSet = canaryRules([info], check);
