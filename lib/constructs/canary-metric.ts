import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { IMetricTemplate } from './metric-template';
import { readQueryTemplate } from './internal/template-query';
import { canaryDuration, checkNumber, invalidProp } from './internal/validate';

/** Options shared by the built-in metrics. */
export interface MetricWindowOptions {
  /**
   * Window of the Prometheus query. Keep it at least 4 Prometheus scrapes long: with Istio's 15s
   * scrape, a 30s window often holds fewer than two samples per series, the rate query returns
   * nothing, and Flagger halts with "no values found for istio metric".
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/** Options of `CanaryMetric.requestSuccessRate`. */
export interface RequestSuccessRateOptions extends MetricWindowOptions {
  /**
   * Lowest share of non-5xx responses, in percent, for a check to pass.
   *
   * @default 99
   */
  readonly min?: number;
}

/** Options of `CanaryMetric.requestDuration`. */
export interface RequestDurationOptions extends MetricWindowOptions {
  /**
   * Highest P99 request duration for a check to pass.
   *
   * @default Duration.millis(500)
   */
  readonly max?: Duration;
}

/** The accepted range of a metric's value; a check fails outside it. */
export interface ThresholdRange {
  /**
   * Lowest accepted value.
   *
   * @default - no lower bound
   */
  readonly min?: number;

  /**
   * Highest accepted value.
   *
   * @default - no upper bound
   */
  readonly max?: number;
}

/** Options of `CanaryMetric.fromTemplate`. */
export interface TemplateMetricOptions extends MetricWindowOptions {
  /**
   * Name of the check in the analysis and in Flagger's events.
   *
   * @default - the MetricTemplate's name
   */
  readonly name?: string;

  /**
   * The accepted values. At least one bound is required: without a range Flagger compares with a
   * threshold of 0 and fails every positive value.
   */
  readonly thresholdRange: ThresholdRange;

  /**
   * Values of the `{{ variables.<name> }}` the template's query uses. When the query is known,
   * every variable it reads must be declared here, and every one declared here must be read.
   *
   * @default - none
   */
  readonly templateVariables?: { [name: string]: string };
}

/**
 * A metric check of the canary analysis. The built-ins always carry a threshold: without one,
 * Flagger's request-duration check always fails and request-success-rate always passes.
 */
export class CanaryMetric {
  /** Flagger's built-in `request-success-rate`: the share of non-5xx responses, in percent. */
  public static requestSuccessRate(options: RequestSuccessRateOptions = {}): CanaryMetric {
    return new CanaryMetric((scope, field) => ({
      name: 'request-success-rate',
      thresholdRange: { min: checkNumber(scope, `${field}.min`, options.min ?? 99, 0, 100, 'a percentage') },
      interval: canaryDuration(scope, `${field}.interval`, options.interval ?? Duration.minutes(1)),
    }));
  }

  /** Flagger's built-in `request-duration`: the P99 latency, in milliseconds. */
  public static requestDuration(options: RequestDurationOptions = {}): CanaryMetric {
    return new CanaryMetric((scope, field) => {
      const max = options.max ?? Duration.millis(500);
      const ms = max instanceof Duration ? max.toMilliseconds() : NaN;
      return {
        name: 'request-duration',
        thresholdRange: { max: checkNumber(scope, `${field}.max`, ms, 1, 3_600_000, 'milliseconds, e.g. Duration.millis(500)') },
        interval: canaryDuration(scope, `${field}.interval`, options.interval ?? Duration.minutes(1)),
      };
    });
  }

  /**
   * A check of a `MetricTemplate` (Flagger's `templateRef`), with its accepted range, window and
   * template variables. The template's namespace is written out, so the check does not depend on
   * where the Canary lives.
   */
  public static fromTemplate(template: IMetricTemplate, options: TemplateMetricOptions): CanaryMetric {
    return new CanaryMetric((scope, field) => {
      if (!template || typeof template.name !== 'string' || typeof template.namespace !== 'string') {
        throw invalidProp(scope, `${field}.template`, template === undefined ? undefined : String(template), 'pass a MetricTemplate, or MetricTemplate.fromName(scope, id, { namespace, name }) for one another team owns.');
      }
      const name = options?.name ?? template.name;
      if (typeof name !== 'string' || name.trim() === '') throw invalidProp(scope, `${field}.name`, name, 'give the check a name.');
      const range = options?.thresholdRange ?? {};
      if (range.min === undefined && range.max === undefined) {
        throw invalidProp(scope, `${field}.thresholdRange`, options?.thresholdRange, 'give min, max or both; without a range Flagger fails every positive value.');
      }
      const min = range.min === undefined ? undefined : checkNumber(scope, `${field}.thresholdRange.min`, range.min, -Number.MAX_VALUE, Number.MAX_VALUE);
      const max = range.max === undefined ? undefined : checkNumber(scope, `${field}.thresholdRange.max`, range.max, -Number.MAX_VALUE, Number.MAX_VALUE);
      if (min !== undefined && max !== undefined && min > max) {
        throw invalidProp(scope, `${field}.thresholdRange`, range, 'min must not exceed max, or every check fails.');
      }
      const variables = options?.templateVariables;
      checkTemplateVariables(scope, `${field}.templateVariables`, template, variables);
      return {
        name,
        templateRef: { name: template.name, namespace: template.namespace },
        thresholdRange: { min, max },
        interval: canaryDuration(scope, `${field}.interval`, options?.interval ?? Duration.minutes(1)),
        templateVariables: variables && Object.keys(variables).length > 0 ? { ...variables } : undefined,
      };
    });
  }

  private constructor(private readonly render: (scope: IConstruct, field: string) => flagger.CanarySpecAnalysisMetrics) {}

  /** @internal */
  public _toSpec(scope: IConstruct, field: string): flagger.CanarySpecAnalysisMetrics {
    return this.render(scope, field);
  }
}

function checkTemplateVariables(scope: IConstruct, field: string, template: IMetricTemplate, variables: { [name: string]: string } | undefined): void {
  const declared = Object.keys(variables ?? {});
  for (const name of declared) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw invalidProp(scope, `${field}["${name}"]`, name, 'Go templates read {{ variables.<name> }} only for names of letters, digits and "_" that do not start with a digit.');
    }
    if (typeof variables![name] !== 'string') {
      throw invalidProp(scope, `${field}["${name}"]`, variables![name], 'template variables are strings; quote the value.');
    }
  }
  if (template.query === undefined) return;
  const used = readQueryTemplate(template.query).variables;
  const missing = used.filter((name) => !declared.includes(name));
  if (missing.length > 0) {
    throw invalidProp(scope, field, variables ?? {},
      `the query of ${template.node.path} reads {{ variables.${missing[0]} }}, and Flagger fails the check on a variable it does not have; declare ${missing.map((name) => `"${name}"`).join(', ')}.`);
  }
  const unused = declared.filter((name) => !used.includes(name));
  if (unused.length > 0) {
    throw invalidProp(scope, `${field}["${unused[0]}"]`, variables![unused[0]],
      `the query of ${template.node.path} never reads {{ variables.${unused[0]} }}${used.length ? ` (it reads ${used.join(', ')})` : ''}; fix the name or remove it.`);
  }
}
