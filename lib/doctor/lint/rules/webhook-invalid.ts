import { WEBHOOK_TYPES } from '../../flagger/canary';
import { CanaryView, WebhookView } from '../../model/canary-view';
import { closest } from '../../util/suggest';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'webhook-invalid',
  severity: 'error',
  title: 'A webhook without name or url, or with a type outside the CRD\'s list',
  symptom: 'The API server rejects the whole Canary, e.g. `spec.analysis.webhooks[0].type: Unsupported value: "prerollout": supported values: '
    + '"", "confirm-rollout", "pre-rollout", ...`.',
};

function checkFields(canary: CanaryView, hook: WebhookView): Report[] {
  const reports: Report[] = [];
  const add = (message: string, hint: string) => reports.push(report(info, canary.sourced, message, hint));
  const subject = `webhook ${typeof hook.raw.name === 'string' ? `"${hook.raw.name}" ` : ''}(${hook.path})`;
  if (typeof hook.raw.name !== 'string' || hook.raw.name === '') {
    add(`${subject} has no name; the Flagger CRD requires one, so the API server rejects the Canary.`, 'give the webhook a name, e.g. name: load-test.');
  }
  if (typeof hook.raw.url !== 'string') {
    add(`${subject} has ${hook.raw.url === undefined || hook.raw.url === null ? 'no url' : `a url that is not a string (${JSON.stringify(hook.raw.url)})`}; `
      + 'the Flagger CRD requires a url string, so the API server rejects the Canary.', 'set url, e.g. http://flagger-loadtester.<namespace>/.');
  }
  const type = hook.raw.type;
  if (type !== undefined && type !== null && (typeof type !== 'string' || !WEBHOOK_TYPES.includes(type))) {
    const near = typeof type === 'string' ? closest(type, WEBHOOK_TYPES.filter(Boolean)) : undefined;
    add(`${subject} has type ${JSON.stringify(type)}, which is not one of the Flagger CRD's webhook types (${WEBHOOK_TYPES.filter(Boolean).join(', ')}), `
      + 'so the API server rejects the Canary.', near ? `did you mean type: ${near} ?` : 'use one of the webhook types, or leave type empty for rollout.');
  }
  return reports;
}

export const webhookInvalid: RuleSet = canaryRules([info], (canary) => canary.webhooks.flatMap((hook) => checkFields(canary, hook)));
