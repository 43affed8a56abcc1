import { loadTestDuration, loadTests } from '../commands';
import { formatDuration } from '../duration';
import { finding, LintContext, RuleInfo, RuleSet } from '../lint-context';
import { Finding } from '../types';

const info: RuleInfo = {
  id: 'load-test-too-short',
  severity: 'warning',
  title: 'The load test runs no longer than the analysis interval',
  symptom: 'The loadtester skips a command that is still running (`command skipped ... is already running`) and a finished one leaves a gap, '
    + 'so some metric windows see little or no traffic: `Halt advancement no values found for istio metric request-success-rate`.',
};

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    const interval = canary.intervalMs;
    const suggested = formatDuration(Math.max(2 * interval - 5000, interval + 1000));
    for (const hook of canary.webhooks) {
      if (hook.type !== 'rollout' || hook.cmd === undefined) continue;
      for (const test of loadTests(hook.cmd)) {
        const duration = loadTestDuration(test);
        const flag = test.durationFlag;
        if (test.durationText !== undefined) {
          if (duration === undefined || duration > interval) continue;
          findings.push(finding(info, canary.sourced,
            `webhook "${hook.name}" runs ${test.program} ${flag} ${test.durationText}, no longer than the analysis interval ${formatDuration(interval)}: `
            + 'a run can end before the next one starts, or still be running when the next call comes and be skipped, leaving metric windows without traffic.',
            `run it a little shorter than two intervals, e.g. ${flag} ${suggested}, so one run always covers the next analysis.`));
          continue;
        }
        if (test.defaultDurationMs !== undefined) {
          if (test.defaultDurationMs > interval) continue;
          findings.push(finding(info, canary.sourced,
            `webhook "${hook.name}" runs ${test.program} without ${flag}, so it stops after its default ${formatDuration(test.defaultDurationMs)}, `
            + `well within the analysis interval ${formatDuration(interval)}.`,
            `add ${flag} ${suggested}.`));
          continue;
        }
        const perSecond = test.rate !== undefined && test.concurrency !== undefined ? test.rate * test.concurrency : undefined;
        const estimate = perSecond ? ` (about ${formatDuration((test.requests / perSecond) * 1000)} at ${perSecond} requests/s)` : '';
        findings.push(finding(info, canary.sourced,
          `webhook "${hook.name}" runs ${test.program} without ${flag}, so it sends ${test.requests} requests (-n) and stops${estimate}; `
          + `the rest of each ${formatDuration(interval)} analysis interval gets no load-test traffic.`,
          `add ${flag} ${suggested} to run for a duration instead of a request count.`));
      }
    }
  }
  return findings;
}

export const loadTestRules: RuleSet = { rules: [info], check };
