import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { k8s } from 'cdk8s-plus-25';

/** Pod-level security of our workloads: non-root, with the numeric user the kubelet can verify. */
export function nonRootPod(runAsUser: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: runAsUser, group: runAsUser };
}

/** Container-level security of our workloads: non-root, read-only, no privilege escalation. */
export function restrictedContainer(runAsUser: number): kplus.ContainerSecurityContextProps {
  return { ensureNonRoot: true, user: runAsUser, group: runAsUser, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false };
}

/**
 * Finishes a cdk8s-plus Deployment the way Flagger and the Pod Security "restricted" profile need it:
 * - selects its pods by `labels` (Flagger requires `app`, `name` or `app.kubernetes.io/name`);
 * - drops the `cdk8s.io/metadata.addr` pod label, a hash of the construct path, so renaming a
 *   construct does not change the pod template and start a canary run;
 * - adds what cdk8s-plus-25 cannot express: the seccomp profile and dropping every capability.
 */
export function finishWorkload(deployment: kplus.Deployment, labels: Record<string, string>): ApiObject {
  deployment.select(kplus.LabelSelector.of({ labels }));
  const workload = ApiObject.of(deployment);
  workload.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  workload.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  deployment.containers.forEach((_container, index) => {
    workload.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${index}/securityContext/capabilities`, { drop: ['ALL'] }));
  });
  return workload;
}

/**
 * Sets the ephemeral-storage request and limit of every container in mebibytes. cdk8s-plus-25 can
 * only write whole gibibytes, far more than a container with a read-only root filesystem writes.
 * The patch runs before the L1's own rendering, which reads resource values as `k8s.Quantity`.
 */
export function limitEphemeralStorage(workload: ApiObject, containers: number, request: Size, limit: Size): void {
  for (let index = 0; index < containers; index++) {
    const resources = `/spec/template/spec/containers/${index}/resources`;
    workload.addJsonPatch(JsonPatch.add(`${resources}/requests/ephemeral-storage`, k8s.Quantity.fromString(`${request.toMebibytes()}Mi`)));
    workload.addJsonPatch(JsonPatch.add(`${resources}/limits/ephemeral-storage`, k8s.Quantity.fromString(`${limit.toMebibytes()}Mi`)));
  }
}
