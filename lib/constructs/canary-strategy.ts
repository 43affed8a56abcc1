import { HttpMatch } from './http-match';
import { StrategyAnalysis, StrategyContext } from './internal/specs';
import { checkInteger, invalidProp } from './internal/validate';

/** The deployment strategies of Flagger on Istio. */
export enum CanaryStrategyKind {
  /** Progressive traffic shifting by weight (`stepWeight`/`maxWeight` or `stepWeights`). */
  PROGRESSIVE = 'progressive',
  /** A/B testing: matching requests go to the canary for a number of iterations (`match` + `iterations`). */
  AB_TESTING = 'abTesting',
  /** Blue/green: the canary is tested for a number of iterations, then traffic switches (`iterations`). */
  BLUE_GREEN = 'blueGreen',
}

/** Traffic mirroring (Istio shadowing) for a progressive or blue/green strategy. */
export interface TrafficMirrorOptions {
  /**
   * Mirror live requests to the canary; the canary's responses are discarded. With weights, Flagger
   * mirrors for one interval before it shifts any traffic; with blue/green, for every iteration.
   * Use it only for idempotent requests: each one is handled twice.
   *
   * @default false
   */
  readonly mirror?: boolean;

  /**
   * Share of the requests mirrored, in percent. Only with `mirror`.
   *
   * @default - 100, Flagger's default
   */
  readonly mirrorWeight?: number;
}

/** Options of `CanaryStrategy.progressive`. */
export interface ProgressiveOptions extends TrafficMirrorOptions {
  /**
   * Highest share of traffic, in percent, routed to the canary before promotion.
   *
   * @default 50
   */
  readonly maxWeight?: number;

  /**
   * Traffic share, in percent, added at each step. It must divide `maxWeight`, or the last step
   * overshoots it; use `CanaryStrategy.weights` for uneven steps.
   *
   * @default 10
   */
  readonly stepWeight?: number;
}

/** Options of `CanaryStrategy.abTesting`. */
export interface AbTestingOptions {
  /** Number of checks, one per interval, before promotion. */
  readonly iterations: number;

  /**
   * The requests routed to the canary: any one of these conditions, e.g.
   * `[HttpMatch.header('x-canary', StringMatch.exact('insider')), HttpMatch.cookie('canary', 'always')]`.
   */
  readonly match: HttpMatch[];
}

/** Options of `CanaryStrategy.blueGreen`. */
export interface BlueGreenOptions extends TrafficMirrorOptions {
  /** Number of checks, one per interval, before traffic switches to the new version. */
  readonly iterations: number;
}

/** Options of `CanaryStrategy.mirroring`. */
export interface MirroringOptions {
  /** Number of checks, one per interval, while traffic is mirrored. */
  readonly iterations: number;

  /**
   * Share of the requests mirrored, in percent.
   *
   * @default - 100, Flagger's default
   */
  readonly mirrorWeight?: number;
}

type Render = (context: StrategyContext) => StrategyAnalysis;

/**
 * How Flagger moves traffic to the new version, as a factory per strategy, so that only the
 * combinations Flagger supports can be written: `match` always comes with `iterations`, mirroring
 * never with A/B testing.
 */
export class CanaryStrategy {
  /**
   * Progressive traffic shifting in equal steps: `stepWeight` percent more every interval, up to
   * `maxWeight`, then promotion. The tutorial's strategy.
   */
  public static progressive(options: ProgressiveOptions = {}): CanaryStrategy {
    return new CanaryStrategy(CanaryStrategyKind.PROGRESSIVE, (context) => {
      const maxWeight = checkInteger(context.scope, `${context.field}.maxWeight`, options.maxWeight ?? 50, 1, 100, 'a percentage');
      const stepWeight = checkInteger(context.scope, `${context.field}.stepWeight`, options.stepWeight ?? 10, 1, 100, 'a percentage');
      if (stepWeight > maxWeight) {
        throw invalidProp(context.scope, `${context.field}.stepWeight`, stepWeight, `it must not exceed maxWeight (${maxWeight}).`);
      }
      if (maxWeight % stepWeight !== 0) {
        throw invalidProp(context.scope, `${context.field}.stepWeight`, stepWeight,
          `it does not divide maxWeight (${maxWeight}), so the last step overshoots to ${Math.ceil(maxWeight / stepWeight) * stepWeight}%; pick a divisor of ${maxWeight}, or use CanaryStrategy.weights([...]).`);
      }
      return { maxWeight, stepWeight, ...renderMirror(context, options) };
    });
  }

