import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { canaryDuration, checkNumber } from './internal/validate';

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

  private constructor(private readonly render: (scope: IConstruct, field: string) => flagger.CanarySpecAnalysisMetrics) {}

  /** @internal */
  public _toSpec(scope: IConstruct, field: string): flagger.CanarySpecAnalysisMetrics {
    return this.render(scope, field);
  }
}
