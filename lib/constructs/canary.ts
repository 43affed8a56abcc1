import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { CanaryAlert } from './alert-provider';
import { CanaryMetric } from './canary-metric';
import { CanaryRetryOptions, CorsPolicy, HeaderOperations, HttpRewrite, ServiceMetadata, SessionAffinity } from './canary-routing';
import { CanaryStrategy, CanaryStrategyKind } from './canary-strategy';
import { CanaryAutoscaler, CanaryTarget } from './canary-target';
import { CanaryWebhookContext, ICanaryWebhook } from './canary-webhook';
import { HttpMatch } from './http-match';
import { IIstioGateway } from './istio-gateway';
import { TrafficPolicy } from './traffic-policy';
import {
  renderCorsPolicy, renderHeaders, renderMetadata, renderRetries, renderRewrite, renderSessionAffinity, renderTrafficPolicy,
} from './internal/render-routing';
import {
  checkPortName, percentOrUndefined, rejectDuplicates, renderGateways, renderWebhook, resolveAutoscaler, resolveStrategy,
  resolveTarget, resolveTargetPort,
} from './internal/canary-parts';
import { addSynthLint } from './internal/synth-lint';
import { checkUrl } from './internal/urls';
import { canaryDuration, checkInteger, checkPort, invalidProp, istioDuration } from './internal/validate';

/** The analysis: how often Flagger checks, how many failures it tolerates, and what it measures. */
export interface CanaryAnalysisOptions {
  /**
   * Time between two checks and two traffic steps. At least 10s: Flagger never runs faster.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Failed checks, counted over the whole run, after which Flagger rolls back.
   *
   * @default 5
   */
  readonly threshold?: number;

  /**
   * Metric checks.
   *
   * @default - request-success-rate ≥ 99% and request-duration ≤ 500ms, each over 1m
   */
  readonly metrics?: CanaryMetric[];

  /**
   * Alerts to AlertProviders, each with its own severity.
   *
   * @default - none: Flagger's global alerting, if configured
   */
  readonly alerts?: CanaryAlert[];

  /**
   * Share of the primary's pods, in percent, that must be ready before Flagger goes on.
   *
   * @default - Flagger's 100
   */
  readonly primaryReadyThreshold?: number;

  /**
   * Share of the canary's pods, in percent, that must be ready before Flagger goes on.
   *
   * @default - Flagger's 100
   */
  readonly canaryReadyThreshold?: number;

  /**
   * Highest canary weight. Deprecated: use `strategy: CanaryStrategy.progressive({ maxWeight })`.
   *
   * @deprecated use `CanaryProps.strategy`
   * @default - see `strategy`
   */
  readonly maxWeight?: number;

  /**
   * Weight step. Deprecated: use `strategy: CanaryStrategy.progressive({ stepWeight })`.
   * It cannot be combined with `stepWeights`.
   *
   * @deprecated use `CanaryProps.strategy`
   * @default - see `strategy`
   */
  readonly stepWeight?: number;

  /**
   * Explicit weights. Deprecated: use `strategy: CanaryStrategy.weights([...])`.
   * It cannot be combined with `stepWeight` or `maxWeight`.
   *
   * @deprecated use `CanaryProps.strategy`
   * @default - see `strategy`
   */
  readonly stepWeights?: number[];
}

/** Properties of a `Canary`. */
export interface CanaryProps {
  /**
   * The workload Flagger takes over, e.g. `CanaryTarget.fromDeployment(deployment)`. It must live
   * in a namespace with sidecar injection.
   */
  readonly target: CanaryTarget;

  /**
   * The autoscaler of `target`, e.g. `CanaryAutoscaler.fromHorizontalPodAutoscaler(hpa)`. Flagger
   * creates a copy of it for the primary.
   *
   * @default - no autoscaler
   */
  readonly autoscaler?: CanaryAutoscaler;

  /**
   * How traffic moves to the new version.
   *
   * @default - CanaryStrategy.progressive(): up to 50% in steps of 10%, as in the tutorial
   */
  readonly strategy?: CanaryStrategy;

  /**
   * The analysis.
   *
   * @default - the tutorial's: every 1m, threshold 5, success rate and duration checks
   */
  readonly analysis?: CanaryAnalysisOptions;

  /**
   * Webhooks, e.g. `loadTester.acceptanceTest()`, `loadTester.loadTest()`, `CanaryWebhook.event(...)`.
   *
   * @default - none
   */
  readonly webhooks?: ICanaryWebhook[];

