/**
 * Gates (confirm-rollout, confirm-traffic-increase, confirm-promotion webhooks): Flagger calls them on
 * every tick and moves on only when one answers 2xx (scheduler_hooks.go). It logs neither the status nor
 * the error, so a gate that can never approve (a path its service does not serve, a request it refuses)
 * looks exactly like one waiting for a person. The loadtester's gate endpoints (pkg/loadtester/server.go)
 * say what each path answers.
 */
import { checks, loadtester, sh } from './checks';
import { Cause, DiagnosisContext, MessageSpec } from './types';

/** What the loadtester answers a gate on each path; any other path is its task endpoint, which answers 400 without metadata.cmd. */
export const LOADTESTER_GATE_PATHS: Readonly<Record<string, string>> = {
  '/gate/check': 'answers 200 once the gate is opened (POST {"name": ..., "namespace": ...} to /gate/open) and 403 until then',
  '/gate/approve': 'always answers 200: the gate approves at once',
  '/gate/halt': 'always answers 403: the gate never approves, whatever is posted to /gate/open',
  '/rollback/check': 'answers 200 once a rollback is asked for (POST to /rollback/open): as a gate it approves only then',
};

/** What a gate URL on the loadtester does, from its path. */
export function loadtesterGatePath(path: string): string {
  const normalised = `/${path.replace(/^\/+|\/+$/g, '')}`;
  return LOADTESTER_GATE_PATHS[normalised]
    ?? `is not a gate endpoint: the loadtester takes it for a task and answers 400 ("metadata not found in payload" or "cmd not found in metadata"), so the gate can never approve`;
}

/** Calls the gate from Flagger's pod, as Flagger does, and prints the status line. */
function callGate(c: DiagnosisContext): { command: string; look: string } {
  const url = c.fields.url ?? '<gate-url>';
  const payload = JSON.stringify({ name: c.canary, namespace: c.namespace, phase: 'Progressing' });
  return {
    command: sh`kubectl -n ${c.flaggerNamespace} exec deploy/flagger -- wget -S -O- -T 10 --post-data ${payload} ${url}`,
    look: 'the HTTP status: 200 approves; 404 or 400 mean a path or request the service does not take, and the gate never opens',
  };
}

function gateCauses(c: DiagnosisContext, gateType: string): Cause[] {
  const tester = loadtester(c);
  return [
    {
      text: 'The gate URL names a path its service does not serve, or a request it refuses, so every call fails (HTTP 404, or 400) and the gate can never approve. '
        + 'Flagger logs neither the status nor the error for a gate. On the loadtester, /gate/check waits for /gate/open, /gate/approve always approves, /gate/halt never does, '
        + 'and any other path is its task endpoint, which answers 400.',
      checks: [checks.webhooks(c, `the url of ${gateType} gate ${c.fields.webhook}`), callGate(c)],
    },
    {
      text: 'Nobody approved it yet: the loadtester\'s /gate/check stays closed until a POST to /gate/open (an approval service of your own waits for its own signal).',
      checks: [checks.openGate(c, 'gate')],
    },
    {
      text: `The gate service is down or unreachable from Flagger (${tester.deployment} in ${tester.namespace}, or your own service): a refused or timed-out call also means "not approved".`,
      checks: [checks.loadtesterPods(c), checks.flaggerLogs(c)],
    },
  ];
}

/** A gate that has not approved: Flagger waits, with no deadline, and counts no failed check. */
export function gate(id: string, pattern: RegExp, gateType: string, meaning: string): MessageSpec {
  return {
    id,
    kind: 'webhook',
    role: 'wait',
    lintRules: ['webhook-url-unresolved'], manifestFacts: ['gate'],
    patterns: [pattern],
    headline: (c) => `waiting for ${gateType} approval (${c.fields.webhook})`,
    problemKey: (c) => c.fields.webhook,
    diagnose: (c) => ({
      summary: `The ${gateType} gate ${c.fields.webhook} did not answer 2xx, which means "not approved": ${meaning} `
        + 'A gate has no deadline and never counts as a failed check: the canary waits until the gate answers 2xx (HTTP 200-202), however long that takes; '
        + 'the webhook\'s timeout only bounds each call, and a call that times out is one more "not approved". A wrong URL (404), a refused request (400) and a service that is down look exactly the same.',
      causes: gateCauses(c, gateType),
      fix: `Make the gate answer 2xx when it approves: fix its URL (for the loadtester, http://${loadtester(c).deployment}.${loadtester(c).namespace}/gate/check, then POST {"name":"${c.canary}","namespace":"${c.namespace}"} to /gate/open), `
        + 'or approve it in your service. To fail the release on a negative answer instead of waiting, use a rollback webhook or a pre-rollout check: a gate only ever waits.',
    }),
  };
}
