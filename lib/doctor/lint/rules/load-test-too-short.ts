import { CanaryView } from '../../model/canary-view';
import { recommendedLoadTestMs } from '../../plan/load-tests';
import { durationMsOf, loadGenerators } from '../../programs/load-generators';
import { formatDuration } from '../../util/duration';
import { canaryRules, Report, report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'load-test-too-short',
  severity: 'warning',
  title: 'The load test runs no longer than the analysis interval',
  symptom: 'A shorter run leaves a gap without traffic in every interval; a run exactly as long as the interval races the next call, '
    + 'which the loadtester skips while it still runs (`command skipped ... is already running`), leaving a whole interval without traffic: '
    + '`Halt advancement no values found for istio metric request-success-rate`.',
};

/** Why a run of `duration` (at most the interval) leaves metric windows without traffic. */
function gapOf(duration: number, interval: number): string {
  if (duration === interval) {
    return 'whether a run has ended when Flagger calls the webhook again is a race; when it has not, the loadtester skips the call '
      + '(`command skipped ... is already running`) and the next interval gets no load-test traffic at all.';
  }
  return `each run ends ${formatDuration(interval - duration)} before Flagger calls the webhook again, so every interval ends with `
    + `${formatDuration(interval - duration)} without load-test traffic, right before the metric checks.`;
}

function check(canary: CanaryView): Report[] {
  const reports: Report[] = [];
  const interval = canary.intervalMs;
  const suggested = formatDuration(recommendedLoadTestMs(interval));
  for (const hook of canary.webhooks) {
    if (hook.type !== 'rollout' || hook.cmd === undefined) continue;
    for (const generator of loadGenerators(hook.commands)) {
      const duration = durationMsOf(generator);
      const flag = generator.durationFlag;
      if (generator.durationText !== undefined) {
        if (duration === undefined || duration > interval) continue;
        reports.push(report(info, canary.sourced,
          `webhook "${hook.name}" runs ${generator.program} ${flag} ${generator.durationText}, `
          + `${duration === interval ? 'as long as' : 'shorter than'} the analysis interval ${formatDuration(interval)}: ${gapOf(duration, interval)}`,
          `run it longer than the interval and shorter than two, e.g. ${flag} ${suggested}: the call that comes while it runs is skipped `
          + 'and the next one starts a new run, so every interval sees load-test traffic.'));
        continue;
      }
      if (generator.defaultDurationMs !== undefined) {
        if (generator.defaultDurationMs > interval) continue;
        reports.push(report(info, canary.sourced,
          `webhook "${hook.name}" runs ${generator.program} without ${flag}, so it stops after its default ${formatDuration(generator.defaultDurationMs)}, `
          + `well within the analysis interval ${formatDuration(interval)}.`,
          `add ${flag} ${suggested}.`));
        continue;
      }
      const perSecond = generator.rate !== undefined && generator.concurrency !== undefined ? generator.rate * generator.concurrency : undefined;
      const estimate = perSecond ? ` (about ${formatDuration((generator.requests / perSecond) * 1000)} at ${perSecond} requests/s)` : '';
      reports.push(report(info, canary.sourced,
        `webhook "${hook.name}" runs ${generator.program} without ${flag}, so it sends ${generator.requests} requests (-n) and stops${estimate}; `
        + `the rest of each ${formatDuration(interval)} analysis interval gets no load-test traffic.`,
        `add ${flag} ${suggested} to run for a duration instead of a request count.`));
    }
  }
  return reports;
}

export const loadTestTooShort: RuleSet = canaryRules([info], check);
