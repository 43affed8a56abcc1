/**
 * The lint engine: indexes the objects once, runs every rule, and returns the findings in a stable order.
 */
import { DEFAULT_SCRAPE_INTERVAL_MS, LintContext, LintOptions, ManifestIndex, orderOfFinding, RuleInfo, RuleSet } from '../model/manifest-index';
import { acceptanceTestRules } from './rules/acceptance-test';
import { commandTargetRules } from './rules/command-target';
import { delegationRules } from './rules/delegation';
import { duplicateTargetRules } from './rules/duplicate-target';
import { gatewayRules } from './rules/gateway';
import { intervalRules } from './rules/intervals';
import { loadTestRules } from './rules/load-test';
import { metricRules } from './rules/metrics';
import { namespaceRules } from './rules/namespace';
import { nonRootRules } from './rules/non-root';
import { replicasHpaRules } from './rules/replicas-hpa';
import { selectorRules } from './rules/selector';
import { targetPortRules } from './rules/target-port';
import { targetRefRules } from './rules/target-ref';
import { virtualServiceRules } from './rules/virtualservice';
import { webhookFieldRules } from './rules/webhook-fields';
import { webhookMetadataRules } from './rules/webhook-metadata';
import { webhookTimeoutRules } from './rules/webhook-timeouts';
import { webhookUrlRules } from './rules/webhook-url';
import { weightRules } from './rules/weights';
import { Finding, SourcedObject } from '../model/object';

export type { LintOptions, RuleInfo } from '../model/manifest-index';

const RULE_SETS: readonly RuleSet[] = [
  webhookUrlRules,
  commandTargetRules,
  targetRefRules,
  selectorRules,
  targetPortRules,
  gatewayRules,
  virtualServiceRules,
  delegationRules,
  namespaceRules,
  weightRules,
  intervalRules,
  webhookFieldRules,
  webhookMetadataRules,
  duplicateTargetRules,
  nonRootRules,
  metricRules,
  loadTestRules,
  acceptanceTestRules,
  replicasHpaRules,
  webhookTimeoutRules,
];

/** Every rule, errors first. */
export const RULES: readonly RuleInfo[] = (() => {
  const rank = { error: 0, warning: 1, info: 2 };
  const all = RULE_SETS.flatMap((set) => set.rules);
  return all.map((rule, position) => ({ rule, position }))
    .sort((a, b) => rank[a.rule.severity] - rank[b.rule.severity] || a.position - b.position)
    .map(({ rule }) => rule);
})();

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lints parsed objects. Findings are sorted by file, object order, rule and message. */
export function lint(objects: readonly SourcedObject[], options: LintOptions = {}): Finding[] {
  const index = new ManifestIndex(objects);
  const context: LintContext = { index, scrapeIntervalMs: options.scrapeIntervalMs ?? DEFAULT_SCRAPE_INTERVAL_MS };
  const findings = RULE_SETS.flatMap((set) => set.check(context));
  return findings
    .map((finding) => ({ finding, position: orderOfFinding(finding) }))
    .sort((a, b) => compare(a.finding.file, b.finding.file) || a.position - b.position
      || compare(a.finding.rule, b.finding.rule) || compare(a.finding.message, b.finding.message))
    .map(({ finding }) => finding);
}
