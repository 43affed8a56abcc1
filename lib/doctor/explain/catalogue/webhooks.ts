/**
 * Webhooks, gates and the loadtester's own log lines (scheduler.go,
 * scheduler_hooks.go, webhook.go; pkg/loadtester for the loadtester).
 */
import { checks, serviceUrl } from './checks';
import { gate } from './gates';
import { Cause, DiagnosisContext, MessageSpec } from './types';
import { FAILURE_LABEL, webhookDiagnosis } from './webhook-diagnosis';
import { classifyWebhookError } from './webhook-error';

function failureKey(c: DiagnosisContext): string {
  return `${c.fields.webhook}/${classifyWebhookError(c.fields.error ?? '').failure}`;
}

/** Why a rollback webhook asked for a rollback: on purpose, or a URL that always answers 2xx. */
export function rollbackGateCauses(c: DiagnosisContext): Cause[] {
  const which = c.fields.webhook ? `webhook ${c.fields.webhook}` : 'the webhooks of type rollback';
  return [
    { text: 'Someone opened the rollback gate on purpose.', checks: [checks.loadtesterLogs(c, '"rollback opened"')] },
    { text: 'The rollback webhook URL points at something that always answers 2xx (e.g. /gate/approve instead of /rollback/check).', checks: [checks.webhooks(c, `the url of ${which}`)] },
  ];
}

export const ROLLBACK_GATE_FIX = 'If it was not intended, close the rollback gate (POST to the loadtester\'s /rollback/close) and point the rollback webhook at the loadtester\'s /rollback/check, which answers non-2xx until a rollback is wanted.';

