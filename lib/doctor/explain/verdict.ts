/** The verdict on a canary: how its last run went and why, in one paragraph. */
import { DescribedCanary, LogEntry } from '../input/logs';
import { plural } from '../util/text';
import { Outcome, Run, TimelineItem, Verdict } from './report';

const PHASE_OUTCOMES: Record<string, Outcome> = {
  Succeeded: 'promoted',
  Failed: 'rolled-back',
  Progressing: 'progressing',
  Promoting: 'progressing',
  Finalising: 'progressing',
  Waiting: 'waiting',
  WaitingPromotion: 'waiting',
  Initialized: 'initialized',
  Initializing: 'initialized',
};

export interface VerdictInput {
  readonly runs: readonly Run[];
  readonly described?: DescribedCanary;
  readonly threshold?: number;
  /** Events of this canary that Kubernetes' aggregator combined with events of other messages. */
  readonly combined: readonly LogEntry[];
}

/** The verdict on the last run, then what the input leaves out. */
export function verdictOf(input: VerdictInput): Verdict {
  const { runs, described } = input;
  const run = runs[runs.length - 1];
  const status = described?.phase ? ` kubectl describe shows Phase ${described.phase}${described.failedChecks !== undefined ? `, ${described.failedChecks} failed checks` : ''}.` : '';
  if (!run) {
    const outcome = (described?.phase && PHASE_OUTCOMES[described.phase]) || 'unknown';
    return { outcome, text: `No rollout steps in the input.${combinedNote(input.combined)}${status}` };
  }
  const previous = runs[runs.length - 2];
  const before = run.afterEnd && previous
    ? ` This started after ${runName(previous)} had ended (${OUTCOME_WORDS[previous.outcome]}).`
    : '';
  const verdict = runVerdict(run, described, input.threshold);
  const merged = run.mergedRuns
    ? ` These events merge ${run.mergedRuns} runs: Kubernetes keeps one event per message and counts its repeats across runs, so the timeline shows the last run's shape, and counts that include earlier runs are marked.`
    : '';
  return { outcome: verdict.outcome, text: `${verdict.text}${before}${merged}${combinedNote(input.combined)}${status}` };
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  'promoted': 'promoted',
  'rolled-back': 'rolled back',
  'promotion-failed': 'failed during promotion',
  'waiting': 'waiting for approval',
  'stalled': 'stalled',
  'progressing': 'progressing',
  'initialized': 'initialized',
  'unknown': 'outcome unknown',
};

function runName(run: Run): string {
  return run.number === 0 ? 'what came before the first new revision' : `run ${run.number}`;
}

/** Says that aggregated events hide messages, so counts read from events are incomplete. */
function combinedNote(combined: readonly LogEntry[]): string {
  if (combined.length === 0) return '';
  const hidden = combined.reduce((sum, entry) => sum + Math.max(0, (entry.combined?.events ?? 1) - 1), 0);
  return ` Kubernetes combined ${combined.length === 1 ? 'an event' : `${combined.length} events`} of this canary with similar ones ("combined from similar events"): `
    + `its count spans different messages, so ${hidden > 0 ? `${hidden} of Flagger's events ${hidden === 1 ? 'is' : 'are'}` : 'some of Flagger\'s events may be'} missing from the input. Flagger's logs have every message.`;
}

