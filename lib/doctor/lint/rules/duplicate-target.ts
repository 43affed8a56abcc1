import { CanaryView, finding, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { Finding } from '../../model/object';

const info: RuleInfo = {
  id: 'duplicate-canary-target',
  severity: 'error',
  title: 'Two Canaries target the same workload',
  symptom: 'Both Canaries create the same primary Deployment and Services and fight over the traffic weights; rollouts flap and '
    + 'promote or roll back unpredictably.',
};

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  const owners = new Map<string, CanaryView>();
  for (const canary of context.index.canaries) {
    const ref = canary.targetRef;
    if (!ref || !ref.name) continue;
    const key = `${canary.namespace}/${ref.kind}/${ref.name}`;
    const first = owners.get(key);
    if (!first) {
      owners.set(key, canary);
      continue;
    }
    // The same Canary given twice (two copies of a file, or a file and stdin) is one object to the API server.
    if (first.name === canary.name) continue;
    findings.push(finding(info, canary.sourced,
      `Canary ${canary.namespace}/${canary.name} targets ${ref.kind} ${canary.namespace}/${ref.name}, which Canary ${first.namespace}/${first.name} already targets`
      + `${first.sourced.source.file ? ` (${first.sourced.source.file})` : ''}.`,
      `keep one Canary per workload: delete one of them, or point it at another ${ref.kind}.`));
  }
  return findings;
}

export const duplicateTargetRules: RuleSet = { rules: [info], check };
