/**
 * flagger-doctor's lint as a cdk8s validation plugin, for any cdk8s app:
 *
 * ```yaml
 * # cdk8s.yaml
 * validations:
 *   - package: flagger-istio-cdk8s
 *     version: 0.1.0
 *     class: FlaggerDoctorValidation
 *     properties: { scrapeInterval: 15s, failOn: error }
 * ```
 *
 * cdk8s-cli constructs the class with `properties`, calls `validate(context)` after synthesis with
 * the synthesized manifest files, and fails `cdk8s synth` when the submitted report is a failure.
 * The contract is declared structurally below so the plugin has no runtime dependency on cdk8s-cli.
 */
import { parseGoDuration } from './doctor/duration';
import { lint } from './doctor/lint';
import { loadManifests, ManifestError } from './doctor/manifests';
import { Finding, SourcedObject } from './doctor/types';

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
   * @default '15s'
   */
  readonly scrapeInterval?: string;

  /**
   * The lowest severity that fails `cdk8s synth`: `error`, `warning`, or `never` to only report.
   *
   * @default FailOn.ERROR
   */
  readonly failOn?: FailOn;
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
const PROPERTIES = ['scrapeInterval', 'failOn'];

/** Lints the synthesized manifests of a cdk8s app with flagger-doctor's rules. */
export class FlaggerDoctorValidation {
  private readonly scrapeIntervalMs: number;
  private readonly failOn: FailOn;

  constructor(props: FlaggerDoctorValidationProps = {}) {
    const unknown = Object.keys(props ?? {}).filter((key) => !PROPERTIES.includes(key));
    if (unknown.length > 0) {
      throw new Error(`FlaggerDoctorValidation: unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((key) => `'${key}'`).join(', ')} in cdk8s.yaml; the properties are ${PROPERTIES.join(' and ')}.`);
    }
    const scrapeInterval = props.scrapeInterval ?? '15s';
    const scrapeIntervalMs = typeof scrapeInterval === 'string' ? parseGoDuration(scrapeInterval) : undefined;
    if (scrapeIntervalMs === undefined || scrapeIntervalMs <= 0) {
      throw new Error(`FlaggerDoctorValidation: properties.scrapeInterval is ${JSON.stringify(scrapeInterval)}; write a positive Go duration such as "15s" or "1m".`);
    }
    const failOn = props.failOn ?? FailOn.ERROR;
    if (!FAIL_ON.includes(failOn)) {
      throw new Error(`FlaggerDoctorValidation: properties.failOn is ${JSON.stringify(failOn)}; use one of ${FAIL_ON.join(', ')}.`);
    }
    this.scrapeIntervalMs = scrapeIntervalMs;
    this.failOn = failOn;
  }

  /**
   * Lints the manifests of `context` and submits the report; cdk8s-cli calls it after synthesis.
   *
   * @jsii ignore
   */
  public async validate(context: ValidationContextLike): Promise<void> {
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

    const findings = lint(objects, { scrapeIntervalMs: this.scrapeIntervalMs });
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
