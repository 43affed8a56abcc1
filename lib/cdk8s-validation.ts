/**
 * flagger-doctor's lint as a cdk8s validation plugin, for any cdk8s app:
 *
 * ```yaml
 * # cdk8s.yaml
 * validations:
 *   - package: ./node_modules/flagger-istio-cdk8s
 *     version: 0.1.0
 *     class: FlaggerDoctorValidation
 *     properties: { scrapeInterval: 15s, failOn: error, rules: { namespace-missing: off } }
 * ```
 *
 * cdk8s-cli constructs the class with `properties`, calls `validate(context)` after synthesis with
 * the synthesized manifest files, and fails `cdk8s synth` when the submitted report is a failure.
 * The contract is declared structurally below so the plugin has no runtime dependency on cdk8s-cli.
 * docs/validation-plugin.md describes the set-up.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadManifests, ManifestError } from './doctor/input/manifests';
import { lint, RULE_IDS } from './doctor/lint/engine';
import { OBJECT_REF_SYNTAX, parseObjectRef } from './doctor/lint/presence';
import { Completeness, ExternalObjectRef, Finding, RuleLevel } from './doctor/lint/rule';
import { checkRuleLevels } from './doctor/lint/rule-levels';
import { SourcedObject } from './doctor/model/object';
import { parseScrapeInterval, SCRAPE_INTERVAL_SYNTAX } from './doctor/flagger/prometheus';

/** The lowest severity that fails `cdk8s synth`; the values are what `cdk8s.yaml` spells. */
export enum FailOn {
  /** Errors fail the synth; warnings are reported. */
  ERROR = 'error',
  /** Errors and warnings fail the synth. */
  WARNING = 'warning',
  /** Nothing fails the synth; findings are only reported. */
  NEVER = 'never',
}

/** Properties of `FlaggerDoctorValidation`, from `properties:` in `cdk8s.yaml`. */
export interface FlaggerDoctorValidationProps {
  /**
   * Prometheus scrape interval, a Go duration. Metric windows shorter than 4 scrapes are reported.
   *
   * @default - the interval of the ServiceMonitors or PodMonitors of the Canary in the manifests, 5s for
   * Flagger's own Prometheus, else 15s
   */
  readonly scrapeInterval?: string;

  /**
   * The lowest severity that fails `cdk8s synth`: `error`, `warning`, or `never` to only report.
   *
   * @default FailOn.ERROR
   */
  readonly failOn?: FailOn;

  /**
   * A level per rule id: `off`, `info`, `warning` or `error`, e.g. `{ namespace-missing: off }`.
   *
   * @default - every rule at its own severity
   */
  readonly rules?: { [ruleId: string]: string };

  /**
   * Objects that exist outside the app, as `KIND/NAMESPACE/NAME` (`Namespace/NAME` for a namespace),
   * e.g. `Gateway/istio-system/public-gateway`: no finding says they are missing.
   *
   * @default - none
   */
  readonly assumePresent?: string[];

  /**
   * How much of what the Canaries reference the app synthesizes: `complete` (a missing object is an
   * error), `partial` (a note), or `auto` (an error where the manifests evidently should hold it).
   *
   * @default 'auto'
   */
  readonly completeness?: string;

  /**
   * Keep the `construct-metadata.json` that cdk8s-cli has the app write next to the manifests.
   * By default the plugin deletes it once cdk8s-cli has read it, because `kubectl apply -f dist/`
   * and `flagger-doctor lint dist/` refuse a file that is not a Kubernetes object.
   *
   * @default false
   */
  readonly keepConstructMetadata?: boolean;
}

// cdk8s-cli calls validate() in Node.js with its own context; no other language implements or calls
// it, so the contract types below stay TypeScript-only (`@jsii ignore`) and keep cdk8s-cli's shapes.

/**
 * A resource named in a violation, as cdk8s-cli's `ValidationViolatingResource`.
 *
 * @jsii ignore
 */
export interface ValidationResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/**
 * A violation, as cdk8s-cli's `ValidationViolation`.
 *
 * @jsii ignore
 */
export interface ValidationViolationLike {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ValidationResource[];
}

/**
 * What this plugin uses of cdk8s-cli's `ValidationContext`.
 *
 * @jsii ignore
 */
export interface ValidationContextLike {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: ValidationViolationLike): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
}

