import { webhookTimeoutOf } from '../../flagger/canary';
import { CanaryView } from '../../model/canary-view';
import { asNumber } from '../../model/yaml';
import { formatDuration } from '../../util/duration';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'webhook-timeouts-too-long',
  severity: 'warning',
  title: "The rollout webhooks' timeouts (times their attempts) add up to at least the analysis interval",
  symptom: 'A slow webhook holds the analysis past its interval, so the schedule drifts and checks overlap; '
    + 'a hung loadtester stalls every step for the full timeout.',
};

function check(canary: CanaryView): Report[] {
  let total = 0;
  const parts: string[] = [];
  for (const hook of canary.webhooks) {
    if (hook.type !== 'rollout') continue;
    const timeout = webhookTimeoutOf(hook.raw);
    // A timeout Go cannot parse fails every call at once: interval-unparsable reports it.
    if (timeout.ms === undefined) continue;
    const attempts = 1 + Math.max(0, asNumber(hook.raw.retries) ?? 0);
    total += timeout.ms * attempts;
    parts.push(`"${hook.name}" ${formatDuration(timeout.ms)}${timeout.isDefault ? ' (default)' : ''}${attempts > 1 ? ` × ${attempts} attempts` : ''}`);
  }
  if (parts.length === 0 || total < canary.intervalMs) return [];
  return [report(info, canary.sourced,
    `the rollout webhooks may take ${formatDuration(total)} (${parts.join(' + ')}), at least the analysis interval ${formatDuration(canary.intervalMs)}.`,
    `keep their total under the interval: shorten the timeouts (a load test started by the loadtester answers at once; 5s is plenty) or lengthen the interval.`)];
}

export const webhookTimeoutsTooLong: RuleSet = canaryRules([info], check);
