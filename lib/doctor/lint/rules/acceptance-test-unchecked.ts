import { CanaryView, WebhookView } from '../../model/canary-view';
import { BLOCKING_TASK_TYPES, TASK_TYPES, taskTypeOf } from '../../flagger/loadtester';
import { asString } from '../../model/yaml';
import { LOAD_GENERATORS } from '../../programs/arguments';
import { curlCalls } from '../../programs/curl';
import { SimpleCommand } from '../../util/shell';
import { canaryRules, Report, report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'acceptance-test-unchecked',
  severity: 'warning',
  title: 'An acceptance test that passes on errors: curl without -f and without a following check, or a check run in the background (no metadata.type: bash); '
    + 'an error when the analysis has no metric or other check that could fail the release',
  symptom: 'The test passes on HTTP 500 (`Pre-rollout check acceptance-test passed`) and a broken canary receives traffic.',
};

const LOOP = /(^|[\s;&|(])(while|until|for)\s|(^|[\s;&|(])(seq|xargs|watch|parallel)\s/;
const CALLERS = new Set(['curl', 'wget', 'grpcurl', 'grep', 'test', '[', '[[', 'jq']);

/**
 * A test the loadtester runs in the background. Every pre-rollout command that generates no load is a test;
 * a rollout command is one when it is a one-shot call (curl, wget, a check) rather than traffic in a loop.
 */
function isBackgroundCheck(type: string, cmd: string, commands: readonly SimpleCommand[]): boolean {
  if (commands.some((command) => LOAD_GENERATORS.has(command.program))) return false;
  if (type === 'pre-rollout') return commands.length > 0;
  if (type !== 'rollout') return false;
  return commands.some((command) => CALLERS.has(command.program)) && !LOOP.test(cmd);
}

/** Whether a webhook can fail the analysis: a call to another service, or a blocking task whose result counts. */
function canFail(hook: WebhookView): boolean {
  if (hook.type !== 'pre-rollout' && hook.type !== 'rollout') return false;
  if (hook.cmd === undefined) return true;
  const taskType = taskTypeOf(hook.metadata);
  if (!BLOCKING_TASK_TYPES.has(taskType)) return false;
  if (taskType !== 'bash') return true;
  const calls = curlCalls(hook.commands);
  if (calls.length === 0) return !hook.commands.every((command) => LOAD_GENERATORS.has(command.program));
  return calls.some((call) => call.failsOnHttpError || call.checked);
}

function check(canary: CanaryView): Report[] {
  const reports: Array<{ hook: WebhookView; message: string; hint: string }> = [];
  for (const hook of canary.webhooks) {
    if (hook.cmd === undefined) continue;
    const written = asString(hook.metadata.type);
    const taskType = taskTypeOf(hook.metadata);
    // An unknown type fails every call: loadtester-type-unknown reports it.
    if (!TASK_TYPES.includes(taskType)) continue;
    if (!BLOCKING_TASK_TYPES.has(taskType)) {
      // The loadtester answers 202 at once for `cmd` tasks: fine for load, useless as a gate.
      if (isBackgroundCheck(hook.type, hook.cmd, hook.commands)) {
        reports.push({
          hook,
          message: `${hook.type} webhook "${hook.name}" runs "${hook.cmd}" ${written === undefined ? 'without metadata.type' : `with metadata.type ${written}`}, `
            + 'so the loadtester starts it in the background and answers 202 at once: the test never holds the rollout back, whatever its result.',
          hint: 'set metadata.type: bash so the loadtester waits for the command and reports its exit status.',
        });
      }
      continue;
    }
    if (taskType !== 'bash') continue;
    for (const call of curlCalls(hook.commands)) {
      if (call.failsOnHttpError || call.checked) continue;
      reports.push({
        hook,
        message: `webhook "${hook.name}" runs "${call.text}" without -f/--fail and without a following check, so it succeeds on HTTP 500.`,
        hint: 'add -f (e.g. curl -sSf ...), or check the output: ... | grep <expected>.',
      });
    }
  }
  // With no metric and no other check, nothing stops a canary that fails every request from being promoted.
  const unguarded = canary.metrics.length === 0 && !canary.skipAnalysis;
  return reports.map(({ hook, message, hint }) => {
    const alone = unguarded && !canary.webhooks.some((other) => other !== hook && canFail(other));
    return report(info, canary.sourced,
      alone ? `${message} The analysis has no metric and no other check that could fail, so Flagger promotes a canary that answers every request with HTTP 500.` : message,
      hint, alone ? 'error' : info.severity);
  });
}

export const acceptanceTestUnchecked: RuleSet = canaryRules([info], check);
