import {
  apiGroupOf, asMap, asString, CanaryView, describeObject, finding, LintContext, nameOf, namespaceOf, RuleInfo, RuleSet,
} from '../../model/manifest-index';
import { closest } from '../../util/suggest';
import { Finding } from '../../model/object';

const targetInfo: RuleInfo = {
  id: 'target-ref-invalid',
  severity: 'error',
  title: 'Canary targetRef is missing, of an unsupported kind, or names no workload of the manifests',
  symptom: 'The API server rejects the Canary, or Flagger never initializes it: '
    + '`deployment podinfo.test get query error: deployments.apps "podinfo" not found`.',
};

const autoscalerInfo: RuleInfo = {
  id: 'autoscaler-ref-invalid',
  severity: 'error',
  title: 'autoscalerRef is missing while an HPA scales the target, names no HPA, one that scales another workload, or another apiVersion',
  symptom: 'Without autoscalerRef the primary Deployment, which serves all traffic, is never autoscaled; a missing HPA fails '
    + 'initialization with `HorizontalPodAutoscaler podinfo.test get query error`; an HPA of another workload is copied onto the primary. '
    + 'Flagger v1.44 ignores autoscalerRef.apiVersion, but a wrong one contradicts the object it names.',
};

const TARGET_KINDS = ['Deployment', 'DaemonSet', 'Service'];
const SCALER_GROUPS: Record<string, string> = { HorizontalPodAutoscaler: 'autoscaling', ScaledObject: 'keda.sh' };
/** The API versions Flagger v1.44 reads scalers through, whatever autoscalerRef.apiVersion says (hpa_reconciler.go, scaled_object_reconciler.go). */
const READ_VERSIONS: Record<string, string> = { HorizontalPodAutoscaler: 'autoscaling/v2', ScaledObject: 'keda.sh/v1alpha1' };

function namesOfKind(context: LintContext, kind: string, group: string, namespace: string): string[] {
  return context.index.ofKind(kind)
    .filter((s) => apiGroupOf(s.object) === group && namespaceOf(s.object) === namespace)
    .map((s) => nameOf(s.object));
}

function checkTarget(context: LintContext, canary: CanaryView): Finding[] {
  const ref = canary.targetRef;
  if (!ref || !ref.name) {
    return [finding(targetInfo, canary.sourced, `Canary ${canary.namespace}/${canary.name} has no spec.targetRef${ref ? '.name' : ''}; the API server rejects it.`,
      'set spec.targetRef to the workload to roll out, e.g. {apiVersion: apps/v1, kind: Deployment, name: podinfo}.')];
  }
  if (!TARGET_KINDS.includes(ref.kind)) {
    return [finding(targetInfo, canary.sourced, `spec.targetRef.kind "${ref.kind}" is not one Flagger supports (${TARGET_KINDS.join(', ')}); the API server rejects the Canary.`,
      'use kind: Deployment (apiVersion: apps/v1) for the tutorial.')];
  }
  if (context.index.target(canary)) return [];
  const group = ref.kind === 'Service' ? (ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '') : 'apps';
  const near = closest(ref.name, namesOfKind(context, ref.kind, group, canary.namespace));
  return [finding(targetInfo, canary.sourced,
    `spec.targetRef names ${ref.kind} ${canary.namespace}/${ref.name}, which is not in the linted manifests.`,
    near ? `did you mean name: ${near} ?` : `add ${ref.kind} ${canary.namespace}/${ref.name} to the manifests, or lint them together with it.`)];
}

