import { CanaryView } from '../../model/canary-view';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'duplicate-canary-target',
  severity: 'error',
  title: 'Two Canaries target the same workload',
  symptom: 'Both Canaries create the same primary Deployment and Services and fight over the traffic weights; rollouts flap and '
    + 'promote or roll back unpredictably.',
};

function check(context: LintContext): Report[] {
  const reports: Report[] = [];
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
    reports.push(report(info, canary.sourced,
      `Canary ${canary.namespace}/${canary.name} targets ${ref.kind} ${canary.namespace}/${ref.name}, which Canary ${first.namespace}/${first.name} already targets`
      + `${first.sourced.source.file ? ` (${first.sourced.source.file})` : ''}.`,
      `keep one Canary per workload: delete one of them, or point it at another ${ref.kind}.`));
  }
  return reports;
}

export const duplicateCanaryTarget: RuleSet = { rules: [info], check };
