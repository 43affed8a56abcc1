import { CanaryView, finding, LintContext, RuleInfo, RuleSet, WebhookView } from '../../model/manifest-index';
import { closest } from '../../util/suggest';
import { Finding } from '../../model/object';
import { parseUrl } from '../../util/urls';

const webhookInfo: RuleInfo = {
  id: 'webhook-invalid',
  severity: 'error',
  title: 'A webhook without name or url, or with a type outside the CRD\'s list',
  symptom: 'The API server rejects the whole Canary, e.g. `spec.analysis.webhooks[0].type: Unsupported value: "prerollout": supported values: '
    + '"", "confirm-rollout", "pre-rollout", ...`.',
};

const taskTypeInfo: RuleInfo = {
  id: 'loadtester-type-unknown',
  severity: 'error',
  title: 'A loadtester webhook whose metadata.type the loadtester does not know',
  symptom: 'Every call fails: the loadtester has no task of that type, so the webhook never succeeds '
    + '(`Halt podinfo.test advancement pre-rollout check acceptance-test failed ...`) and the canary is rolled back.',
};

/** `spec.analysis.webhooks[].type` in the Flagger CRD; empty means rollout. */
const WEBHOOK_TYPES = ['', 'confirm-rollout', 'pre-rollout', 'rollout', 'confirm-promotion', 'post-rollout', 'event', 'rollback', 'confirm-traffic-increase'];

/** The task types of the loadtester (pkg/loadtester): cmd is the default, bash, helm, helmv3, kubectl and concord block. */
export const LOADTESTER_TASK_TYPES = ['cmd', 'bash', 'helm', 'helmv3', 'kubectl', 'concord', 'ngrinder'];

function checkFields(canary: CanaryView, hook: WebhookView): Finding[] {
  const findings: Finding[] = [];
  const add = (message: string, hint: string) => findings.push(finding(webhookInfo, canary.sourced, message, hint));
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
  return findings;
}

/** A call to the loadtester: it runs a command, or its URL names the loadtester. */
function callsLoadtester(hook: WebhookView): boolean {
  if (hook.cmd !== undefined) return true;
  const url = hook.url ? parseUrl(hook.url.trim()) : undefined;
  return url !== undefined && url.host.split('.')[0].includes('loadtester');
}

function checkTaskType(canary: CanaryView, hook: WebhookView): Finding[] {
  const type = hook.metadata.type;
  if (typeof type !== 'string' || LOADTESTER_TASK_TYPES.includes(type) || !callsLoadtester(hook)) return [];
  const near = closest(type, LOADTESTER_TASK_TYPES);
  return [finding(taskTypeInfo, canary.sourced,
    `webhook "${hook.name}" sets metadata.type ${JSON.stringify(type)}, which is not a loadtester task type (${LOADTESTER_TASK_TYPES.join(', ')}): `
    + 'the loadtester runs nothing and every call fails (in v1.44.0 its handler fails on the unknown type and drops the connection).',
    near ? `did you mean type: ${near} ?` : 'use type: bash to run the command and wait for it, or leave type out to start it in the background (cmd).')];
}

function check(context: LintContext): Finding[] {
  return context.index.canaries.flatMap((canary) => canary.webhooks.flatMap((hook) => [...checkFields(canary, hook), ...checkTaskType(canary, hook)]));
}

export const webhookFieldRules: RuleSet = { rules: [webhookInfo, taskTypeInfo], check };
