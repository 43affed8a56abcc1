// The doctor engine, the package's `./doctor` entry: plain functions over parsed objects and log text,
// with no cdk8s and no I/O beyond reading the files it is asked to load.
export type { KubeObject, ObjectSource, SourcedObject } from './model/object';
export { objectId } from './model/object';
export type { Finding, Severity, LintOptions, RuleInfo, RuleLevel, Completeness, ExternalObjectRef } from './lint/rule';
export { checkRuleLevels, RULE_LEVELS } from './lint/rule-levels';
export { parseObjectRef } from './lint/presence';
export { parseGoDuration, formatDuration } from './util/duration';
export { parseScrapeInterval, SCRAPE_INTERVAL_SYNTAX } from './flagger/prometheus';
export { ManifestError, parseManifests, loadManifests, fromObjects } from './input/manifests';
export { lint, RULES, RULE_IDS } from './lint/engine';
export { planCanaries } from './plan/plan';
export type { PlanOptions, CanaryPlan, PlanStep, MetricPlan, PlanMessage, PromotionTimes, RollbackTimes } from './plan/types';
export { parseLogInput } from './input/logs';
export type { LogEntry, ParsedLog } from './input/logs';
export { explain } from './explain/explain';
export { messageJson } from './explain/json';
export type { MessageJson } from './explain/json';
export type { ExplainOptions, ExplainReport, CanaryReport, Problem, Verdict } from './explain/report';
export { manifestCrossReference } from './explain/cross-reference';
