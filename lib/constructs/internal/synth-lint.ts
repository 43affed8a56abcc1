import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { lint, RULE_IDS } from '../../doctor/lint/engine';
import { ExternalObjectRef, Finding, RuleLevel } from '../../doctor/lint/rule';
import { checkRuleLevels } from '../../doctor/lint/rule-levels';
import { SourcedObject } from '../../doctor/model/object';
import { parseScrapeInterval, SCRAPE_INTERVAL_SYNTAX } from '../../doctor/flagger/prometheus';
import { renderedForValidation } from '../../synth/app-synthesizer';
import { outputOf, renderCharts, resolveDependencies } from '../../synth/render';
import { constructHint } from './synth-lint-hints';
import { ExternalObjects } from './external-objects';

// Context keys that tune the lint run at synth time, e.g.
// `app.node.setContext(LINT_CONTEXT_RULES, { 'metric-window-short': 'error' })`, or `context:` in cdk8s.yaml.

/** Turns every rule off: the synth-time lint does not run. */
export const LINT_CONTEXT_DISABLE = 'flagger-doctor:disable';
/** Prometheus scrape interval the metric-window rule assumes, as a Go duration. @default "15s" */
export const LINT_CONTEXT_SCRAPE_INTERVAL = 'flagger-doctor:scrape-interval';
/** A level per rule id: `off`, `info`, `warning` or `error`, e.g. `{ "namespace-missing": "off" }`. */
export const LINT_CONTEXT_RULES = 'flagger-doctor:rules';

interface AppLint {
  readonly findings: readonly Finding[];
  readonly paths: ReadonlyMap<string, string>;
  warned: boolean;
}

// cdk8s validates the whole app once per chart it renders, all within one synchronous synth;
// the findings are computed once for that run and dropped when it ends.
const runs = new WeakMap<App, AppLint>();

function identity(kind: string | undefined, namespace: string | undefined, name: string | undefined): string {
  return `${kind ?? ''}/${namespace ?? ''}/${name ?? ''}`;
}

/**
 * The app's objects in `kubectl apply -f dist/` order (files by path, then each file's order), as
 * the synth in progress rendered them; outside `AppSynthesizer` (plain `app.synth()`), they are
 * rendered here, once per synth, after resolving the dependencies as the synth itself will.
 */
function appObjects(app: App): { objects: SourcedObject[]; paths: Map<string, string> } {
  let rendered = renderedForValidation(app);
  if (!rendered) rendered = renderCharts(app, resolveDependencies(app), { chartOverrides: false });
  const files = [...(outputOf(rendered)?.files ?? [])].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const objects: SourcedObject[] = [];
  const paths = new Map<string, string>();
  for (const { file, objects: fileObjects } of files) {
    for (const { apiObject, json } of fileObjects) {
      if (!json) continue;
      const path = apiObject?.node.path;
      objects.push({ object: json, source: { file, order: objects.length, path } });
      if (path) paths.set(identity(json.kind, json.metadata?.namespace, json.metadata?.name), path);
    }
  }
  return { objects, paths };
}

/** The levels of `flagger-doctor:rules`, checked. */
function ruleLevels(app: App): Record<string, RuleLevel> {
  const value = app.node.tryGetContext(LINT_CONTEXT_RULES);
  if (value === undefined) return {};
  // cdk8s.yaml and `--context` give context values as JSON text.
  let levels = value;
  if (typeof value === 'string') {
    try {
      levels = JSON.parse(value);
    } catch {
      throw new Error(`context ${LINT_CONTEXT_RULES} is ${JSON.stringify(value)}, which is not JSON; give a mapping such as {"namespace-missing": "off"}.`);
    }
  }
  return checkRuleLevels(levels, `context ${LINT_CONTEXT_RULES}`, RULE_IDS);
}

/** The objects the app refers to by name (`IstioGateway.fromName`, `LoadTester.fromService`, ...), for the lint. */
function externalObjects(app: App): ExternalObjectRef[] {
  return ExternalObjects.of(app).list().map(({ kind, namespace, name, hosts }) => ({ kind, namespace, name, ...(hosts ? { hosts } : {}) }));
}

function lintApp(app: App): AppLint {
  let run = runs.get(app);
  if (!run) {
    const rules = ruleLevels(app);
    const { objects, paths } = appObjects(app);
    const scrape = app.node.tryGetContext(LINT_CONTEXT_SCRAPE_INTERVAL);
    const scrapeIntervalMs = scrape === undefined ? undefined : parseScrapeInterval(scrape);
    if (scrape !== undefined && scrapeIntervalMs === undefined) {
      throw new Error(`context ${LINT_CONTEXT_SCRAPE_INTERVAL} is ${JSON.stringify(scrape)}; use ${SCRAPE_INTERVAL_SYNTAX}.`);
    }
    // The app knows what it owns: whatever it refers to is either synthesized by it, or recorded as
    // another team's by a construct's fromName. So a missing object is an error, not an assumption.
    const findings = lint(objects, { scrapeIntervalMs, completeness: 'complete', assumePresent: externalObjects(app), rules });
    run = { findings, paths, warned: false };
    runs.set(app, run);
    queueMicrotask(() => runs.delete(app));
  }
  return run;
}

function describe(finding: Finding, paths: ReadonlyMap<string, string>): string {
  const path = paths.get(identity(finding.kind, finding.namespace, finding.name));
  const object = `${finding.kind}/${finding.namespace ? `${finding.namespace}/` : ''}${finding.name}`;
  const hint = path ? constructHint(finding) ?? finding.hint : finding.hint;
  return `${object}${path ? ` (${path})` : ''}: ${finding.severity} ${finding.rule}: ${finding.message} Fix: ${hint}`;
}

interface LintedCanary extends IConstruct {
  readonly name: string;
  readonly namespace: string;
}

const canariesOfApp = new WeakMap<App, LintedCanary[]>();

/**
 * Runs `flagger-doctor lint` over every object of the app the Canary is in, as a cdk8s validation.
 * Errors fail the synth; warnings are printed once. Each finding is reported by one Canary: the one
 * it is about, else the first in the finding's namespace, else the first of the app.
 */
export function addSynthLint(canary: LintedCanary): void {
  const app = App.of(canary) as App;
  const canaries = canariesOfApp.get(app) ?? [];
  canaries.push(canary);
  canariesOfApp.set(app, canaries);
  canary.node.addValidation({ validate: () => lintAtSynth(app, canary, canaries) });
}

function lintAtSynth(app: App, canary: LintedCanary, canaries: readonly LintedCanary[]): string[] {
  if (app.node.tryGetContext(LINT_CONTEXT_DISABLE)) return [];
  const run = lintApp(app);
  const owner = (finding: Finding) => canaries.find((c) => finding.kind === 'Canary' && c.namespace === finding.namespace && c.name === finding.name)
    ?? canaries.find((c) => c.namespace === finding.namespace)
    ?? canaries[0];
  if (!run.warned && canaries[0] === canary) {
    run.warned = true;
    for (const finding of run.findings.filter((f) => f.severity === 'warning')) {
      process.stderr.write(`flagger-doctor: ${describe(finding, run.paths)}\n`);
    }
  }
  return run.findings
    .filter((finding) => finding.severity === 'error' && owner(finding) === canary)
    .map((finding) => describe(finding, run.paths));
}