function checkAutoscaler(context: LintContext, canary: CanaryView): Finding[] {
  const { index } = context;
  const ref = canary.autoscalerRef;
  const target = index.target(canary);
  const targetRef = canary.targetRef;
  if (!ref) {
    if (!target || !targetRef) return [];
    const scalers = index.scalersOf(targetRef.kind, canary.namespace, targetRef.name);
    if (scalers.length === 0) return [];
    const scaler = scalers[0];
    return [finding(autoscalerInfo, canary.sourced,
      `${describeObject(scaler.object)} scales the target ${targetRef.kind} ${targetRef.name}, but the Canary has no spec.autoscalerRef, `
      + `so Flagger never gives ${targetRef.name}-primary, which serves all traffic, an autoscaler.`,
      `add spec.autoscalerRef: {apiVersion: ${asString(scaler.object.apiVersion)}, kind: ${scaler.object.kind}, name: ${nameOf(scaler.object)}}`)];
  }
  const group = SCALER_GROUPS[ref.kind];
  if (!group) {
    return [finding(autoscalerInfo, canary.sourced, `spec.autoscalerRef.kind "${ref.kind}" is not HorizontalPodAutoscaler or ScaledObject; the API server rejects the Canary.`,
      'use kind: HorizontalPodAutoscaler with apiVersion: autoscaling/v2.')];
  }
  if (!ref.name) {
    return [finding(autoscalerInfo, canary.sourced, 'spec.autoscalerRef has no name; the API server rejects the Canary.', 'set spec.autoscalerRef.name to the HPA of the target.')];
  }
  const scaler = index.get(group, ref.kind, canary.namespace, ref.name);
  if (!scaler) {
    const scalingTarget = targetRef ? index.scalersOf(targetRef.kind, canary.namespace, targetRef.name).find((s) => s.object.kind === ref.kind) : undefined;
    const near = closest(ref.name, namesOfKind(context, ref.kind, group, canary.namespace)) ?? (scalingTarget && nameOf(scalingTarget.object));
    return [finding(autoscalerInfo, canary.sourced,
      `spec.autoscalerRef names ${ref.kind} ${canary.namespace}/${ref.name}, which is not in the linted manifests.`,
      near ? `did you mean name: ${near} ?` : `add the ${ref.kind} to the manifests, or remove spec.autoscalerRef.`)];
  }
  const findings: Finding[] = [];
  const scaleTarget = asMap(asMap(scaler.object.spec).scaleTargetRef);
  const scaledKind = asString(scaleTarget.kind) || 'Deployment';
  const scaledName = asString(scaleTarget.name) ?? '';
  // With a targetRef that names no workload, target-ref-invalid reports the typo; the HPA is likely right.
  if (target && targetRef && (scaledKind !== targetRef.kind || scaledName !== targetRef.name)) {
    findings.push(finding(autoscalerInfo, canary.sourced,
      `spec.autoscalerRef names ${ref.kind} ${canary.namespace}/${ref.name}, which scales ${scaledKind} ${scaledName}, not the canary's target ${targetRef.kind} ${targetRef.name}.`,
      `point the ${ref.kind}'s scaleTargetRef at ${targetRef.kind} ${targetRef.name}, or reference the ${ref.kind} that does.`));
  }
  const actualApiVersion = asString(scaler.object.apiVersion) ?? '';
  if (ref.apiVersion !== actualApiVersion) {
    const retired = /^autoscaling\/v2beta[12]$/.test(ref.apiVersion) ? ` (${ref.apiVersion} is not even served since Kubernetes 1.26)` : '';
    findings.push(finding(autoscalerInfo, canary.sourced,
      `spec.autoscalerRef.apiVersion is "${ref.apiVersion}", but ${ref.kind} ${canary.namespace}/${ref.name} is ${actualApiVersion}. `
      + `Flagger v1.44 ignores this field (it reads every ${ref.kind} through ${READ_VERSIONS[ref.kind]}), so the rollout is not affected, `
      + `but the reference names a version the object is not written in${retired}, which misleads readers and tools that follow the reference.`,
      `set spec.autoscalerRef.apiVersion: ${actualApiVersion}`));
  }
  return findings;
}

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    findings.push(...checkTarget(context, canary), ...checkAutoscaler(context, canary));
  }
  return findings;
}

export const targetRefRules: RuleSet = { rules: [targetInfo, autoscalerInfo], check };
