import { idOf } from '../../model/object';
import { asString, mapAt } from '../../model/yaml';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'selector-label-missing',
  severity: 'error',
  title: "Target's selector lacks every label of Flagger's -selector-labels (app, name or app.kubernetes.io/name by default), or does not match its pod labels",
  symptom: 'Flagger refuses to initialize the Canary: `deployment podinfo.test spec.selector.matchLabels must contain one of '
    + '[app name app.kubernetes.io/name]`; a selector that does not match the pod labels is rejected by the API server.',
};

function check(context: LintContext): Report[] {
  const reports: Report[] = [];
  const seen = new Set<string>();
  for (const canary of context.index.canaries) {
    const target = context.index.target(canary);
    if (!target || (target.object.kind !== 'Deployment' && target.object.kind !== 'DaemonSet')) continue;
    const targetId = idOf(target.object);
    if (seen.has(targetId)) continue;
    seen.add(targetId);
    const matchLabels = mapAt(target.object.spec, 'selector', 'matchLabels');
    const podLabels = mapAt(target.object.spec, 'template', 'metadata', 'labels');
    const labels = canary.flagger.selectorLabels;
    const label = labels.find((candidate) => candidate in matchLabels);
    if (!label) {
      const present = Object.keys(matchLabels);
      const source = canary.flagger.deployment ? `the -selector-labels of ${idOf(canary.flagger.deployment.object)}` : "Flagger's default -selector-labels";
      reports.push(report(info, target,
        `${targetId} is the target of Canary ${canary.namespace}/${canary.name}, but its spec.selector.matchLabels `
        + `(${present.length ? present.map((k) => `${k}=${matchLabels[k]}`).join(', ') : 'none'}) contain none of ${labels.join(', ')} (${source}), `
        + 'the labels Flagger uses to build the primary and canary selectors.',
        `add "${labels[0]}: ${asString(podLabels[labels[0]]) ?? target.object.metadata?.name}" to spec.selector.matchLabels and to spec.template.metadata.labels.`));
      continue;
    }
    for (const [key, value] of Object.entries(matchLabels)) {
      if (podLabels[key] !== value) {
        reports.push(report(info, target,
          `${targetId}: spec.selector.matchLabels ${key}=${value} does not match the pod template label `
          + `${key}=${podLabels[key] === undefined ? '(missing)' : podLabels[key]}; the API server rejects the Deployment.`,
          `set spec.template.metadata.labels.${key}: ${value}`));
      }
    }
  }
  return reports;
}

export const selectorLabelMissing: RuleSet = { rules: [info], check };
