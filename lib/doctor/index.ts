// The doctor engine: plain functions over parsed objects and log text, with no cdk8s and no I/O
// beyond reading the files it is asked to load.
export * from './types';
export { parseGoDuration, formatDuration } from './duration';
export { ManifestError, parseManifests, loadManifests, fromObjects } from './manifests';
export { lint, RULES } from './lint';
export type { LintOptions, RuleInfo } from './lint';
export { planCanaries } from './plan';
export type { PlanOptions, CanaryPlan, PlanStep, MetricPlan, PlanMessage, PromotionTimes, RollbackTimes } from './plan';
export { parseLogInput } from './log-input';
export type { LogEntry, ParsedLog } from './log-input';
export { explain, messageJson } from './explain';
export type { ExplainOptions, ExplainReport, CanaryReport, Problem, Verdict, MessageJson } from './explain';
export { manifestCrossReference } from './explain-manifests';
