import { kindOf, nameOf, namespaceOf } from '../../model/object';
import { asString } from '../../model/yaml';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'api-version-removed',
  severity: 'error',
  title: 'An object in an API version that Kubernetes (or Flagger\'s CRD) no longer serves, e.g. an extensions/v1beta1 Ingress, an autoscaling/v2beta2 HPA, a flagger.app/v1alpha3 Canary',
  symptom: '`kubectl apply` fails with `no matches for kind "Ingress" in version "extensions/v1beta1"`: the object is never created, and the Canary that '
    + 'refers to it never initializes (`ingress podinfo.test get query error`).',
};

/** Removed API versions: `apiVersion kind` (or `apiVersion *`), the release that removed it, and what serves it now (Kubernetes' deprecation guide). */
const REMOVED: ReadonlyArray<{ readonly apiVersion: string; readonly kinds?: readonly string[]; readonly removedIn: string; readonly use: string }> = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: 'Kubernetes 1.16', use: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: 'Kubernetes 1.22', use: 'networking.k8s.io/v1 (spec.rules[].http.paths[].backend.service.{name, port.number}, pathType)' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: 'Kubernetes 1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', removedIn: 'Kubernetes 1.22', use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', removedIn: 'Kubernetes 1.22', use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', removedIn: 'Kubernetes 1.22', use: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', removedIn: 'Kubernetes 1.22', use: 'scheduling.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: 'Kubernetes 1.25', use: 'batch/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: 'Kubernetes 1.25', use: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 'Kubernetes 1.25', use: 'Pod Security admission (namespace labels)' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: 'Kubernetes 1.25', use: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: 'Kubernetes 1.26', use: 'autoscaling/v2' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: 'Kubernetes 1.25', use: 'discovery.k8s.io/v1' },
  { apiVersion: 'flagger.app/v1alpha1', removedIn: 'Flagger 1.0 (its CRD serves only v1beta1)', use: 'flagger.app/v1beta1' },
  { apiVersion: 'flagger.app/v1alpha2', removedIn: 'Flagger 1.0 (its CRD serves only v1beta1)', use: 'flagger.app/v1beta1' },
  { apiVersion: 'flagger.app/v1alpha3', removedIn: 'Flagger 1.0 (its CRD serves only v1beta1)', use: 'flagger.app/v1beta1 (spec.canaryAnalysis became spec.analysis)' },
];

function check(context: LintContext): Report[] {
  const reports: Report[] = [];
  for (const sourced of context.index.objects) {
    const apiVersion = asString(sourced.object.apiVersion) ?? '';
    const kind = kindOf(sourced.object);
    const removed = REMOVED.find((entry) => entry.apiVersion === apiVersion && (!entry.kinds || entry.kinds.includes(kind)));
    if (!removed) continue;
    const namespace = namespaceOf(sourced.object);
    reports.push(report(info, sourced,
      `${kind} ${namespace ? `${namespace}/` : ''}${nameOf(sourced.object)} is written in ${apiVersion}, which ${removed.removedIn} removed: `
      + `\`kubectl apply\` fails with no matches for kind "${kind}" in version "${apiVersion}", so it is never created.`,
      `write it in ${removed.use}.`));
  }
  return reports;
}

export const apiVersionRemoved: RuleSet = { rules: [info], check };
