/**
 * The normal steps of a rollout (scheduler.go, scheduler_hooks.go). They build
 * the timeline; their diagnoses say what the step means and what comes next.
 */
import { canaryRef, checks, sh } from './checks';
import { Diagnosis, DiagnosisContext, MessageSpec } from './types';

function normal(summary: string, c: DiagnosisContext, next = 'Nothing to fix: this is a normal step of the rollout.'): Diagnosis {
  return {
    summary,
    causes: [{ text: 'Normal progress.', checks: [{ command: sh`kubectl -n ${c.namespace} get canary ${c.canary} --watch`, look: 'STATUS, WEIGHT and FAILEDCHECKS as the analysis advances' }] }],
    fix: next,
  };
}

export const PROGRESS_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'new-revision',
    kind: 'progress',
    role: 'start', order: 0, oncePerRun: true,
    patterns: [/^New revision detected! Scaling up (?<target>\S+)$/],
    headline: () => 'new revision detected: canary scaled up',
    diagnose: (c) => normal(
      `Flagger saw a change to ${c.target}'s pod template (or to a ConfigMap or Secret it tracks) and scaled the canary Deployment up. A new run starts: failed checks and weight are 0, and the analysis begins on the next interval.`, c),
  },
  {
    id: 'restart-analysis',
    kind: 'progress',
    role: 'start', order: 0, lintRules: ['replicas-with-hpa'],
    patterns: [/^New revision detected! Restarting analysis for (?<target>\S+)$/],
    headline: () => 'another new revision during the analysis: restarted from weight 0',
    diagnose: (c) => normal(
      `${c.target} changed again while its analysis was running. Flagger routed all traffic back to the primary and reset the failed checks, iterations and weight to 0; the analysis starts over for the newest revision.`, c,
      'Nothing to fix, unless something keeps changing the Deployment (a GitOps tool and a manual `kubectl set image` fighting, or an HPA-managed spec.replicas being re-applied): then the analysis never finishes.'),
  },
  {
    id: 'analysis-started',
    kind: 'progress',
    role: 'tick', order: 1,
    patterns: [/^Starting canary analysis for (?<target>\S+)$/],
    headline: () => 'analysis tick at weight 0 (pre-rollout webhooks run now)',
    diagnose: (c) => normal(
      `The canary ${c.target} is ready; Flagger runs the pre-rollout webhooks and then starts shifting traffic. Flagger prints this on every tick while the weight is still 0, so several in a row mean the pre-rollout webhooks keep failing.`, c),
  },
  {
    id: 'pre-rollout-passed',
    kind: 'progress',
    order: 2,
    patterns: [/^Pre-rollout check (?<webhook>.+) passed$/],
    headline: (c) => `pre-rollout webhook ${c.fields.webhook} passed`,
    diagnose: (c) => normal(`The pre-rollout webhook ${c.fields.webhook} answered 2xx, so traffic shifting can start.`, c),
  },
  {
    id: 'post-rollout-passed',
    kind: 'progress',
    order: 10,
    patterns: [/^Post-rollout check (?<webhook>.+) passed$/],
    headline: (c) => `post-rollout webhook ${c.fields.webhook} passed`,
    diagnose: (c) => normal(`The post-rollout webhook ${c.fields.webhook} answered 2xx after the rollout ended.`, c),
  },
  {
    id: 'gate-passed',
    kind: 'progress',
    order: 2,
    patterns: [/^Confirm-(?<gate>rollout|traffic-increase|promotion) check (?<webhook>.+) passed$/],
    headline: (c) => `confirm-${c.fields.gate} gate ${c.fields.webhook} approved`,
    diagnose: (c) => normal(`The confirm-${c.fields.gate} gate ${c.fields.webhook} answered 2xx: approved.`, c),
  },
  {
    id: 'weight-advanced',
    kind: 'progress',
    role: 'advance', order: 3,
    patterns: [/^Advance (?<ref>\S+) canary weight (?<weight>\d+)$/],
    headline: (c) => `canary weight ${c.fields.weight}%`,
    diagnose: (c) => normal(`Every check passed on this tick, so Flagger moved ${c.fields.weight}% of the traffic to the canary.`, c),
  },
  {
    id: 'iteration-advanced',
    kind: 'progress',
    role: 'advance', order: 3,
    patterns: [/^Advance (?<ref>\S+) canary iteration (?<iteration>\d+)\/(?<iterations>\d+)$/],
    headline: (c) => `iteration ${c.fields.iteration}/${c.fields.iterations}`,
    diagnose: (c) => normal(`Every check passed; the A/B or blue/green analysis is at iteration ${c.fields.iteration} of ${c.fields.iterations}.`, c),
  },
  {
    id: 'primary-weight-advanced',
    kind: 'progress',
    role: 'advance', order: 6,
    patterns: [/^Advance (?<ref>\S+) primary weight (?<weight>\d+)$/],
    headline: (c) => `promotion: primary weight ${c.fields.weight}%`,
    diagnose: (c) => normal(`The primary runs the new version; Flagger is moving traffic back to it step by step (stepWeightPromotion), now ${c.fields.weight}%.`, c),
  },
  {
    id: 'promoting',
    kind: 'progress',
    role: 'advance', order: 5, oncePerRun: true,
    patterns: [/^Copying (?<target>\S+) template spec to (?<primary>\S+)$/],
    headline: () => 'analysis passed: promoting (copying the canary spec to the primary)',
    diagnose: (c) => normal(`The analysis passed at the maximum weight. Flagger copies ${c.target}'s pod spec to ${c.fields.primary} and waits for the primary to roll out.`, c),
  },
  {
    id: 'routing-to-primary',
    kind: 'progress',
    role: 'advance', order: 6, oncePerRun: true,
    patterns: [/^Routing all traffic to primary$/],
    headline: () => 'all traffic routed to the primary',
    diagnose: (c) => normal('The primary now runs the new version and takes all traffic; next, Flagger scales the canary down.', c),
  },
  {
    id: 'routing-to-canary',
    kind: 'progress',
    role: 'advance', order: 6,
    patterns: [/^Routing all traffic to canary$/, /^Stop traffic mirroring and route all traffic to canary$/],
    headline: () => 'all traffic routed to the canary (blue/green)',
    diagnose: (c) => normal('The blue/green iterations passed; the canary takes all traffic while the primary is updated.', c),
  },
  {
    id: 'promotion-completed',
    kind: 'progress',
    role: 'end', outcome: 'promoted', order: 7, oncePerRun: true,
    patterns: [/^Promotion completed! Scaling down (?<target>\S+)$/],
    headline: () => 'promotion completed: canary scaled down',
    diagnose: (c) => normal(`The rollout succeeded: the primary runs the new version of ${c.target}, the canary is scaled to zero and the Canary's phase is Succeeded.`, c),
  },
  {
    id: 'promotion-skipped-analysis',
    kind: 'progress',
    role: 'end', outcome: 'promoted', order: 7,
    patterns: [/^Promotion completed! Canary analysis was skipped for (?<target>\S+)$/],
    headline: () => 'promoted without analysis (skipAnalysis: true)',
    diagnose: (c) => ({
      summary: `spec.skipAnalysis is true, so Flagger promoted ${c.target} straight away: no metric or webhook checks ran.`,
      causes: [{ text: 'skipAnalysis: true in the Canary.', checks: [checks.canaryYaml(c)] }],
      fix: 'Set spec.skipAnalysis to false (or remove it) when you want the analysis to guard the rollout.',
    }),
  },
  {
    id: 'initialized',
    kind: 'progress',
    role: 'init', order: -1,
    patterns: [/^Initialization done! (?<ref>\S+)$/],
    headline: () => 'initialized: primary created, canary scaled to zero',
    diagnose: (c) => normal(`Flagger created ${c.target}-primary, the ${c.target}-canary and ${c.target}-primary Services and the VirtualService, and scaled ${c.target} to zero. The next change to ${c.target}'s pod template starts a canary run.`, c,
      `Nothing to fix. Trigger a rollout by changing the pod template, e.g. ${sh`kubectl -n ${c.namespace} set image ${`deployment/${c.target}`}`} <container>=<image>:<new-tag>.`),
  },
  {
    id: 'metrics-providers-available',
    kind: 'progress',
    role: 'init',
    patterns: [/^all the metrics providers are available!$/],
    headline: () => 'metrics providers reachable',
    diagnose: (c) => normal('At initialization Flagger queried every metrics provider this canary uses, and each answered.', c),
  },
  {
    id: 'rollback-hook-idle',
    kind: 'progress',
    patterns: [/^Rollback hook (?<webhook>.+) not signaling a rollback$/],
    headline: (c) => `rollback webhook ${c.fields.webhook}: no rollback requested`,
    diagnose: (c) => normal(`The rollback webhook ${c.fields.webhook} answered non-2xx, which means "do not roll back".`, c),
  },
  {
    id: 'suspended',
    kind: 'progress',
    role: 'block',
    patterns: [/^skipping canary run as object is suspended$/],
    headline: () => 'suspended: Flagger skips this canary',
    diagnose: (c) => ({
      summary: 'spec.suspend is true: Flagger does nothing for this canary, not even a rollback, until it is unsuspended.',
      causes: [{ text: 'spec.suspend: true in the Canary.', checks: [checks.canaryYaml(c)] }],
      fix: sh`kubectl -n ${c.namespace} patch canary ${c.canary} --type=merge -p '{"spec":{"suspend":false}}'`,
    }),
  },
  {
    id: 'terminating',
    kind: 'progress',
    patterns: [/^Terminating canary (?<ref>\S+)$/],
    headline: () => 'canary being deleted (finalizer running)',
    diagnose: (c) => normal(`The Canary ${canaryRef(c)} is being deleted. With revertOnDeletion Flagger first restores ${c.target} and the routes, then lets the Canary go; "Terminated canary" follows when it is done.`, c,
      'Nothing to fix, unless it hangs: then the events and Flagger\'s logs say which restore step fails.'),
  },
  {
    id: 'terminated',
    kind: 'progress',
    patterns: [/^Terminated canary (?<ref>\S+)$/],
    headline: () => 'canary deleted (finalizer ran)',
    diagnose: (c) => normal(`The Canary ${canaryRef(c)} was deleted; with revertOnDeletion Flagger restored the original objects.`, c),
  },
];
