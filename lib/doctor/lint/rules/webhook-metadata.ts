import { finding, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { Finding } from '../../model/object';

const info: RuleInfo = {
  id: 'webhook-metadata-not-string',
  severity: 'error',
  title: 'A webhook metadata value is not a string',
  symptom: 'The API server rejects the whole Canary: '
    + '`spec.analysis.webhooks[0].metadata.retries: Invalid value: "integer": spec.analysis.webhooks[0].metadata.retries in body must be of type string`.',
};

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    for (const hook of canary.webhooks) {
      const metadata = hook.raw.metadata;
      if (metadata === undefined) continue;
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
        findings.push(finding(info, canary.sourced, `webhook "${hook.name}" ${hook.path}.metadata is ${typeName(metadata)}, not a mapping of strings.`,
          'write metadata as key: "value" pairs, e.g. {type: bash, cmd: "curl -sf ..."}.'));
        continue;
      }
      for (const [key, value] of Object.entries(metadata)) {
        if (typeof value === 'string') continue;
        const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
        findings.push(finding(info, canary.sourced,
          `webhook "${hook.name}" metadata.${key} is ${typeName(value)} (${shown}); every metadata value must be a string.`,
          `quote it: ${key}: "${typeof value === 'object' && value !== null ? JSON.stringify(value).replace(/"/g, '\\"') : String(value)}"`));
      }
    }
  }
  return findings;
}

export const webhookMetadataRules: RuleSet = { rules: [info], check };
