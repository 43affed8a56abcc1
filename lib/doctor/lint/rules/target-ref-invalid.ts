import { CanaryView } from '../../model/canary-view';
import { targetGroupOf } from '../../model/manifest-index';
import { closest } from '../../util/suggest';
import { reportMissing } from '../presence';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'target-ref-invalid',
  severity: 'error',
  title: 'Canary targetRef is missing, of an unsupported kind, or names no workload of the manifests',
  symptom: 'The API server rejects the Canary, or Flagger never initializes it: '
    + '`deployment podinfo.test get query error: deployments.apps "podinfo" not found`.',
};

const TARGET_KINDS = ['Deployment', 'DaemonSet', 'Service'];

function checkTarget(canary: CanaryView, context: LintContext): Report[] {
  const ref = canary.targetRef;
  if (!ref || !ref.name) {
    return [report(info, canary.sourced, `Canary ${canary.namespace}/${canary.name} has no spec.targetRef${ref ? '.name' : ''}; the API server rejects it.`,
      'set spec.targetRef to the workload to roll out, e.g. {apiVersion: apps/v1, kind: Deployment, name: podinfo}.')];
  }
  if (!TARGET_KINDS.includes(ref.kind)) {
    return [report(info, canary.sourced, `spec.targetRef.kind "${ref.kind}" is not one Flagger supports (${TARGET_KINDS.join(', ')}); the API server rejects the Canary.`,
      'use kind: Deployment (apiVersion: apps/v1) for the tutorial.')];
  }
  if (context.index.target(canary)) return [];
  const near = closest(ref.name, context.index.namesOf(targetGroupOf(ref), ref.kind, canary.namespace));
  return reportMissing(context.presence, info, canary.sourced, { kind: ref.kind, namespace: canary.namespace, name: ref.name, nearMiss: near !== undefined },
    `spec.targetRef names ${ref.kind} ${canary.namespace}/${ref.name}, which is not in the linted manifests.`,
    near ? `did you mean name: ${near} ?` : `add ${ref.kind} ${canary.namespace}/${ref.name} to the manifests, or lint them together with it.`);
}

export const targetRefInvalid: RuleSet = canaryRules([info], checkTarget);
