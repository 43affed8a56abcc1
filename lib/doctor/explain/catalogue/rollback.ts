/**
 * How a rollout ends badly, and the readiness checks that lead there
 * (scheduler.go; pkg/canary/deployment_ready.go, daemonset_ready.go).
 */
import { checks, sh } from './checks';
import { ROLLBACK_GATE_FIX, rollbackGateCauses } from './webhooks';
import { Cause, DiagnosisContext, MessageSpec } from './types';

function notReadyCauses(c: DiagnosisContext, deployment: string): Cause[] {
  return [
    {
      text: 'The pods cannot start: image pull errors, a crash loop, or a container the kubelet refuses (e.g. runAsNonRoot with an image whose USER is a name, not a number: CreateContainerConfigError).',
      checks: [checks.pods(c, `STATUS of the ${deployment}-* pods`), checks.namespaceEvents(c)],
    },
    {
      text: 'The pods start but never pass their readiness probe (wrong probe port or path, slow start).',
      checks: [checks.describeDeployment(c, deployment)],
    },
    {
      text: 'The pods cannot be scheduled (insufficient CPU or memory, quota, node selectors).',
      checks: [checks.namespaceEvents(c, 'FailedScheduling and quota errors')],
    },
  ];
}

/** Lint rules that explain pods that never become ready. */
const READINESS_RULES = ['non-root-named-user', 'non-root-unverified', 'target-port-not-exposed'];

const READINESS_FIX = (_c: DiagnosisContext, deployment: string): string =>
  `Fix what keeps ${deployment}'s pods from becoming ready (the events say which), or raise spec.progressDeadlineSeconds if they are only slow; Flagger rolls back when the deadline passes.`;

