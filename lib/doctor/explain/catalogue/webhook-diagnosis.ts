/**
 * Why a webhook call failed, by the kind of failure (webhook-error.ts) and the kind of webhook: the
 * likely causes with their checks, and the fix. The loadtester answers a blocking task type only after
 * running the command, so a 5xx means something else for `bash` than for `cmd`.
 */
import { BLOCKING_TASK_TYPES } from '../../flagger/loadtester';
import { classifyHost } from '../../util/urls';
import { checks, loadtester, serviceUrl, sh } from './checks';
import { Cause, Diagnosis, DiagnosisContext } from './types';
import { classifyWebhookError, WebhookError } from './webhook-error';

export type HookType = 'rollout' | 'pre-rollout' | 'post-rollout';

const HOOK_ROLE: Record<HookType, string> = {
  'rollout': 'the rollout webhook (called on every analysis tick; this is the load test)',
  'pre-rollout': 'the pre-rollout webhook (called before any traffic shifts; usually the acceptance test)',
  'post-rollout': 'the post-rollout webhook (called once the rollout has ended)',
};

/** Short text for the timeline and the problem key. */
export const FAILURE_LABEL: Record<WebhookError['failure'], string> = {
  'dns': 'host not found',
  'refused': 'connection refused',
  'timeout': 'timed out',
  'server-error': 'answered HTTP 5xx',
  'command-failed': 'the command failed',
  'forbidden': 'forbidden by the loadtester (-namespace-regexp)',
  'rbac-denied': 'denied by an Istio AuthorizationPolicy',
  'bad-request': 'rejected as a bad request',
  'not-found': 'HTTP 404',
  'reset': 'connection reset',
  'unreachable': 'no route to host',
  'tls': 'TLS error',
  'bad-url': 'malformed URL',
  'other': 'failed',
};

function urlOf(c: DiagnosisContext, error: WebhookError): string | undefined {
  return error.url ?? c.fields.url;
}