  /**
   * Keep a user on the canary, once routed there, for the rest of the run. Progressive strategies only.
   *
   * @default - none
   */
  readonly sessionAffinity?: SessionAffinity;

  /**
   * Weight, in percent, moved back to the primary per interval during promotion.
   *
   * @default - all at once, Flagger's default
   */
  readonly stepWeightPromotion?: number;

  /**
   * Promote without analysis: no metric checks and no webhooks. For emergencies.
   *
   * @default false
   */
  readonly skipAnalysis?: boolean;

  /**
   * When the Canary is deleted, give the workload and routing back as they were before Flagger
   * took over, instead of leaving the primary in place.
   *
   * @default false
   */
  readonly revertOnDeletion?: boolean;

  /**
   * Pause the Canary: Flagger starts no run and pauses the one in progress.
   *
   * @default false
   */
  readonly suspend?: boolean;

  /**
   * Time the canary workload may take to make progress before Flagger rolls back.
   *
   * @default Duration.seconds(60), as in the tutorial
   */
  readonly progressDeadline?: Duration;

  /**
   * Prometheus URL for this Canary's built-in metrics, instead of Flagger's `-metrics-server`.
   *
   * @default - Flagger's `-metrics-server`
   */
  readonly metricsServer?: string;

  /**
   * Port of the Services Flagger creates (`<name>`, `<name>-primary`, `<name>-canary`).
   *
   * @default 9898
   */
  readonly port?: number;

  /**
   * Container port number the Services forward to. It must be a port of `target`.
   *
   * @default - the same as `port`, unless `targetPortName` is set
   */
  readonly targetPort?: number;

  /**
   * Container port name the Services forward to, instead of `targetPort`.
   *
   * @default - none
   */
  readonly targetPortName?: string;

  /**
   * Name of the Services' port, e.g. "grpc" (Istio reads the protocol from it on old releases).
   *
   * @default - Flagger's "http"
   */
  readonly portName?: string;

  /**
   * Also route the target's other container ports through the Services Flagger creates.
   *
   * @default false
   */
  readonly portDiscovery?: boolean;

  /**
   * Gateways of Flagger's VirtualService (the tutorial's mode). Leave unset to use Istio
   * delegation, where a root VirtualService you own (see `IngressRoute`) delegates to the one
   * Flagger owns, and nothing of yours is overwritten.
   *
   * @default - delegation
   */
  readonly gateways?: IIstioGateway[];

  /**
   * Hosts of Flagger's VirtualService. Only with `gateways`.
   *
   * @default - none
   */
  readonly hosts?: string[];

  /**
   * With `gateways`: also route in-mesh traffic to the apex Service by weight, by adding the
   * `mesh` gateway. Flagger adds `mesh` only when no gateway is listed.
   *
   * @default true
   */
  readonly includeMesh?: boolean;

  /**
   * Conditions of the route, e.g. `[HttpMatch.uriPrefix('/api')]`; with delegation they must fit
   * the root VirtualService's match.
   *
   * @default - every request
   */
  readonly match?: HttpMatch[];

  /**
   * Rewrite of the URI or authority.
   *
   * @default - none
   */
  readonly rewrite?: HttpRewrite;

  /**
   * Timeout of each request through the route.
   *
   * @default - Istio's: none
   */
  readonly timeout?: Duration;

  /**
   * Istio retry policy.
   *
   * @default - 3 attempts, 1s each, on gateway-error, connect-failure and refused-stream
   */
  readonly retries?: CanaryRetryOptions;

  /**
   * Header changes of requests and responses.
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;

  /**
   * CORS policy.
   *
   * @default - none
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Traffic policy of the primary's and canary's DestinationRules. Unset, Istio's automatic mTLS
   * applies: mutual TLS between sidecars, which keeps working under a STRICT PeerAuthentication.
   * Flagger's tutorial sets `tls: { mode: TlsMode.DISABLE }`, which sends plain text and breaks
   * under STRICT mTLS; set it only for that tutorial's behaviour.
   *
   * @default - none: Istio's automatic mTLS and default load balancing
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Labels and annotations of the apex Service (and VirtualService).
   *
   * @default - none
   */
  readonly apexMetadata?: ServiceMetadata;

  /**
   * Labels and annotations of the `<name>-primary` Service.
   *
   * @default - none
   */
  readonly primaryMetadata?: ServiceMetadata;

  /**
   * Labels and annotations of the `<name>-canary` Service.
   *
   * @default - none
   */
  readonly canaryMetadata?: ServiceMetadata;
}