export const ROLLBACK_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'threshold-reached',
    kind: 'rollback',
    role: 'end', outcome: 'rolled-back', order: 8, oncePerRun: true, inVerdict: true, lintRules: ['threshold-invalid'], manifestFacts: ['threshold'],
    patterns: [/^Rolling back (?<ref>\S+) failed checks threshold reached (?<failedChecks>\d+)$/],
    headline: (c) => `rolling back: failed checks threshold reached (${c.fields.failedChecks})`,
    diagnose: (c) => ({
      summary: `The analysis failed ${c.fields.failedChecks} checks in this run, reaching analysis.threshold, so Flagger rolls back. `
        + 'The count is cumulative over the run, not consecutive: passing ticks in between do not reset it; only a new revision does. The halts before this message are the reasons.',
      causes: [{ text: 'The halts before this line: each failed metric or webhook check added one.', checks: [checks.describeCanary(c, 'the Halt events before the rollback'), checks.flaggerLogs(c)] }],
      fix: 'Fix the cause of the halts (see the problems listed for this canary), then push a new revision; the count starts again from 0.',
    }),
  },
  {
    id: 'canary-failed',
    kind: 'rollback',
    role: 'end', outcome: 'rolled-back', order: 9, oncePerRun: true, inVerdict: true,
    patterns: [/^Canary failed! Scaling down (?<ref>\S+)$/],
    headline: () => 'canary failed: traffic back on the primary, canary scaled down',
    diagnose: (c) => ({
      summary: `Flagger rolled back: all traffic goes to ${c.target}-primary (the previous version), the canary is scaled to zero and the Canary's phase is Failed. ${c.target} itself still has the new spec.`,
      causes: [{ text: 'The rollback reason is the message just before: failed checks threshold, progress deadline, or a rollback webhook.', checks: [checks.describeCanary(c)] }],
      fix: `Fix the cause, then start a new run by changing ${c.target}'s pod template again (a new image tag, or ${sh`kubectl -n ${c.namespace} rollout restart ${`deploy/${c.target}`}`}).`,
    }),
  },
  {
    id: 'progress-deadline-rollback',
    kind: 'rollback',
    role: 'end', outcome: 'rolled-back', order: 8, oncePerRun: true, lintRules: READINESS_RULES,
    workload: (c) => c.target,
    patterns: [
      // The error names the canary's Deployment, which can be named otherwise than the Canary.
      /^Rolling back (?<ref>\S+) progress deadline exceeded (?<error>canary (?:deployment|dae?m[oa]nset) (?<target>\S+) not ready[\s\S]*)$/,
      /^Rolling back (?<ref>\S+) progress deadline exceeded(?: (?<error>[\s\S]*))?$/,
    ],
    headline: () => 'rolling back: progress deadline exceeded',
    diagnose: (c) => ({
      summary: `A Deployment of this canary did not become ready within spec.progressDeadlineSeconds (default 600s; the tutorial sets 60s), so Flagger rolled back.${c.fields.error && c.fields.error !== '<nil>' ? ` Detail: ${c.fields.error}` : ''}`,
      causes: notReadyCauses(c, c.target),
      fix: READINESS_FIX(c, c.target),
    }),
  },
  {
    id: 'manual-rollback',
    kind: 'rollback',
    role: 'end', outcome: 'rolled-back', order: 8, oncePerRun: true,
    patterns: [/^Rolling back (?<ref>\S+) manual webhook invoked$/],
    headline: () => 'rolling back: a rollback webhook asked for it',
    diagnose: (c) => ({
      summary: 'A webhook of type rollback answered 2xx, which tells Flagger to roll back at once.',
      causes: rollbackGateCauses(c),
      fix: ROLLBACK_GATE_FIX,
    }),
  },
  {
    id: 'promotion-failed-primary-not-ready',
    kind: 'rollback',
    role: 'end', outcome: 'promotion-failed', order: 9, lintRules: ['non-root-named-user', 'non-root-unverified'],
    workload: (c) => `${c.target}-primary`,
    patterns: [/^Promotion of (?<target>\S+) failed, primary not ready: (?<error>[\s\S]*)$/],
    headline: () => 'promotion failed: the primary did not become ready',
    diagnose: (c) => ({
      summary: `The analysis passed and Flagger copied the new spec to ${c.target}-primary, but the primary did not become ready: ${c.fields.error}. Flagger keeps the traffic on the canary (the only healthy copy of the new version) and marks the Canary Failed.`,
      causes: notReadyCauses(c, `${c.target}-primary`),
      fix: READINESS_FIX(c, `${c.target}-primary`),
    }),
  },
  {
    id: 'deployment-progress-deadline',
    kind: 'rollback',
    role: 'block', lintRules: READINESS_RULES,
    workload: (c) => c.fields.deployment ?? c.target,
    patterns: [
      /^(?:canary deployment (?<target>\S+) not ready(?: with retryable \w+)?: |(?<primary>\S+) not ready: )?deployment "(?<deployment>[^"]+)" exceeded its progress deadline$/,
      // Flagger 0.x: `Halt advancement <deployment>.<namespace> deployment "<deployment>" exceeded its progress deadline`.
      /^Halt advancement (?<object>\S+) deployment "(?<deployment>[^"]+)" exceeded its progress deadline$/,
      /^(?:canary dae?m[oa]nset (?<target2>\S+) not ready with retryable \w+: |primary daemonset (?<primary2>\S+) not ready: )?exceeded its progressDeadlineSeconds: (?<seconds>\d+)$/,
      // Flagger 0.x
      /^deployment does not have minimum availability for more than (?<seconds2>\d+)s$/,
    ],
    headline: (c) => `${c.fields.deployment ?? 'workload'} exceeded its progress deadline`,
    diagnose: (c) => {
      const deployment = c.fields.deployment ?? c.target;
      return {
        summary: `Kubernetes marked ${deployment} as failed to progress (ProgressDeadlineExceeded): its new pods did not become available in time. Flagger cannot retry this and rolls back.`,
        causes: notReadyCauses(c, deployment),
        fix: READINESS_FIX(c, deployment),
      };
    },
  },
  {
    id: 'canary-not-ready',
    kind: 'rollback',
    role: 'readiness', lintRules: READINESS_RULES,
    workload: (c) => c.target,
    patterns: [
      // `with retryable true`: Flagger 1.0.0-rc for Deployments; DaemonSets still say so.
      /^canary deployment (?<target>\S+) not ready(?: with retryable \w+)?: (?<reason>waiting for rollout to finish: [\s\S]*)$/,
      /^canary dae?m[oa]nset (?<target>\S+) not ready with retryable \w+: (?<reason>[\s\S]*)$/,
      // Flagger 0.x
      /^Halt advancement (?<target>(?!\S*-primary\.)\S+) (?<reason>waiting for rollout to finish: [\s\S]*)$/,
    ],
    headline: (c) => `canary not ready (${c.fields.reason.replace(/^waiting for rollout to finish: /, '')})`,
    diagnose: (c) => ({
      summary: `Flagger waits for the canary ${c.target} to finish rolling out before each check (${c.fields.reason}). This does not count as a failed check, but if it lasts past spec.progressDeadlineSeconds Flagger rolls back.`,
      causes: notReadyCauses(c, c.target),
      fix: READINESS_FIX(c, c.target),
    }),
  },
  {
    id: 'primary-not-ready',
    kind: 'rollback',
    role: 'readiness', lintRules: READINESS_RULES,
    workload: (c) => `${c.target}-primary`,
    patterns: [
      /^(?<primary>\S+-primary)\.(?<ns>[a-z0-9-]+) not ready: (?<reason>[\s\S]*)$/,
      /^primary daemonset (?<primary>\S+) not ready: (?<reason>[\s\S]*)$/,
      // Flagger 0.x
      /^Halt advancement (?<primary>\S+-primary)\.(?<ns>[a-z0-9-]+) (?<reason>[\s\S]*)$/,
    ],
    headline: () => 'primary not ready',
    diagnose: (c) => ({
      summary: `The primary ${c.fields.primary} is not ready (${c.fields.reason}). Flagger checks the primary before each step and waits; if it stays unready past the deadline, the canary fails.`,
      causes: notReadyCauses(c, `${c.target}-primary`),
      fix: READINESS_FIX(c, `${c.target}-primary`),
    }),
  },
  {
    id: 'primary-scaled-to-zero',
    kind: 'rollback',
    role: 'block',
    patterns: [/^[Hh]alt (?<ref>\S+) advancement:? primary deployment is scaled to zero$/],
    headline: () => 'primary scaled to zero',
    diagnose: (c) => ({
      summary: `${c.target}-primary has spec.replicas 0, so there is nothing to fall back on; Flagger stops the analysis.`,
      causes: [{ text: 'Someone or something (kubectl scale, an HPA with minReplicas 0, KEDA) scaled the primary to zero.', checks: [{ command: sh`kubectl -n ${c.namespace} get deploy ${`${c.target}-primary`}`, look: 'READY 0/0' }] }],
      fix: `Scale the primary back up: ${sh`kubectl -n ${c.namespace} scale ${`deploy/${c.target}-primary`} --replicas=1`} (or fix what scales it down).`,
    }),
  },
];