/** The causes for one kind of webhook failure, with the URL and host filled in. */
function webhookCauses(c: DiagnosisContext, hook: HookType, error: WebhookError): Cause[] {
  const url = urlOf(c, error);
  const target = url ? serviceUrl(url, c.flaggerNamespace, (namespace) => namespace === c.namespace || namespace === c.flaggerNamespace) : undefined;
  const urlText = url ?? 'the webhook URL';
  const name = c.fields.webhook;
  const tester = loadtester({ ...c, fields: { ...c.fields, ...(url ? { url } : {}) } });
  const blocking = hook !== 'rollout' ? 'The pre-rollout and post-rollout hooks usually run `type: bash`, which the loadtester runs to the end before answering.' : '';
  switch (error.failure) {
    case 'dns': {
      const host = error.host ?? target?.url.host ?? 'the host';
      if (classifyHost(host, (namespace) => namespace === c.namespace || namespace === c.flaggerNamespace).kind === 'external') {
        return [
          {
            text: `${host} is a name outside the cluster, and Flagger's pod could not resolve it: a typo in the domain, or the cluster's DNS does not resolve it (a private zone, or no upstream resolver for CoreDNS).`,
            checks: [checks.webhooks(c, `the url of webhook ${name}`), checks.nslookupFromFlagger(c, host)],
          },
          {
            text: `The webhook was meant to call the loadtester inside the cluster: that is a Service name with its namespace, e.g. http://flagger-loadtester.${c.namespace}/.`,
            checks: [{ command: 'kubectl get svc -A -l app=flagger-loadtester', look: 'the namespace and name of the loadtester Service' }],
          },
        ];
      }
      const bare = target !== undefined && !target.url.host.includes('.');
      return [
        {
          text: `The host ${host} in ${urlText} is not a Service: a typo in the Service name or the namespace.`,
          checks: [checks.webhooks(c, `the url of webhook ${name}`), checks.services(c), checks.nslookupFromFlagger(c, host)],
        },
        {
          text: `Flagger calls webhooks from its own pod in ${c.flaggerNamespace}, so a name without a namespace resolves in ${c.flaggerNamespace}, not in ${c.namespace}.${bare ? ` ${host} has no namespace.` : ''}`,
          checks: [checks.nslookupFromFlagger(c, `${target?.service ?? 'flagger-loadtester'}.${c.namespace}`)],
        },
        {
          text: 'The loadtester is not deployed (or was deployed to another namespace).',
          checks: [{ command: 'kubectl get svc -A -l app=flagger-loadtester', look: 'the namespace and name of the loadtester Service' }],
        },
      ];
    }
    case 'refused': {
      const serviceNamespace = target?.serviceNamespace ?? tester.namespace;
      const service = target?.service ?? tester.deployment;
      return [
        {
          text: `The Service ${serviceNamespace}/${service} has no ready endpoint: the loadtester pod is not ready, restarting, or not selected by the Service. kube-proxy refuses connections to a Service without endpoints.`,
          checks: [checks.endpoints(serviceNamespace, service), checks.rolloutStatus({ ...c, namespace: tester.namespace }, tester.deployment)],
        },
        {
          text: `The Service sends port ${target?.url.effectivePort ?? 80} to a targetPort where nothing listens in the pod (the loadtester listens on 8080).`,
          checks: [{ command: sh`kubectl -n ${serviceNamespace} get svc ${service} -o jsonpath='{range .spec.ports[*]}{.port}{" -> "}{.targetPort}{"\\n"}{end}'`, look: 'the targetPort: the container port the loadtester listens on (8080, named http)' }],
        },
        {
          text: `${urlText} uses a port the Service does not expose. With kube-proxy in IPVS mode that is refused; in iptables mode it usually hangs until the timeout instead.`,
          checks: [checks.services(c, serviceNamespace), checks.webhooks(c, `the url of webhook ${name}`)],
        },
      ];
    }
    case 'timeout':
      return [
        {
          text: `The call took longer than the webhook's timeout (${c.fields.timeout ?? 'default 10s'}). ${blocking} A blocking command (type bash, helm, kubectl) must finish within the timeout.`.replace(/\s+/g, ' '),
          checks: [checks.webhooks(c, `the timeout and metadata.type of webhook ${name}`), checks.loadtesterLogs(c, 'when the command started and finished')],
        },
        {
          text: `${urlText} uses a port the Service does not expose: with kube-proxy in iptables mode nothing answers, and the call hangs until the timeout.`,
          checks: [checks.services(c, target?.serviceNamespace ?? tester.namespace), checks.webhooks(c, `the url of webhook ${name}`)],
        },
        {
          text: 'The loadtester did not answer at all: overloaded, or packets to it are dropped (a NetworkPolicy).',
          checks: [checks.fromFlagger(c, url ?? `http://${tester.deployment}.${tester.namespace}/`)],
        },
      ];
    case 'server-error':
      return serverErrorCauses(c, error, tester, url);
    case 'command-failed':
      return commandFailedCauses(c, error, tester);
    case 'forbidden':
      return [
        {
          text: `The loadtester answered 403 "Forbidden": it was started with -namespace-regexp, and "${c.namespace}" does not match it.`,
          checks: [checks.loadtesterArgs(c)],
        },
      ];
    case 'rbac-denied':
      return [
        {
          text: 'Envoy answered 403 "RBAC: access denied": an Istio AuthorizationPolicy in front of the loadtester does not allow Flagger\'s calls.',
          checks: [{ command: sh`kubectl -n ${tester.namespace} get authorizationpolicies -o yaml`, look: 'a policy selecting the loadtester that does not allow requests from Flagger' }],
        },
      ];
    case 'bad-request':
      return [
        {
          text: 'The loadtester rejected the request: the webhook has no metadata, no metadata.cmd, or an unknown metadata.type.',
          checks: [checks.webhooks(c, `metadata.cmd and metadata.type (cmd, bash, helmv3, kubectl, concord, ngrinder) of webhook ${name}`)],
        },
      ];
    case 'not-found':
      return [
        {
          text: `${urlText} reached an HTTP server that is not the loadtester (or a path it does not serve).`,
          checks: [checks.webhooks(c, `the url of webhook ${name}`), checks.services(c, target?.serviceNamespace ?? c.namespace)],
        },
      ];
    case 'reset': {
      const mtls: Cause = {
        text: 'The connection was reset: typically Istio STRICT mTLS in front of the loadtester, while Flagger (outside the mesh) speaks plain HTTP.',
        checks: [{ command: `kubectl get peerauthentications -A`, look: `mode STRICT for ${tester.namespace} or the mesh` }, checks.fromFlagger(c, url ?? `http://${tester.deployment}.${tester.namespace}/`)],
      };
      const closedEarly: Cause = {
        text: 'The loadtester closed the connection before the command finished: a blocking task (type bash, helm, kubectl) that runs longer than the loadtester\'s HTTP server allows '
          + '(loadtester releases before 0.15.0 cut every request after 60s, and a sidecar then reports "upstream connect error or disconnect/reset before headers. reset reason: connection termination"), '
          + 'or the loadtester restarted during the call.',
        checks: [checks.loadtesterImage(c), checks.loadtesterPods(c), checks.loadtesterLogs(c, 'when the command started, and whether it finished after Flagger gave up')],
      };
      // A blocking hook that ran a while before the reset is more likely cut short than refused by mTLS.
      return hook === 'rollout' && !/connection termination/.test(c.fields.error ?? '') ? [mtls, closedEarly] : [closedEarly, mtls];
    }
    case 'unreachable':
      return [{ text: 'The Service\'s address is not routable from Flagger\'s pod (a stale endpoint, or a network policy).', checks: [checks.endpoints(tester.namespace, tester.deployment), checks.fromFlagger(c, url ?? `http://${tester.deployment}.${tester.namespace}/`)] }];
    case 'tls':
      return [{ text: 'The webhook uses https and the certificate is not trusted by Flagger.', checks: [checks.webhooks(c, `the url of webhook ${name}; disableTLS: true skips verification`)] }];
    case 'bad-url':
      return [{ text: 'The webhook URL is malformed (no http://, or a bad port).', checks: [checks.webhooks(c, `the url of webhook ${name}`)] }];
    default:
      return [
        { text: 'The webhook answered with an error; the text after "failed" is its answer.', checks: [checks.loadtesterLogs(c), checks.webhooks(c)] },
      ];
  }
}