export const WEBHOOK_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'rollout-webhook-failed',
    kind: 'webhook',
    failsLoadTest: true, lintRules: ['webhook-url-unresolved', 'webhook-url-external', 'webhook-timeouts-too-long', 'webhook-metadata-not-string', 'command-wrong-service'], manifestFacts: ['webhook'],
    countsAsFailedCheck: true,
    patterns: [/^Halt (?<ref>\S+) advancement external check (?<webhook>.+?) failed (?<error>[\s\S]*)$/],
    headline: (c) => `halt: load-test webhook ${c.fields.webhook} ${FAILURE_LABEL[classifyWebhookError(c.fields.error ?? '').failure]}`,
    problemKey: failureKey,
    diagnose: (c) => webhookDiagnosis(c, 'rollout'),
  },
  {
    id: 'pre-rollout-webhook-failed',
    kind: 'webhook',
    lintRules: ['webhook-url-unresolved', 'webhook-url-external', 'webhook-timeouts-too-long', 'webhook-metadata-not-string', 'command-wrong-service', 'acceptance-test-unchecked'], manifestFacts: ['webhook'],
    countsAsFailedCheck: true,
    patterns: [/^Halt (?<ref>\S+) advancement pre-rollout check (?<webhook>.+?) failed (?<error>[\s\S]*)$/],
    headline: (c) => `halt: pre-rollout webhook ${c.fields.webhook} ${FAILURE_LABEL[classifyWebhookError(c.fields.error ?? '').failure]}`,
    problemKey: failureKey,
    diagnose: (c) => webhookDiagnosis(c, 'pre-rollout'),
  },
  {
    id: 'post-rollout-webhook-failed',
    kind: 'webhook',
    order: 10, lintRules: ['webhook-url-unresolved', 'webhook-url-external', 'webhook-metadata-not-string'], manifestFacts: ['webhook'],
    patterns: [/^Post-rollout hook (?<webhook>.+?) failed (?<error>[\s\S]*)$/],
    headline: (c) => `post-rollout webhook ${c.fields.webhook} ${FAILURE_LABEL[classifyWebhookError(c.fields.error ?? '').failure]}`,
    problemKey: failureKey,
    diagnose: (c) => webhookDiagnosis(c, 'post-rollout'),
  },
  gate('waiting-for-approval', /^Halt (?<ref>\S+) advancement waiting for approval (?<webhook>.+)$/, 'confirm-rollout',
    'the new revision will not start its analysis until the gate approves.'),
  gate('waiting-for-traffic-increase-approval', /^Halt (?<ref>\S+) advancement waiting for traffic increase approval (?<webhook>.+)$/, 'confirm-traffic-increase',
    'the weight stays where it is until the gate approves.'),
  gate('waiting-for-promotion-approval', /^Halt (?<ref>\S+) advancement waiting for promotion approval (?<webhook>.+)$/, 'confirm-promotion',
    'the analysis passed, and promotion waits for the gate.'),
  {
    id: 'rollback-webhook-triggered',
    kind: 'webhook',
    patterns: [/^Rollback check (?<webhook>.+) passed$/],
    headline: (c) => `rollback webhook ${c.fields.webhook} asked for a rollback`,
    diagnose: (c) => ({
      summary: `The rollback webhook ${c.fields.webhook} answered 2xx, which asks Flagger to roll back now.`,
      causes: rollbackGateCauses(c),
      fix: ROLLBACK_GATE_FIX,
    }),
  },
  {
    id: 'event-webhook-failed',
    kind: 'webhook',
    patterns: [/^error sending event to webhook: (?<error>[\s\S]*)$/],
    headline: () => 'event webhook failed',
    diagnose: (c) => ({
      summary: 'Flagger could not deliver an event to the event webhook (the -event-webhook flag or a webhook of type event). It does not affect the rollout.',
      causes: [{ text: 'The event webhook URL is wrong or the receiver is down.', checks: [checks.flaggerArgs(c, 'the -event-webhook flag'), checks.webhooks(c, 'webhooks of type event')] }],
      fix: 'Fix the event webhook URL or the receiver.',
    }),
  },
  // The loadtester's own log lines (pkg/loadtester/task_shell.go, bash.go, runner.go).
  {
    id: 'loadtester-command-failed',
    kind: 'webhook',
    failsLoadTest: true, fromLoadtester: true, lintRules: ['command-wrong-service', 'acceptance-test-unchecked'], manifestFacts: ['load-test'],
    patterns: [/^command failed (?<command>[\s\S]+?) (?<error>exit status \d+|signal: \w+|context deadline exceeded|exec: [^\n]+)(?: (?<output>[\s\S]*))?$/],
    headline: (c) => `loadtester: command failed (${c.fields.error})`,
    problemKey: (c) => c.fields.command,
    diagnose: (c) => ({
      summary: `The loadtester ran "${c.fields.command}" and it ended with ${c.fields.error}.${c.fields.output ? ` Its output: ${c.fields.output.trim().slice(0, 400)}` : ''}`,
      causes: [
        { text: 'A wrong host or port in the command (it runs inside the loadtester pod).', checks: [checks.runInLoadtester(c, c.fields.command) ?? checks.loadtesterLogs(c, 'the command\'s output')] },
        { text: 'The command\'s own test failed against the new version.', checks: [checks.appLogs(c)] },
        { text: 'The command was killed by the loadtester\'s -timeout (signal: killed, context deadline exceeded).', checks: [checks.loadtesterArgs(c)] },
      ],
      fix: 'Run the command in the loadtester pod until it succeeds, then put the working command in the webhook\'s metadata.cmd.',
    }),
  },
  {
    id: 'load-test-errors',
    kind: 'webhook',
    failsLoadTest: true, fromLoadtester: true, lintRules: ['command-wrong-service'], manifestFacts: ['load-test'],
    patterns: [/Error distribution:\s*\[(?<count>\d+)\]\s*(?<error>[^\n]*)/],
    headline: (c) => `loadtester: hey's requests failed (${c.fields.count}× ${shortError(c.fields.error)})`,
    problemKey: (c) => c.fields.error,
    diagnose: (c) => {
      const requestUrl = /(?:Get|Post) "([^"]+)"/.exec(c.fields.error)?.[1];
      const error = classifyWebhookError(c.fields.error);
      const host = requestUrl ? serviceUrl(requestUrl, c.namespace) : undefined;
      return {
        summary: `hey ran, but ${c.fields.count} of its requests failed${requestUrl ? ` calling ${requestUrl}` : ''}: ${c.fields.error.trim()}. The loadtester still reports success, so the canary got no load and the metric checks find no values.`,
        causes: [
          {
            text: error.failure === 'dns'
              ? `The host ${error.host ?? host?.url.host ?? ''} in the load test's URL does not exist: a typo in the canary Service name or namespace.`
              : error.failure === 'refused'
                ? `Nothing listens on that port of ${host?.url.host ?? 'the host'}: the URL must use the canary Service's port (service.port).`
                : 'The load test\'s URL does not reach the canary.',
            checks: [checks.webhooks(c, `the load test's URL; it should be http://${c.target}-canary.${c.namespace}:<service.port>/`), checks.services(c)],
          },
        ],
        fix: `Point the load test at http://${c.target}-canary.${c.namespace}:<service.port>/ in metadata.cmd.`,
      };
    },
  },
  {
    id: 'loadtester-command-skipped',
    kind: 'progress',
    role: 'quiet', fromLoadtester: true,
    patterns: [/^command skipped (?<command>[\s\S]+) is already running$/],
    headline: () => 'loadtester: previous load test still running, skipped',
    diagnose: (c) => ({
      summary: 'The loadtester got the same command while the previous run was still going, and skipped it. Harmless: the load test lasts longer than the analysis interval, so the traffic is continuous.',
      causes: [{ text: 'The load test\'s duration (hey -z) exceeds the analysis interval.', checks: [checks.webhooks(c, 'hey -z against analysis.interval')] }],
      fix: 'Nothing to fix.',
    }),
  },
  {
    id: 'loadtester-command-finished',
    kind: 'progress',
    role: 'quiet', fromLoadtester: true,
    patterns: [/^command finished (?<command>[\s\S]+)$/, /^task starting (?<command>[\s\S]+)$/, /^bash command (?<command>[\s\S]+)$/],
    headline: () => 'loadtester ran a command',
    diagnose: (c) => ({
      summary: 'The loadtester started or finished a webhook command. "command finished" only means the process exited 0: hey exits 0 even when every request failed, so look at its output (logCmdOutput: "true").',
      causes: [{ text: 'Normal operation of the loadtester.', checks: [checks.loadtesterLogs(c, 'hey\'s "Status code distribution" and "Error distribution"')] }],
      fix: 'Nothing to fix.',
    }),
  },
];

function shortError(error: string): string {
  const classified = classifyWebhookError(error).failure;
  return classified === 'other' ? error.trim().slice(0, 60) : FAILURE_LABEL[classified];
}
