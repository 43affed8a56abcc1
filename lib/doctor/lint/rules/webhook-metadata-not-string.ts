import { CanaryView } from '../../model/canary-view';
import { typeName } from '../../util/text';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'webhook-metadata-not-string',
  severity: 'error',
  title: 'A webhook metadata value is not a string',
  symptom: 'The API server rejects the whole Canary: '
    + '`spec.analysis.webhooks[0].metadata.retries: Invalid value: "integer": spec.analysis.webhooks[0].metadata.retries in body must be of type string`.',
};

function check(canary: CanaryView): Report[] {
  const reports: Report[] = [];
  for (const hook of canary.webhooks) {
    const metadata = hook.raw.metadata;
    if (metadata === undefined) continue;
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      reports.push(report(info, canary.sourced, `webhook "${hook.name}" ${hook.path}.metadata is ${typeName(metadata)}, not a mapping of strings.`,
        'write metadata as key: "value" pairs, e.g. {type: bash, cmd: "curl -sf ..."}.'));
      continue;
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value === 'string') continue;
      const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      reports.push(report(info, canary.sourced,
        `webhook "${hook.name}" metadata.${key} is ${typeName(value)} (${shown}); every metadata value must be a string.`,
        `quote it: ${key}: "${typeof value === 'object' && value !== null ? JSON.stringify(value).replace(/"/g, '\\"') : String(value)}"`));
    }
  }
  return reports;
}

export const webhookMetadataNotString: RuleSet = canaryRules([info], check);
