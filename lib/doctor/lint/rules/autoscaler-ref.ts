import { CanaryView } from '../../model/canary-view';
import { idOf, nameOf } from '../../model/object';
import { asString, mapAt } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { reportMissing } from '../presence';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'autoscaler-ref-invalid',
  severity: 'error',
  title: 'autoscalerRef names no HPA or ScaledObject, one that scales another workload, or an unsupported kind '
    + '(another apiVersion than the object\'s is only a note: Flagger v1.44 ignores it)',
  symptom: 'A missing HPA fails initialization with `HorizontalPodAutoscaler podinfo.test get query error`; an HPA of another workload is '
    + 'copied onto the primary; the API server rejects an unsupported kind.',
};

const missingInfo: RuleInfo = {
  id: 'autoscaler-ref-missing',
  severity: 'warning',
  title: 'An HPA or ScaledObject scales the target, but the Canary has no autoscalerRef',
  symptom: 'Rollouts work, but Flagger gives the primary, which serves all traffic, no autoscaler: it keeps the replicas it was created with, '
    + 'while the HPA only scales the canary Deployment when it is scaled up.',
};

const SCALER_GROUPS: Record<string, string> = { HorizontalPodAutoscaler: 'autoscaling', ScaledObject: 'keda.sh' };
/** The API versions Flagger v1.44 reads scalers through, whatever autoscalerRef.apiVersion says (hpa_reconciler.go, scaled_object_reconciler.go). */
const READ_VERSIONS: Record<string, string> = { HorizontalPodAutoscaler: 'autoscaling/v2', ScaledObject: 'keda.sh/v1alpha1' };

function checkAutoscaler(canary: CanaryView, context: LintContext): Report[] {
  const { index } = context;
  const ref = canary.autoscalerRef;
  const target = index.target(canary);
  const targetRef = canary.targetRef;
  if (!ref) {
    if (!target || !targetRef) return [];
    const scalers = index.scalersOf(targetRef.kind, canary.namespace, targetRef.name);
    if (scalers.length === 0) return [];
    const scaler = scalers[0];
    return [report(missingInfo, canary.sourced,
      `${idOf(scaler.object)} scales the target ${targetRef.kind} ${targetRef.name}, but the Canary has no spec.autoscalerRef, `
      + `so Flagger never gives ${targetRef.name}-primary, which serves all traffic, an autoscaler.`,
      `add spec.autoscalerRef: {apiVersion: ${asString(scaler.object.apiVersion)}, kind: ${scaler.object.kind}, name: ${nameOf(scaler.object)}}`)];
  }
  const group = SCALER_GROUPS[ref.kind];
  if (!group) {
    return [report(info, canary.sourced, `spec.autoscalerRef.kind "${ref.kind}" is not HorizontalPodAutoscaler or ScaledObject; the API server rejects the Canary.`,
      'use kind: HorizontalPodAutoscaler with apiVersion: autoscaling/v2.')];
  }
  if (!ref.name) {
    return [report(info, canary.sourced, 'spec.autoscalerRef has no name; the API server rejects the Canary.', 'set spec.autoscalerRef.name to the HPA of the target.')];
  }
  const scaler = index.get(group, ref.kind, canary.namespace, ref.name);
  if (!scaler) {
    const scalingTarget = targetRef ? index.scalersOf(targetRef.kind, canary.namespace, targetRef.name).find((s) => s.object.kind === ref.kind) : undefined;
    const near = closest(ref.name, index.namesOf(group, ref.kind, canary.namespace)) ?? (scalingTarget && nameOf(scalingTarget.object));
    return reportMissing(context.presence, info, canary.sourced, { kind: ref.kind, namespace: canary.namespace, name: ref.name, nearMiss: near !== undefined },
      `spec.autoscalerRef names ${ref.kind} ${canary.namespace}/${ref.name}, which is not in the linted manifests.`,
      near ? `did you mean name: ${near} ?` : `add the ${ref.kind} to the manifests, or remove spec.autoscalerRef.`);
  }
  const reports: Report[] = [];
  const scaleTarget = mapAt(scaler.object.spec, 'scaleTargetRef');
  const scaledKind = asString(scaleTarget.kind) || 'Deployment';
  const scaledName = asString(scaleTarget.name) ?? '';
  // With a targetRef that names no workload, target-ref-invalid reports the typo; the HPA is likely right.
  if (target && targetRef && (scaledKind !== targetRef.kind || scaledName !== targetRef.name)) {
    reports.push(report(info, canary.sourced,
      `spec.autoscalerRef names ${ref.kind} ${canary.namespace}/${ref.name}, which scales ${scaledKind} ${scaledName}, not the canary's target ${targetRef.kind} ${targetRef.name}.`,
      `point the ${ref.kind}'s scaleTargetRef at ${targetRef.kind} ${targetRef.name}, or reference the ${ref.kind} that does.`));
  }
  const actualApiVersion = asString(scaler.object.apiVersion) ?? '';
  if (ref.apiVersion !== actualApiVersion) {
    const retired = /^autoscaling\/v2beta[12]$/.test(ref.apiVersion) ? ` (${ref.apiVersion} is not even served since Kubernetes 1.26)` : '';
    reports.push(report(info, canary.sourced,
      `spec.autoscalerRef.apiVersion is "${ref.apiVersion}", but ${ref.kind} ${canary.namespace}/${ref.name} is ${actualApiVersion}. `
      + `Flagger v1.44 ignores this field (it reads every ${ref.kind} through ${READ_VERSIONS[ref.kind]}), so the rollout is not affected; `
      + `the reference only names a version the object is not written in${retired}.`,
      `set spec.autoscalerRef.apiVersion: ${actualApiVersion}`, 'info'));
  }
  return reports;
}

export const autoscalerRefRules: RuleSet = canaryRules([info, missingInfo], checkAutoscaler);
