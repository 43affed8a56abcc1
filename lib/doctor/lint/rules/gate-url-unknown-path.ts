import { LOADTESTER_IMAGE, LOADTESTER_PATHS } from '../../flagger/loadtester';
import { CanaryView, WebhookView } from '../../model/canary-view';
import { resolveHost } from '../../model/services';
import { podSpecOf } from '../../model/workload';
import { asList, asMap, asString } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { parseUrl, withHost } from '../../util/urls';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'gate-url-unknown-path',
  severity: 'error',
  title: 'A confirm-* gate or rollback webhook calls Flagger\'s loadtester at a path that does not serve it (/gate/approved, /gate/check/, /rollback)',
  symptom: 'The loadtester routes the call to its task handler, which answers `400 metadata not found in payload`: a confirm-* gate never opens '
    + '(`Halt podinfo.test advancement waiting for approval gate`), a rollback hook never signals a rollback; a rollback hook at /gate/approve rolls back at once.',
};

const GATES = new Set(['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion']);

/** Whether a webhook URL names Flagger's loadtester: a Service of the manifests in front of its image, or one named after it. */
function isLoadtester(context: LintContext, canary: CanaryView, host: string): boolean {
  const resolved = resolveHost(context.index, host, canary.flagger.namespace);
  if (resolved.kind !== 'service') return false;
  if (resolved.service) {
    const workloads = context.index.workloadsSelectedBy(resolved.service);
    if (workloads.some((w) => asList(podSpecOf(w.object)?.containers).some((c) => LOADTESTER_IMAGE.test(asString(asMap(c).image) ?? '')))) return true;
  }
  return resolved.name.includes('loadtester');
}

function checkHook(context: LintContext, canary: CanaryView, hook: WebhookView): Report[] {
  const isGate = GATES.has(hook.type);
  if (!isGate && hook.type !== 'rollback') return [];
  const url = hook.url ? parseUrl(hook.url.trim()) : undefined;
  if (!url || !isLoadtester(context, canary, url.host)) return [];
  const path = url.path.replace(/[?#].*$/, '') || '/';
  const served = LOADTESTER_PATHS[path];
  const subject = `${hook.type} webhook "${hook.name}" calls the loadtester at ${url.text}`;
  const wanted = isGate ? ['/gate/check', '/gate/approve'] : ['/rollback/check'];
  if (!served) {
    // With metadata the task handler runs a task instead; without, the gate can never pass.
    if (Object.keys(hook.metadata).length > 0) return [];
    const near = closest(path, Object.keys(LOADTESTER_PATHS)) ?? wanted[0];
    return [report(info, canary.sourced,
      `${subject}, but the loadtester serves no ${path} (its paths are exact: ${Object.keys(LOADTESTER_PATHS).filter((p) => p.startsWith('/gate') || p.startsWith('/rollback')).join(', ')}); `
      + `the call goes to its task handler, which answers 400 "metadata not found in payload", so ${isGate ? 'the gate never opens and the canary waits for ever' : 'the rollback is never signalled, even after /rollback/open'}.`,
      `use ${withHost({ ...url, path: near }, url.host, url.port)}${isGate ? ' (open it with /gate/open), or /gate/approve to pass at once' : ' (signal it with /rollback/open)'}.`)];
  }
  // A rollback hook on a path that always answers 2xx signals a rollback at every check.
  if (!isGate && served.gate !== 'closed' && served.gate !== 'stateful') {
    return [report(info, canary.sourced,
      `${subject}, which answers ${served.answers}, so Flagger rolls the canary back at its first check: a rollback hook signals a rollback when it answers 2xx.`,
      `use ${withHost({ ...url, path: '/rollback/check' }, url.host, url.port)}, which passes only after /rollback/open.`)];
  }
  return [];
}

export const gateUrlUnknownPath: RuleSet = canaryRules([info], (canary, context) => canary.webhooks.flatMap((hook) => checkHook(context, canary, hook)));