/** How the loadtester answers this webhook: after running the command, at once, or unknown without the manifests. */
function taskMode(c: DiagnosisContext): 'blocking' | 'background' | 'unknown' {
  const type = c.fields.taskType;
  if (type === undefined) return 'unknown';
  return BLOCKING_TASK_TYPES.has(type) ? 'blocking' : 'background';
}

function commandFailedCauses(c: DiagnosisContext, error: WebhookError, tester: { namespace: string; deployment: string }): Cause[] {
  const name = c.fields.webhook;
  const run = c.fields.cmd ? checks.runInLoadtester(c, c.fields.cmd) : undefined;
  return [
    {
      text: `The loadtester ran the command and it exited non-zero${error.status ? ` (HTTP ${error.status})` : ''}. Flagger's message does not include the command's output; the loadtester logs it as "command failed".`,
      checks: [checks.loadtesterLogs(c, '"command failed" with the command, its exit status and its output'), run ?? checks.webhooks(c, `metadata.cmd of webhook ${name}`)],
    },
    {
      text: `A URL inside the command is wrong: the command runs in the loadtester pod (namespace ${tester.namespace}), so a short name like ${c.target}-canary resolves there, and the port must be the canary Service's port.`,
      checks: [checks.webhooks(c, `the host and port in metadata.cmd; use http://${c.target}-canary.${c.namespace}:<service.port>/`), checks.services(c)],
    },
    {
      text: 'The new version really fails the test (e.g. the acceptance test\'s grep finds no token).',
      checks: [checks.appLogs(c)],
    },
  ];
}

/**
 * A 5xx answer. Blocking task types answer 500 when the command fails; a `cmd` task (the default) is
 * answered 202 as soon as it is queued, so its 5xx comes from something in front of the loadtester.
 */
function serverErrorCauses(c: DiagnosisContext, error: WebhookError, tester: { namespace: string; deployment: string }, url: string | undefined): Cause[] {
  const mode = taskMode(c);
  const inFront: Cause = {
    text: `${mode === 'background' ? `Webhook ${c.fields.webhook} runs a ${c.fields.taskType} task, which the loadtester answers with 202 as soon as it accepts it, so the command did not cause this 5xx. ` : ''}`
      + 'Something in front of the loadtester answered: its Envoy sidecar or an Istio proxy (503 "no healthy upstream", "upstream connect error"), the loadtester restarting or not ready, or a URL that reaches another Service that answers 5xx.',
    checks: [checks.loadtesterPods(c), checks.endpoints(tester.namespace, tester.deployment), checks.fromFlagger(c, url ?? `http://${tester.deployment}.${tester.namespace}/`)],
  };
  if (mode === 'background') return [inFront];
  const commandCauses = commandFailedCauses(c, error, tester);
  if (mode === 'blocking') return commandCauses;
  const [commandFailed, ...rest] = commandCauses;
  return [
    {
      ...commandFailed,
      text: 'If the webhook\'s metadata.type is bash, helm, helmv3, kubectl or concord, the loadtester ran the command before answering, and it exited non-zero. '
        + 'Flagger\'s message does not include the command\'s output; the loadtester logs it as "command failed".',
      checks: [
        checks.webhooks(c, `metadata.type and metadata.cmd of webhook ${c.fields.webhook}: cmd or no type means the loadtester answers 202 at once`),
        checks.loadtesterLogs(c, '"command failed" with the command, its exit status and its output'),
      ],
    },
    { ...inFront, text: `If metadata.type is cmd or empty, the loadtester answers 202 as soon as it accepts the task, so the command did not cause the 5xx. ${inFront.text}` },
    ...rest,
  ];
}

