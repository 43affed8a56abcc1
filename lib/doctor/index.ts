// The doctor engine: plain functions over parsed objects and log text, with no cdk8s and no I/O
// beyond reading the files it is asked to load.
export * from './model/object';
export { parseGoDuration, formatDuration } from './util/duration';
export { ManifestError, parseManifests, loadManifests, fromObjects } from './input/manifests';
export { lint, RULES } from './lint/engine';
export type { LintOptions, RuleInfo } from './lint/engine';
export { planCanaries } from './plan/plan';
export type { PlanOptions, CanaryPlan, PlanStep, MetricPlan, PlanMessage, PromotionTimes, RollbackTimes } from './plan/plan';
export { parseLogInput } from './input/logs';
export type { LogEntry, ParsedLog } from './input/logs';
export { explain, messageJson } from './explain/explain';
export type { ExplainOptions, ExplainReport, CanaryReport, Problem, Verdict, MessageJson } from './explain/explain';
export { manifestCrossReference } from './explain/cross-reference';