const FAIL_ON = Object.values(FailOn);
const PROPERTIES = ['scrapeInterval', 'failOn', 'rules', 'assumePresent', 'completeness', 'keepConstructMetadata'];
const COMPLETENESS: readonly Completeness[] = ['auto', 'complete', 'partial'];

/** Lints the synthesized manifests of a cdk8s app with flagger-doctor's rules. */
export class FlaggerDoctorValidation {
  private readonly scrapeIntervalMs?: number;
  private readonly failOn: FailOn;
  private readonly keepConstructMetadata: boolean;
  private readonly rules: Record<string, RuleLevel>;
  private readonly assumePresent: ExternalObjectRef[];
  private readonly completeness: Completeness;

  constructor(props: FlaggerDoctorValidationProps = {}) {
    const unknown = Object.keys(props ?? {}).filter((key) => !PROPERTIES.includes(key));
    if (unknown.length > 0) {
      throw new Error(`FlaggerDoctorValidation: unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((key) => `'${key}'`).join(', ')} in cdk8s.yaml; the properties are ${PROPERTIES.slice(0, -1).join(', ')} and ${PROPERTIES[PROPERTIES.length - 1]}.`);
    }
    const scrapeInterval = props.scrapeInterval;
    const scrapeIntervalMs = parseScrapeInterval(scrapeInterval);
    if (scrapeInterval !== undefined && scrapeIntervalMs === undefined) {
      throw new Error(`FlaggerDoctorValidation: properties.scrapeInterval is ${JSON.stringify(scrapeInterval)}; write ${SCRAPE_INTERVAL_SYNTAX}.`);
    }
    const failOn = props.failOn ?? FailOn.ERROR;
    if (!FAIL_ON.includes(failOn)) {
      throw new Error(`FlaggerDoctorValidation: properties.failOn is ${JSON.stringify(failOn)}; use one of ${FAIL_ON.join(', ')}.`);
    }
    const keepConstructMetadata = props.keepConstructMetadata ?? false;
    if (typeof keepConstructMetadata !== 'boolean') {
      throw new Error(`FlaggerDoctorValidation: properties.keepConstructMetadata is ${JSON.stringify(keepConstructMetadata)}; use true or false.`);
    }
    this.rules = props.rules === undefined ? {} : plugin(() => checkRuleLevels(props.rules, 'properties.rules', RULE_IDS));
    const assumePresent = props.assumePresent ?? [];
    if (!Array.isArray(assumePresent)) {
      throw new Error(`FlaggerDoctorValidation: properties.assumePresent is ${JSON.stringify(assumePresent)}; give a list of ${OBJECT_REF_SYNTAX}.`);
    }
    this.assumePresent = assumePresent.map((text, index) => {
      const ref = typeof text === 'string' ? parseObjectRef(text) : undefined;
      if (!ref) throw new Error(`FlaggerDoctorValidation: properties.assumePresent[${index}] is ${JSON.stringify(text)}; write ${OBJECT_REF_SYNTAX}.`);
      return ref;
    });
    const completeness = props.completeness ?? 'auto';
    if (!COMPLETENESS.includes(completeness as Completeness)) {
      throw new Error(`FlaggerDoctorValidation: properties.completeness is ${JSON.stringify(completeness)}; use one of ${COMPLETENESS.join(', ')}.`);
    }
    this.completeness = completeness as Completeness;
    this.scrapeIntervalMs = scrapeIntervalMs;
    this.failOn = failOn;
    this.keepConstructMetadata = keepConstructMetadata;
  }

  /**
   * Lints the manifests of `context` and submits the report; cdk8s-cli calls it after synthesis.
   *
   * @jsii ignore
   */
  public async validate(context: ValidationContextLike): Promise<void> {
    if (!this.keepConstructMetadata) removeConstructMetadata(context);
    let objects: SourcedObject[];
    try {
      objects = loadManifests(context.manifests);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      context.report.addViolation({
        ruleName: 'unreadable-manifest',
        recommendation: error.message,
        fix: 'Synthesize valid Kubernetes YAML; every document needs apiVersion and kind.',
        violatingResources: [{ resourceName: error.file, locations: [error.line !== undefined ? `line ${error.line}` : error.file], manifestPath: error.file }],
      });
      context.report.submit('failure', { errors: '1' });
      return;
    }

    const findings = lint(objects, {
      scrapeIntervalMs: this.scrapeIntervalMs, rules: this.rules, assumePresent: this.assumePresent, completeness: this.completeness,
    });
    // Errors first, then warnings; notes are not violations.
    const reported = [...findings.filter((finding) => finding.severity === 'error'), ...findings.filter((finding) => finding.severity === 'warning')];
    const nameCounts = countNames(objects);
    for (const finding of reported) context.report.addViolation(toViolation(finding, nameCounts));

    const count = (severity: Finding['severity']) => findings.filter((finding) => finding.severity === severity).length;
    const errors = count('error');
    const warnings = count('warning');
    const failed = this.failOn === 'error' ? errors > 0 : this.failOn === 'warning' ? errors + warnings > 0 : false;
    context.report.submit(failed ? 'failure' : 'success', {
      errors: String(errors),
      warnings: String(warnings),
      notes: String(count('info')),
      failOn: this.failOn,
    });
  }
}

