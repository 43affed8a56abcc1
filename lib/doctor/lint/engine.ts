/**
 * The lint engine: indexes the objects once, runs every rule, and returns the findings in a stable
 * order: by file, then by the object's place in `kubectl apply -f` order, then by rule and message.
 */
import { SCRAPE_INTERVAL_MS } from '../flagger/defaults';
import { ManifestIndex } from '../model/manifest-index';
import { SourcedObject } from '../model/object';
import { Finding, LintContext, LintOptions, Report, RuleInfo, Severity } from './rule';
import { RULE_SETS } from './rules';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Every rule, errors first, then warnings, then notes; in the order of RULE_SETS within each. */
export const RULES: readonly RuleInfo[] = RULE_SETS.flatMap((set) => set.rules)
  .map((rule, position) => ({ rule, position }))
  .sort((a, b) => SEVERITY_RANK[a.rule.severity] - SEVERITY_RANK[b.rule.severity] || a.position - b.position)
  .map(({ rule }) => rule);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareReports(a: Report, b: Report): number {
  return compare(a.finding.file, b.finding.file) || a.object.source.order - b.object.source.order
    || compare(a.finding.rule, b.finding.rule) || compare(a.finding.message, b.finding.message);
}

/** Lints parsed objects. Findings are sorted by file, object order, rule and message. */
export function lint(objects: readonly SourcedObject[], options: LintOptions = {}): Finding[] {
  const context: LintContext = { index: new ManifestIndex(objects), scrapeIntervalMs: options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS };
  return RULE_SETS.flatMap((set) => set.check(context)).sort(compareReports).map((report) => report.finding);
}
