import { idOf, kindOf, nameOf, namespaceOf, SourcedObject } from '../../model/object';
import { asMap, asNumber } from '../../model/yaml';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'replicas-with-hpa',
  severity: 'warning',
  title: 'spec.replicas is set on a workload that an HPA (and Flagger) scale',
  symptom: 'Every re-apply resets the replica count the HPA chose, and scales up the target Flagger scaled to zero after promotion; '
    + 'pods churn and capacity drops under load.',
};

function check(context: LintContext): Report[] {
  const { index } = context;
  const reports: Report[] = [];
  const scaledBy = new Map<SourcedObject, string>();
  for (const canary of index.canaries) {
    if (!canary.autoscalerRef) continue;
    const target = index.target(canary);
    if (target) scaledBy.set(target, `Canary ${canary.namespace}/${canary.name} (autoscalerRef ${canary.autoscalerRef.name})`);
  }
  for (const kind of ['Deployment', 'StatefulSet', 'ReplicaSet']) {
    for (const workload of index.ofKind(kind)) {
      const replicas = asNumber(asMap(workload.object.spec).replicas);
      if (replicas === undefined) continue;
      const scalers = index.scalersOf(kindOf(workload.object), namespaceOf(workload.object), nameOf(workload.object));
      const by = scalers.length > 0 ? idOf(scalers[0].object) : scaledBy.get(workload);
      if (!by) continue;
      reports.push(report(info, workload,
        `${idOf(workload.object)} sets spec.replicas: ${replicas}, but ${by} scales it; every apply resets the replica count.`,
        'remove spec.replicas and let the HorizontalPodAutoscaler (minReplicas) decide.'));
    }
  }
  return reports;
}

export const replicasWithHpa: RuleSet = { rules: [info], check };