/**
 * A Flagger Canary (`flagger.app/v1beta1`) for a Deployment or DaemonSet on Istio.
 *
 * Everything it refers to is typed: the workload, the autoscaler, the Gateways, the strategy,
 * metrics, alerts and webhooks. Defaults are those of Flagger's Istio tutorial, except that every
 * metric window is 1m (a 30s window holds fewer than 4 samples of Istio's 15s Prometheus scrape
 * and flakes into "no values found") and that TLS is left to Istio's automatic mTLS.
 *
 * At synth time it runs `flagger-doctor lint` over the whole app: errors fail the synth with the
 * construct path of the object at fault, warnings are printed (see `LINT_CONTEXT_DISABLE`).
 * The Canary object itself is `ApiObject.of(canary)`, for escape hatches.
 */
export class Canary extends Construct {
  /** Name of the Canary, and of Flagger's apex Service and VirtualService. */
  public readonly name: string;
  /** Namespace of the Canary, its target and the Services Flagger creates. */
  public readonly namespace: string;
  /** Port of the Services Flagger creates. */
  public readonly port: number;
  /** Whether Flagger's VirtualService is a delegate of a root VirtualService. */
  public readonly delegation: boolean;
  /** Time between two checks. */
  public readonly interval: Duration;
  /** The strategy Flagger runs. */
  public readonly strategyKind: CanaryStrategyKind;
  /** Name of the apex Service Flagger creates, which routes by weight. */
  public readonly apexServiceName: string;
  /** Name of the Service Flagger creates for the primary (the current version). */
  public readonly primaryServiceName: string;
  /** Name of the Service Flagger creates for the canary (the new version). */
  public readonly canaryServiceName: string;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const target = resolveTarget(this, props.target);
    if (!target.namespace) {
      throw invalidProp(this, 'target.metadata.namespace', undefined, `create ${target.describe} with metadata.namespace set to a MeshNamespace's name.`);
    }
    this.name = target.name;
    this.namespace = target.namespace;
    this.apexServiceName = this.name;
    this.primaryServiceName = `${this.name}-primary`;
    this.canaryServiceName = `${this.name}-canary`;
    this.port = checkPort(this, 'port', props.port ?? 9898);
    const targetPort = resolveTargetPort(this, props, this.port, target);
    const autoscaler = props.autoscaler === undefined ? undefined : resolveAutoscaler(this, props.autoscaler, target);

    const analysis = props.analysis ?? {};
    this.interval = analysis.interval ?? Duration.minutes(1);
    // Flagger runs its scheduler no faster than every 10s, whatever the interval says.
    const interval = canaryDuration(this, 'analysis.interval', this.interval, 10);
    const threshold = checkInteger(this, 'analysis.threshold', analysis.threshold ?? 5, 1, 1000, 'failed checks before rollback');
    const metrics = (analysis.metrics ?? [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration()])
      .map((metric, index) => metric._toSpec(this, `analysis.metrics[${index}]`));
    const webhooks = this.bindWebhooks(props.webhooks ?? []);
    if (metrics.length === 0 && webhooks.length === 0 && !props.skipAnalysis) {
      throw invalidProp(this, 'analysis.metrics', [], 'list at least one metric (or add a webhook that checks the canary); with neither, Flagger promotes without checking anything.');
    }
    rejectDuplicates(this, 'analysis.metrics', metrics.map((metric) => metric.name), 'keep one');
    const alerts = (analysis.alerts ?? []).map((alert, index) => {
      if (!(alert instanceof CanaryAlert)) throw invalidProp(this, `analysis.alerts[${index}]`, String(alert), 'use CanaryAlert.to(provider, { severity }).');
      return alert._render(this, `analysis.alerts[${index}]`);
    });
    rejectDuplicates(this, 'analysis.alerts', alerts.map((alert) => alert.name), 'give each a distinct name option');

    this.delegation = props.gateways === undefined;
    const routing = renderGateways(this, props);
    const serviceMatch = (props.match ?? []).map((match, index) => {
      if (!(match instanceof HttpMatch)) throw invalidProp(this, `match[${index}]`, String(match), 'use HttpMatch.uriPrefix(...), HttpMatch.header(...) or HttpMatch.of({...}).');
      return match._render(this, `match[${index}]`, false);
    });
    const strategy = resolveStrategy(this, props, analysis);
    this.strategyKind = strategy.kind;
    const strategyAnalysis = strategy._render({
      scope: this,
      field: props.strategy ? 'strategy' : 'analysis',
      hasServiceMatch: serviceMatch.length > 0,
      meshRouted: this.delegation || (props.includeMesh ?? true),
    });
    if (props.sessionAffinity !== undefined) {
      if (strategy.kind !== CanaryStrategyKind.PROGRESSIVE) {
        throw invalidProp(this, 'sessionAffinity', props.sessionAffinity.cookieName,
          `Flagger applies session affinity to weighted routing only, and this strategy is ${strategy.kind}; use CanaryStrategy.progressive or weights, or drop sessionAffinity.`);
      }
      if (strategyAnalysis.mirror) {
        throw invalidProp(this, 'sessionAffinity', props.sessionAffinity.cookieName,
          'Flagger mirrors from the first route, which session affinity replaces with its cookie routes; drop mirror or sessionAffinity.');
      }
    }