/** Runs a check whose error message names the property, prefixed with the plugin's name. */
function plugin<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new Error(`FlaggerDoctorValidation: ${(error as Error).message}`);
  }
}

const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

type RecordedMetadata = { readonly [resourceName: string]: { readonly path?: unknown } };

/**
 * Deletes the construct-metadata.json that cdk8s-cli had the app write into its output folder, so
 * that the folder holds only manifests. cdk8s-cli is done with the file by now: it loads every
 * validation plugin, handing each the metadata read from that file, before it calls any validate().
 * The file is the nearest one at or above the folder that holds every manifest (the output folder).
 * It is deleted only when it maps exactly the resources to the construct paths that cdk8s-cli passed
 * in the context, so a file of that name that cdk8s-cli did not read is never touched.
 */
function removeConstructMetadata(context: ValidationContextLike): void {
  // cdk8s-cli's ValidationContext carries the metadata it read, keyed by resource name.
  const recorded = (context as { readonly metadata?: unknown }).metadata;
  if (context.manifests.length === 0 || typeof recorded !== 'object' || recorded === null || Object.keys(recorded).length === 0) return;
  const file = nearestConstructMetadata(commonDirectory(context.manifests.map((manifest) => path.resolve(manifest))));
  if (!file || !holdsMetadata(file, recorded as RecordedMetadata)) return;
  try {
    fs.rmSync(file);
  } catch (error) {
    context.logger.log(`FlaggerDoctorValidation: could not delete ${path.relative(process.cwd(), file)} (${(error as Error).message}); `
      + 'kubectl apply -f refuses that folder while it is there, so delete it yourself.');
  }
}

/** The deepest folder that holds every file (at any depth). */
function commonDirectory(files: readonly string[]): string {
  const holds = (dir: string, file: string) => !path.relative(dir, file).startsWith('..');
  let common = path.dirname(files[0]);
  for (const file of files) {
    while (!holds(common, file)) common = path.dirname(common);
  }
  return common;
}

function nearestConstructMetadata(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONSTRUCT_METADATA_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function holdsMetadata(file: string, recorded: RecordedMetadata): boolean {
  let resources: unknown;
  try {
    resources = JSON.parse(fs.readFileSync(file, 'utf8')).resources;
  } catch {
    return false;
  }
  if (typeof resources !== 'object' || resources === null) return false;
  const written = Object.entries(resources as RecordedMetadata);
  return written.length === Object.keys(recorded).length
    && written.every(([name, resource]) => Object.prototype.hasOwnProperty.call(recorded, name) && recorded[name]?.path === resource?.path);
}

function countNames(objects: readonly SourcedObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { object } of objects) {
    const name = object.metadata?.name;
    if (typeof name === 'string') counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function toViolation(finding: Finding, nameCounts: ReadonlyMap<string, number>): ValidationViolationLike {
  const resource = `${finding.kind}/${finding.namespace ? `${finding.namespace}/` : ''}${finding.name}`;
  return {
    ruleName: `${finding.severity}: ${finding.rule}`,
    recommendation: `${resource}: ${finding.message}`,
    fix: finding.hint,
    violatingResources: [{
      // cdk8s-cli finds the construct path by `resourceName` in construct-metadata.json, which is keyed
      // by metadata.name only. For a name several resources share, that path may be another resource's,
      // so use a key that matches none and let the report say N/A.
      resourceName: (nameCounts.get(finding.name) ?? 0) === 1 ? finding.name : resource,
      locations: [resource],
      manifestPath: finding.file,
    }],
  };
}
