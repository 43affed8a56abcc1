import { formatDuration, parseGoDuration } from '../../util/duration';
import { asNumber, DEFAULT_WEBHOOK_TIMEOUT, finding, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { Finding } from '../../model/object';

const info: RuleInfo = {
  id: 'webhook-timeouts-too-long',
  severity: 'warning',
  title: "The rollout webhooks' timeouts (times their attempts) add up to at least the analysis interval",
  symptom: 'A slow webhook holds the analysis past its interval, so the schedule drifts and checks overlap; '
    + 'a hung loadtester stalls every step for the full timeout.',
};

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    let total = 0;
    const parts: string[] = [];
    for (const hook of canary.webhooks) {
      if (hook.type !== 'rollout') continue;
      const written = typeof hook.raw.timeout === 'string' ? hook.raw.timeout : '';
      const timeout = written.length < 2 ? DEFAULT_WEBHOOK_TIMEOUT : written;
      const ms = parseGoDuration(timeout);
      if (ms === undefined) continue;
      const attempts = 1 + Math.max(0, asNumber(hook.raw.retries) ?? 0);
      total += ms * attempts;
      parts.push(`"${hook.name}" ${formatDuration(ms)}${written.length < 2 ? ' (default)' : ''}${attempts > 1 ? ` × ${attempts} attempts` : ''}`);
    }
    if (parts.length === 0 || total < canary.intervalMs) continue;
    findings.push(finding(info, canary.sourced,
      `the rollout webhooks may take ${formatDuration(total)} (${parts.join(' + ')}), at least the analysis interval ${formatDuration(canary.intervalMs)}.`,
      `keep their total under the interval: shorten the timeouts (a load test started by the loadtester answers at once; 5s is plenty) or lengthen the interval.`));
  }
  return findings;
}

export const webhookTimeoutRules: RuleSet = { rules: [info], check };