  /**
   * Progressive traffic shifting through explicit, strictly increasing weights, e.g.
   * `[1, 5, 10, 25, 50]`, then promotion.
   */
  public static weights(stepWeights: number[], options: TrafficMirrorOptions = {}): CanaryStrategy {
    return new CanaryStrategy(CanaryStrategyKind.PROGRESSIVE, (context) => {
      const field = `${context.field}.stepWeights`;
      if (!Array.isArray(stepWeights) || stepWeights.length === 0) {
        throw invalidProp(context.scope, field, stepWeights, 'list at least one weight, e.g. [1, 5, 10, 20, 50].');
      }
      stepWeights.forEach((weight, index) => {
        checkInteger(context.scope, `${field}[${index}]`, weight, 1, 100, 'a percentage');
        if (index > 0 && weight <= stepWeights[index - 1]) {
          throw invalidProp(context.scope, field, stepWeights, 'weights must increase strictly; Flagger stalls on a step that does not.');
        }
      });
      return { stepWeights: [...stepWeights], ...renderMirror(context, options) };
    });
  }

  /**
   * A/B testing: requests matching any of `match` go to the canary, the rest to the primary, for
   * `iterations` intervals; then promotion. Use it when users must stay on one version.
   */
  public static abTesting(options: AbTestingOptions): CanaryStrategy {
    return new CanaryStrategy(CanaryStrategyKind.AB_TESTING, (context) => {
      const iterations = checkIterations(context, options?.iterations);
      const match = options?.match;
      if (!Array.isArray(match) || match.length === 0) {
        throw invalidProp(context.scope, `${context.field}.match`, match, 'list the requests that go to the canary, e.g. [HttpMatch.header("x-canary", StringMatch.exact("insider")), HttpMatch.cookie("canary", "always")].');
      }
      const rendered = match.map((condition, index) => {
        const field = `${context.field}.match[${index}]`;
        if (!(condition instanceof HttpMatch)) {
          throw invalidProp(context.scope, field, condition, 'use HttpMatch.header(...), HttpMatch.cookie(...), HttpMatch.queryParam(...) or HttpMatch.sourceLabels(...).');
        }
        if (condition._hasQueryParams && context.hasServiceMatch) {
          throw invalidProp(context.scope, `${field}.queryParams`, Object.keys(condition.options.queryParams ?? {}),
            'Flagger merges only headers and sourceLabels of A/B conditions into the Canary\'s match, so these query conditions would be dropped; match on a header or cookie, or remove the Canary\'s match.');
        }
        if (condition._hasSourceLabels && !context.meshRouted) {
          throw invalidProp(context.scope, `${field}.sourceLabels`, condition.options.sourceLabels,
            'Istio applies source labels only to in-mesh traffic, and Flagger\'s VirtualService is bound to gateways without the mesh; set includeMesh: true, or match on a header.');
        }
        return condition._render(context.scope, field, true);
      });
      return { iterations, match: rendered };
    });
  }

  /**
   * Blue/green: the canary is tested (webhooks, metrics) for `iterations` intervals without live
   * traffic, unless `mirror` copies it; then all traffic switches to it and it is promoted.
   */
  public static blueGreen(options: BlueGreenOptions): CanaryStrategy {
    return new CanaryStrategy(CanaryStrategyKind.BLUE_GREEN, (context) => ({
      iterations: checkIterations(context, options?.iterations),
      ...renderMirror(context, options ?? { iterations: 0 }),
    }));
  }

  /**
   * Blue/green with traffic mirroring (Istio's "traffic shadowing"): for `iterations` intervals
   * every request, or `mirrorWeight` percent of them, is also sent to the canary and its response
   * discarded, so its metrics are measured on live traffic. The same as
   * `blueGreen({ iterations, mirror: true, mirrorWeight })`.
   */
  public static mirroring(options: MirroringOptions): CanaryStrategy {
    return CanaryStrategy.blueGreen({ iterations: options?.iterations, mirror: true, mirrorWeight: options?.mirrorWeight });
  }

  private constructor(
    /** The strategy Flagger will run. */
    public readonly kind: CanaryStrategyKind,
    private readonly render: Render,
  ) {}

  /** @internal */
  public _render(context: StrategyContext): StrategyAnalysis {
    return this.render(context);
  }
}

function checkIterations(context: StrategyContext, iterations: number | undefined): number {
  if (iterations === undefined) {
    throw invalidProp(context.scope, `${context.field}.iterations`, iterations, 'give the number of checks before promotion, e.g. 10.');
  }
  return checkInteger(context.scope, `${context.field}.iterations`, iterations, 1, 1000, 'checks before promotion');
}

function renderMirror(context: StrategyContext, options: TrafficMirrorOptions): Pick<StrategyAnalysis, 'mirror' | 'mirrorWeight'> {
  if (options.mirrorWeight !== undefined && !options.mirror) {
    throw invalidProp(context.scope, `${context.field}.mirrorWeight`, options.mirrorWeight, 'it applies only with mirror: true; set mirror, or drop mirrorWeight.');
  }
  if (!options.mirror) return {};
  const mirrorWeight = options.mirrorWeight === undefined ? undefined
    : checkInteger(context.scope, `${context.field}.mirrorWeight`, options.mirrorWeight, 1, 100, 'a percentage; Flagger reads 0 as 100');
  return { mirror: true, mirrorWeight };
}
