import { TASK_TYPES } from '../../flagger/loadtester';
import { CanaryView, WebhookView } from '../../model/canary-view';
import { closest } from '../../util/suggest';
import { parseUrl } from '../../util/urls';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'loadtester-type-unknown',
  severity: 'error',
  title: 'A loadtester webhook whose metadata.type the loadtester does not know',
  symptom: 'Every call fails: the loadtester has no task of that type, so the webhook never succeeds '
    + '(`Halt podinfo.test advancement pre-rollout check acceptance-test failed ...`) and the canary is rolled back.',
};

/** A call to the loadtester: it runs a command, or its URL names the loadtester. */
function callsLoadtester(hook: WebhookView): boolean {
  if (hook.cmd !== undefined) return true;
  const url = hook.url ? parseUrl(hook.url.trim()) : undefined;
  return url !== undefined && url.host.split('.')[0].includes('loadtester');
}

function checkTaskType(canary: CanaryView, hook: WebhookView): Report[] {
  const type = hook.metadata.type;
  if (typeof type !== 'string' || TASK_TYPES.includes(type) || !callsLoadtester(hook)) return [];
  const near = closest(type, TASK_TYPES);
  return [report(info, canary.sourced,
    `webhook "${hook.name}" sets metadata.type ${JSON.stringify(type)}, which is not a loadtester task type (${TASK_TYPES.join(', ')}): `
    + 'the loadtester runs nothing and every call fails (in v1.44.0 its handler fails on the unknown type and drops the connection).',
    near ? `did you mean type: ${near} ?` : 'use type: bash to run the command and wait for it, or leave type out to start it in the background (cmd).')];
}

export const loadtesterTypeUnknown: RuleSet = canaryRules([info], (canary) => canary.webhooks.flatMap((hook) => checkTaskType(canary, hook)));