function runVerdict(run: Run, described: DescribedCanary | undefined, threshold: number | undefined): Verdict {
  let outcome = run.outcome;
  if ((outcome === 'progressing' || outcome === 'unknown') && described?.phase && PHASE_OUTCOMES[described.phase] && PHASE_OUTCOMES[described.phase] !== 'progressing') {
    outcome = PHASE_OUTCOMES[described.phase];
  }
  const items = run.items;
  const find = (id: string): TimelineItem | undefined => run.latest.get(id);
  const halts = haltSummary(run.halts);
  const of = threshold !== undefined ? ` of ${threshold}` : '';
  switch (outcome) {
    case 'promoted':
      return { outcome, text: `Promoted: the analysis passed and the new version now runs in the primary.${run.failedChecks > 0 ? ` ${plural(run.failedChecks, 'check')} failed on the way (${halts}), fewer than the threshold.` : ''}` };
    case 'rolled-back': {
      const deadline = find('progress-deadline-rollback') ?? find('deployment-progress-deadline');
      if (find('manual-rollback')) return { outcome, text: 'Rolled back: a rollback webhook asked for it.' };
      if (deadline) {
        const notReady = find('canary-not-ready') ?? find('primary-not-ready');
        return { outcome, text: `Rolled back: the canary did not become ready within the progress deadline${notReady ? ` (${notReady.headline})` : ''}.` };
      }
      const thresholdItem = find('threshold-reached');
      if (thresholdItem) {
        const reached = Number(thresholdItem.message.context.fields.failedChecks);
        const seen = (thresholdItem.countedHalts ?? []).reduce((sum, item) => sum + countedChecks(item), 0);
        const fromEvents = (thresholdItem.countedHalts ?? []).some((item) => item.first.format === 'events' || item.first.format === 'describe');
        const missing = seen >= reached ? '' : fromEvents
          ? ` The input shows ${seen}: Kubernetes merges repeated events into one, and kubectl get events does not print how often (kubectl describe canary and kubectl events print "x5"); events also expire after an hour.`
          : ` Only ${seen} of them are in the input; the others happened before it starts.`;
        return { outcome, text: `Rolled back: ${plural(reached, 'failed check')} reached the threshold. They were: ${halts || 'not in the input'}.${missing}` };
      }
      return { outcome, text: `Rolled back${halts ? ` after ${plural(run.failedChecks, 'failed check')}: ${halts}` : '; the reason is not in the input'}.` };
    }
    case 'promotion-failed':
      return { outcome, text: 'Failed during promotion: the primary did not become ready with the new version, so traffic stays on the canary.' };
    case 'waiting': {
      const gate = run.lastWait;
      return { outcome, text: `Waiting: ${gate ? gate.headline : 'for approval'}. Nothing moves until the gate approves.` };
    }
    case 'stalled': {
      const blocker = run.lastBlocking;
      const readiness = blocker?.message.spec.role === 'readiness';
      return {
        outcome,
        text: `Stalled: ${blocker ? `${blocker.headline}${blocker.repeat > 1 ? ` (${blocker.repeat}× in a row)` : ''}` : 'Flagger cannot proceed'}. Flagger retries every interval without progress`
          + `${readiness ? '; it rolls back when the Deployment\'s progress deadline passes' : ''}.`,
      };
    }
    case 'initialized':
      return { outcome, text: 'Initialized: waiting for a new revision to analyse.' };
    case 'progressing': {
      const lastItem = items[items.length - 1];
      if (lastItem?.message.spec.role === 'readiness') {
        return { outcome, text: `Still progressing: waiting for the ${lastItem.message.spec.id === 'primary-not-ready' ? 'primary' : 'canary'} pods to become ready (${lastItem.headline}), normal right after a scale-up; the input ends before they are. If it lasts, Flagger rolls back when the Deployment's progress deadline passes.` };
      }
      const weight = run.lastWeight !== undefined ? `at canary weight ${run.lastWeight}%` : 'at weight 0 (no traffic shifted yet)';
      const failed = run.failedChecks > 0 ? `, ${run.failedChecks}${of} failed check${run.failedChecks === 1 && !of ? '' : 's'} so far (${halts})` : '';
      return { outcome, text: `Still progressing ${weight}${failed}; the input ends before the outcome.` };
    }
    default:
      return { outcome, text: 'Unknown: the input does not show how the rollout went.' };
  }
}

/**
 * `5× no values found for request-duration, 1× load-test webhook load-test timed out`. Measured values
 * are grouped by what was measured: `9× success rate below 99% (90.00% first, 82.36% last)`.
 */
function haltSummary(halts: readonly TimelineItem[]): string {
  const groups = new Map<string, { label: string; count: number; values: string[] }>();
  for (const halt of halts) {
    const { spec, context } = halt.message;
    const label = (spec.grouped?.headline(context) ?? halt.headline).replace(/^halt: /, '');
    const key = `${halt.message.problemKey}\n${label}`;
    const group = groups.get(key) ?? { label, count: 0, values: [] };
    group.count += countedChecks(halt);
    if (spec.grouped) group.values.push(spec.grouped.value(context));
    groups.set(key, group);
  }
  return [...groups.values()].map(({ label, count, values }) => {
    const distinct = [...new Set(values)];
    const shown = distinct.length === 1 ? ` (${distinct[0]})` : distinct.length > 1 ? ` (${values[0]} first, ${values[values.length - 1]} last)` : '';
    return `${count}× ${label}${shown}`;
  }).join(', ');
}

/** How many of this run's failed checks a timeline item stands for. */
function countedChecks(item: TimelineItem): number {
  return item.failedChecks ? item.failedChecks[1] - item.failedChecks[0] + 1 : 0;
}
