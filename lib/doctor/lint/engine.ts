/**
 * The lint engine: indexes the objects once, runs every rule, applies the rule levels asked for, and
 * returns the findings in a stable order: by file, then by the object's place in `kubectl apply -f`
 * order, then by rule and message.
 */
import { ManifestIndex } from '../model/manifest-index';
import { SourcedObject } from '../model/object';
import { scrapeIntervalOf } from '../model/scrape-interval';
import { Presence } from './presence';
import { Finding, LintContext, LintOptions, Report, RuleInfo, Severity } from './rule';
import { RULE_SETS } from './rules';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Every rule, errors first, then warnings, then notes; in the order of RULE_SETS within each. */
export const RULES: readonly RuleInfo[] = RULE_SETS.flatMap((set) => set.rules)
  .map((rule, position) => ({ rule, position }))
  .sort((a, b) => SEVERITY_RANK[a.rule.severity] - SEVERITY_RANK[b.rule.severity] || a.position - b.position)
  .map(({ rule }) => rule);

/** The id of every rule, in the documentation's order. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareReports(a: Report, b: Report): number {
  return compare(a.finding.file, b.finding.file) || a.object.source.order - b.object.source.order
    || compare(a.finding.rule, b.finding.rule) || compare(a.finding.message, b.finding.message);
}

/** The context the rules get for these objects and options. */
export function lintContext(objects: readonly SourcedObject[], options: LintOptions = {}): LintContext {
  const index = new ManifestIndex(objects);
  return {
    index,
    scrapeInterval: (canary) => scrapeIntervalOf(index, canary, options.scrapeIntervalMs),
    presence: new Presence(index, options),
  };
}

/** Lints parsed objects. Findings are sorted by file, object order, rule and message. */
export function lint(objects: readonly SourcedObject[], options: LintOptions = {}): Finding[] {
  const context = lintContext(objects, options);
  const levels = options.rules ?? {};
  return RULE_SETS.flatMap((set) => set.check(context))
    .flatMap((report): Report[] => {
      const level = levels[report.finding.rule];
      if (level === undefined) return [report];
      return level === 'off' ? [] : [{ ...report, finding: { ...report.finding, severity: level } }];
    })
    .sort(compareReports)
    .map((report) => report.finding);
}
