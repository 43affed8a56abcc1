import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Completes what cdk8s-plus-25 cannot express on a workload's pod template: the seccomp profile
 * and dropping every Linux capability. Both are what the Pod Security "restricted" profile asks for.
 */
export function restrictPodTemplate(workload: ApiObject, containerCount: number): void {
  workload.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  for (let index = 0; index < containerCount; index++) {
    workload.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${index}/securityContext/capabilities`, { drop: ['ALL'] }));
  }
}

/**
 * cdk8s-plus labels every pod template with `cdk8s.io/metadata.addr`, a hash of the construct path.
 * Our workloads select on `app` (which Flagger requires), so the label only adds churn: renaming a
 * construct would change the pod template and start a canary run.
 */
export function dropConstructAddressLabel(workload: ApiObject): void {
  workload.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
}
