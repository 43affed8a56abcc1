import { idOf } from '../../model/object';
import { podSpecOf } from '../../model/workload';
import { asList, asMap, asNumber, asString } from '../../model/yaml';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const namedUserInfo: RuleInfo = {
  id: 'non-root-named-user',
  severity: 'error',
  title: 'runAsNonRoot without a numeric runAsUser on an image that declares a named user (podinfo, flagger-loadtester), or with runAsUser 0',
  symptom: 'The kubelet refuses to start the container: `CreateContainerConfigError: container has runAsNonRoot and image has non-numeric user (app), '
    + 'cannot verify user is non-root`; the Deployment never becomes ready and the canary fails its progress deadline.',
};

const unverifiedInfo: RuleInfo = {
  id: 'non-root-unverified',
  severity: 'warning',
  title: 'runAsNonRoot without a numeric runAsUser on another image',
  symptom: 'If the image declares a named user rather than a number, the kubelet refuses to start it with `CreateContainerConfigError`.',
};

/** Images known to declare `USER app` or another name, not a number. */
const NAMED_USER_IMAGES = [
  'ghcr.io/stefanprodan/podinfo',
  'stefanprodan/podinfo',
  'docker.io/stefanprodan/podinfo',
  'ghcr.io/fluxcd/flagger-loadtester',
  'weaveworks/flagger-loadtester',
  'docker.io/weaveworks/flagger-loadtester',
];

/** The image name without tag or digest. */
function repository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}

function check(context: LintContext): Report[] {
  const reports: Report[] = [];
  for (const sourced of context.index.objects) {
    const podSpec = podSpecOf(sourced.object);
    if (!podSpec) continue;
    const podContext = asMap(podSpec.securityContext);
    const containers = [...asList(podSpec.initContainers), ...asList(podSpec.containers)].map(asMap);
    containers.forEach((container, position) => {
      const own = asMap(container.securityContext);
      const runAsNonRoot = own.runAsNonRoot ?? podContext.runAsNonRoot;
      if (runAsNonRoot !== true) return;
      const runAsUser = own.runAsUser ?? podContext.runAsUser;
      const image = asString(container.image) ?? '';
      const name = asString(container.name) ?? `#${position + 1}`;
      const subject = `${idOf(sourced.object)} container "${name}" (${image || 'no image'})`;
      if (asNumber(runAsUser) === 0) {
        reports.push(report(namedUserInfo, sourced, `${subject} sets runAsNonRoot: true with runAsUser: 0 (root); the kubelet refuses to start it.`,
          'set runAsUser to a non-zero user id, e.g. 10001.'));
        return;
      }
      if (asNumber(runAsUser) !== undefined) return;
      const known = NAMED_USER_IMAGES.includes(repository(image));
      reports.push(report(known ? namedUserInfo : unverifiedInfo, sourced,
        known
          ? `${subject} sets runAsNonRoot: true without a numeric runAsUser, and that image declares a named user, so the kubelet cannot verify it is not root.`
          : `${subject} sets runAsNonRoot: true without a numeric runAsUser; if the image declares a named user, the kubelet refuses to start it.`,
        'set a numeric runAsUser (e.g. runAsUser: 10001) in the container or pod securityContext.'));
    });
  }
  return reports;
}

export const nonRootRules: RuleSet = { rules: [namedUserInfo, unverifiedInfo], check };