function webhookFix(c: DiagnosisContext, error: WebhookError): string {
  switch (error.failure) {
    case 'refused':
      return 'Make sure the loadtester pod is ready and that the Service\'s targetPort is the port it listens on (8080); in the URL use a port the Service exposes (80: http://flagger-loadtester.<namespace>/).';
    case 'dns':
      if (error.host && classifyHost(error.host, (namespace) => namespace === c.namespace || namespace === c.flaggerNamespace).kind === 'external') {
        return `Correct the domain in the webhook url, or, for the loadtester, use its Service: http://flagger-loadtester.${c.namespace}/.`;
      }
      return `Set the webhook url to the loadtester Service's name, a dot, and its namespace, e.g. http://flagger-loadtester.${c.namespace}/ for the loadtester of Flagger's kustomize/tester installed in ${c.namespace}, and re-apply the Canary.`;
    case 'timeout':
      return 'Raise the webhook\'s timeout above the command\'s run time, or shorten the command; for load tests leave metadata.type unset so the loadtester answers at once and runs hey in the background.';
    case 'server-error':
      if (taskMode(c) === 'background') return 'Find what answers 5xx in front of the loadtester (its sidecar, a restart, or a wrong Service) and fix it; the loadtester itself answers a cmd task with 202.';
      if (taskMode(c) === 'unknown') {
        return 'For a blocking type (bash, helm, kubectl, concord): read the command\'s output in the loadtester logs and fix the command or the new version. '
          + 'For cmd: find what answers 5xx in front of the loadtester (its sidecar, a restart, or a wrong Service).';
      }
      return 'Read the command\'s output in the loadtester logs, run the command yourself in the loadtester pod, and fix the command (its URL, port or expectations) or the new version.';
    case 'command-failed':
      return 'Read the command\'s output in the loadtester logs, run the command yourself in the loadtester pod, and fix the command (its URL, port or expectations) or the new version.';
    case 'forbidden':
      return `Start the loadtester with a -namespace-regexp that matches "${c.namespace}", or drop the flag.`;
    case 'rbac-denied':
      return 'Allow requests to the loadtester from Flagger in the AuthorizationPolicy.';
    case 'bad-request':
      return 'Give the webhook a metadata.cmd, and a metadata.type the loadtester knows (or none, for cmd).';
    case 'reset':
      return 'For a long blocking command: upgrade the loadtester (0.16.0 and later have no server timeout) and give the webhook a timeout above the command\'s run time. '
        + 'For mTLS: exclude the loadtester\'s port from mTLS (a PERMISSIVE PeerAuthentication for it), or call it through a port that accepts plain HTTP.';
    default:
      return 'Fix the webhook so that it answers 2xx; the loadtester logs show what it did with the call.';
  }
}

export function webhookDiagnosis(c: DiagnosisContext, hook: HookType): Diagnosis {
  const error = classifyWebhookError(c.fields.error ?? '');
  const url = urlOf(c, error);
  const counts = hook === 'post-rollout'
    ? 'It does not change the outcome of the rollout.'
    : 'Each failure counts as a failed check, like a failed metric.';
  return {
    summary: `${HOOK_ROLE[hook][0].toUpperCase()}${HOOK_ROLE[hook].slice(1)} ${c.fields.webhook} failed${url ? ` calling ${url}` : ''}: ${FAILURE_LABEL[error.failure]}. ${counts}`,
    causes: webhookCauses(c, hook, error),
    fix: webhookFix(c, error),
  };
}