    new flagger.Canary(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: target.kind as unknown as flagger.CanarySpecTargetRefKind, name: target.name },
        progressDeadlineSeconds: checkInteger(this, 'progressDeadline', (props.progressDeadline ?? Duration.seconds(60)).toSeconds(), 1, 86_400, 'seconds'),
        autoscalerRef: autoscaler && {
          apiVersion: autoscaler.apiVersion,
          kind: autoscaler.kind as unknown as flagger.CanarySpecAutoscalerRefKind,
          name: autoscaler.name,
          primaryScalerReplicas: autoscaler.primaryScalerReplicas,
        },
        metricsServer: props.metricsServer === undefined ? undefined : checkUrl(this, 'metricsServer', props.metricsServer),
        skipAnalysis: props.skipAnalysis,
        revertOnDeletion: props.revertOnDeletion,
        suspend: props.suspend,
        service: {
          port: this.port,
          portName: props.portName === undefined ? undefined : checkPortName(this, props.portName),
          targetPort,
          portDiscovery: props.portDiscovery,
          ...routing,
          match: serviceMatch.length > 0 ? serviceMatch as flagger.CanarySpecServiceMatch[] : undefined,
          rewrite: props.rewrite && renderRewrite(this, props.rewrite),
          timeout: props.timeout === undefined ? undefined : istioDuration(this, 'timeout', props.timeout),
          retries: renderRetries(this, props.retries ?? {}),
          headers: props.headers && renderHeaders(this, props.headers),
          corsPolicy: props.corsPolicy && renderCorsPolicy(this, props.corsPolicy),
          trafficPolicy: props.trafficPolicy && renderTrafficPolicy(this, props.trafficPolicy),
          apex: props.apexMetadata && renderMetadata(this, 'apexMetadata', props.apexMetadata),
          primary: props.primaryMetadata && renderMetadata(this, 'primaryMetadata', props.primaryMetadata),
          canary: props.canaryMetadata && renderMetadata(this, 'canaryMetadata', props.canaryMetadata),
        },
        analysis: {
          interval,
          threshold,
          ...strategyAnalysis as flagger.CanarySpecAnalysis,
          stepWeightPromotion: props.stepWeightPromotion === undefined ? undefined
            : checkInteger(this, 'stepWeightPromotion', props.stepWeightPromotion, 1, 100, 'a percentage'),
          primaryReadyThreshold: percentOrUndefined(this, 'analysis.primaryReadyThreshold', analysis.primaryReadyThreshold),
          canaryReadyThreshold: percentOrUndefined(this, 'analysis.canaryReadyThreshold', analysis.canaryReadyThreshold),
          sessionAffinity: props.sessionAffinity && renderSessionAffinity(this, props.sessionAffinity),
          metrics,
          alerts: alerts.length > 0 ? alerts : undefined,
          webhooks: webhooks.length > 0 ? webhooks : undefined,
        },
      },
    });
    for (const dependency of [target.construct, autoscaler?.construct]) {
      if (dependency) this.node.addDependency(dependency);
    }
    addSynthLint(this);
  }

  private bindWebhooks(sources: ICanaryWebhook[]): flagger.CanarySpecAnalysisWebhooks[] {
    const context: CanaryWebhookContext = {
      scope: this, serviceName: this.name, namespace: this.namespace, port: this.port, interval: this.interval,
    };
    const webhooks = sources.flatMap((source, index) => {
      if (!source || typeof source.bind !== 'function') {
        throw invalidProp(this, `webhooks[${index}]`, String(source), 'use a webhook builder: loadTester.loadTest(), CanaryWebhook.preRollout({...}), ...');
      }
      return source.bind(context).map((config) => renderWebhook(this, config));
    });
    rejectDuplicates(this, 'webhooks', webhooks.map((webhook) => webhook.name), 'give each a distinct name option');
    return webhooks;
  }
}
