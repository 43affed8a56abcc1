/**
 * Per-rule levels: `--rule ID=LEVEL`, the validation plugin's `rules` option and the
 * `flagger-doctor:rules` context key all take `{ "namespace-missing": "off", "metric-window-short": "error" }`.
 */
import { RuleLevel } from './rule';

/** The levels a rule can be set to; `note` is accepted for `info`, as the text output calls it. */
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'info', 'warning', 'error'];

/**
 * The levels of `value`, checked against the rule ids: anything else throws an Error whose message
 * starts with `where` (e.g. `context flagger-doctor:rules`) and names the allowed ids or levels.
 */
export function checkRuleLevels(value: unknown, where: string, ruleIds: readonly string[]): Record<string, RuleLevel> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} is ${JSON.stringify(value)}; give a mapping from rule id to level, e.g. { "namespace-missing": "off" }.`);
  }
  const levels: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(value)) {
    if (!ruleIds.includes(id)) {
      throw new Error(`${where} names the rule ${JSON.stringify(id)}, which does not exist; the rules are ${ruleIds.join(', ')}.`);
    }
    const normalized = level === 'note' ? 'info' : level;
    if (!RULE_LEVELS.includes(normalized as RuleLevel)) {
      throw new Error(`${where} sets rule ${id} to ${JSON.stringify(level)}; use one of ${RULE_LEVELS.join(', ')}.`);
    }
    levels[id] = normalized as RuleLevel;
  }
  return levels;
}

/** Reads `ID=LEVEL` (the CLI's `--rule`); throws an Error naming the syntax for anything else. */
export function parseRuleSetting(text: string, ruleIds: readonly string[]): [string, RuleLevel] {
  const match = /^([^=]+)=(.*)$/.exec(text.trim());
  if (!match) throw new Error(`--rule takes ID=LEVEL (e.g. namespace-missing=off), not '${text}'.`);
  const [id, level] = [match[1].trim(), match[2].trim()];
  const levels = checkRuleLevels({ [id]: level }, '--rule', ruleIds);
  return [id, levels[id]];
}
