import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { CanaryAlert } from './alert-provider';
import { CanaryMetric } from './canary-metric';
import { CanaryRetryOptions, CorsPolicy, HeaderOperations, HttpRewrite, ServiceMetadata, SessionAffinity, TrafficPolicy } from './canary-routing';
import { CanaryStrategy, CanaryStrategyKind } from './canary-strategy';
import { CanaryAutoscaler, CanaryTarget, CanaryTargetKind } from './canary-target';
import { CanaryWebhookConfig, CanaryWebhookContext, ICanaryWebhook, WebhookType } from './canary-webhook';
import { HttpMatch } from './http-match';
import { IIstioGateway } from './istio-gateway';
import {
  renderCorsPolicy, renderHeaders, renderMetadata, renderRetries, renderRewrite, renderSessionAffinity, renderTrafficPolicy,
} from './internal/render-routing';
import { ResolvedAutoscaler, ResolvedTarget } from './internal/specs';
import { addSynthLint } from './internal/synth-lint';
import { checkUrl } from './internal/urls';
import { canaryDuration, checkHostname, checkInteger, checkPort, invalidProp, istioDuration } from './internal/validate';

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
    const targetPort = resolveTargetPort(this, props, target);
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

/** JavaScript callers of the first release passed the cdk8s-plus workload itself; it is still accepted. */
function resolveTarget(scope: Canary, target: CanaryTarget): ResolvedTarget {
  const value = target as unknown;
  if (value instanceof kplus.Deployment) return CanaryTarget.fromDeployment(value)._resolve(scope);
  if (value instanceof kplus.DaemonSet) return CanaryTarget.fromDaemonSet(value)._resolve(scope);
  if (!(value instanceof CanaryTarget)) {
    throw invalidProp(scope, 'target', value === undefined ? undefined : String(value),
      'pass the workload Flagger should take over, e.g. CanaryTarget.fromDeployment(podinfo.deployment).');
  }
  return value._resolve(scope);
}

function resolveAutoscaler(scope: Canary, autoscaler: CanaryAutoscaler, target: ResolvedTarget): ResolvedAutoscaler {
  const value = autoscaler as unknown;
  const resolved = value instanceof kplus.HorizontalPodAutoscaler ? CanaryAutoscaler.fromHorizontalPodAutoscaler(value)._resolve(scope)
    : value instanceof CanaryAutoscaler ? value._resolve(scope)
      : undefined;
  if (!resolved) {
    throw invalidProp(scope, 'autoscaler', String(value), 'use CanaryAutoscaler.fromHorizontalPodAutoscaler(hpa), fromApiObject(object) or fromName({...}).');
  }
  if (target.kind === CanaryTargetKind.DAEMON_SET) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, 'a DaemonSet runs one pod per node and has no autoscaler; drop it.');
  }
  if (resolved.scalesConstruct && target.construct && resolved.scalesConstruct !== target.construct) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `that autoscaler scales ${resolved.scalesConstruct.node.path}; pass the one whose target is ${target.describe}.`);
  }
  if (resolved.scales && (resolved.scales.name !== target.name || (resolved.scales.kind && resolved.scales.kind !== target.kind))) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `that autoscaler scales ${resolved.scales.kind} ${resolved.scales.name}; pass the one whose target is ${target.describe}.`);
  }
  if (resolved.namespace !== undefined && resolved.namespace !== target.namespace) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `it is in namespace ${resolved.namespace}, the target in ${target.namespace}; Flagger looks for it beside the Canary.`);
  }
  return resolved;
}

function resolveStrategy(scope: Canary, props: CanaryProps, analysis: CanaryAnalysisOptions): CanaryStrategy {
  const legacy = { maxWeight: analysis.maxWeight, stepWeight: analysis.stepWeight, stepWeights: analysis.stepWeights };
  const legacyFields = Object.entries(legacy).filter(([, value]) => value !== undefined).map(([key]) => key);
  if (props.strategy !== undefined) {
    if (!(props.strategy instanceof CanaryStrategy)) {
      throw invalidProp(scope, 'strategy', String(props.strategy), 'use a CanaryStrategy factory, e.g. CanaryStrategy.progressive({ stepWeight: 10, maxWeight: 50 }).');
    }
    if (legacyFields.length > 0) {
      throw invalidProp(scope, `analysis.${legacyFields[0]}`, (legacy as Record<string, unknown>)[legacyFields[0]], 'the strategy sets the weights; move them into it and drop analysis.maxWeight, stepWeight and stepWeights.');
    }
    return props.strategy;
  }
  if (legacy.stepWeights !== undefined) {
    if (legacy.stepWeight !== undefined || legacy.maxWeight !== undefined) {
      throw invalidProp(scope, 'analysis.stepWeights', legacy.stepWeights, 'set either stepWeights, or stepWeight and maxWeight, not both.');
    }
    return CanaryStrategy.weights(legacy.stepWeights);
  }
  return CanaryStrategy.progressive({ maxWeight: legacy.maxWeight, stepWeight: legacy.stepWeight });
}

function resolveTargetPort(scope: Canary, props: CanaryProps, target: ResolvedTarget): number | string {
  const value = props.targetPort as unknown;
  if (typeof value === 'string') {
    throw invalidProp(scope, 'targetPort', value, `a port name goes in targetPortName: "${value}".`);
  }
  if (props.targetPort !== undefined && props.targetPortName !== undefined) {
    throw invalidProp(scope, 'targetPortName', props.targetPortName, 'set targetPort or targetPortName, not both.');
  }
  const targetPort: number | string = props.targetPortName ?? props.targetPort ?? scope.port;
  const field = props.targetPortName !== undefined ? 'targetPortName' : 'targetPort';
  if (typeof targetPort === 'number') checkPort(scope, field, targetPort);
  const ports = target.ports;
  if (ports === undefined) return targetPort;
  if (ports.length === 0) {
    throw invalidProp(scope, field, targetPort, `${target.describe} declares no container ports; give its container a port (e.g. ports: [{ name: 'http', number: 9898 }]) for the Services Flagger creates.`);
  }
  const known = ports.map((port) => `${port.number}${port.name ? ` (${port.name})` : ''}`).join(', ');
  if (!ports.some((port) => (typeof targetPort === 'number' ? port.number === targetPort : port.name === targetPort))) {
    throw invalidProp(scope, field, targetPort, `${target.describe} exposes ${known}; use one of those${typeof targetPort === 'string' ? ' names' : ''}.`);
  }
  return targetPort;
}

function renderGateways(scope: Canary, props: CanaryProps): Pick<flagger.CanarySpecService, 'delegation' | 'gateways' | 'hosts'> {
  if (props.gateways === undefined) {
    if (props.hosts !== undefined) {
      throw invalidProp(scope, 'hosts', props.hosts, 'hosts need gateways; with delegation (no gateways) put the hosts on the root VirtualService (IngressRoute) instead.');
    }
    if (props.includeMesh !== undefined) {
      throw invalidProp(scope, 'includeMesh', props.includeMesh, 'includeMesh applies only with gateways; with delegation set it on the IngressRoute.');
    }
    return { delegation: true };
  }
  if (props.gateways.length === 0) {
    throw invalidProp(scope, 'gateways', [], 'list at least one IstioGateway, or leave gateways unset to use delegation.');
  }
  const hosts = props.hosts ?? [];
  if (hosts.length === 0) {
    throw invalidProp(scope, 'hosts', props.hosts, 'list the hosts the gateways serve, e.g. ["app.example.com"].');
  }
  hosts.forEach((host, index) => checkHostname(scope, `hosts[${index}]`, host));
  const gateways = props.gateways.map((gateway) => gateway.reference);
  if (props.includeMesh ?? true) gateways.push('mesh');
  return { gateways, hosts: [...hosts] };
}

function renderWebhook(scope: Canary, config: CanaryWebhookConfig): flagger.CanarySpecAnalysisWebhooks {
  const field = `webhooks["${config.name}"]`;
  if (typeof config.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/.test(config.name)) {
    throw invalidProp(scope, 'webhooks', config.name, 'name each webhook with up to 63 letters, digits, spaces, ".", "_" and "-".');
  }
  if (!Object.values(WebhookType).includes(config.type)) {
    throw invalidProp(scope, `${field}.type`, config.type, `use a WebhookType: ${Object.values(WebhookType).join(', ')}.`);
  }
  const metadata = config.metadata;
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== 'string') {
      throw invalidProp(scope, `${field}.metadata["${key}"]`, value, `Flagger's CRD takes only strings; write ${JSON.stringify(String(value))}.`);
    }
  }
  return {
    name: config.name,
    type: config.type as unknown as flagger.CanarySpecAnalysisWebhooksType,
    url: checkUrl(scope, `${field}.url`, config.url),
    timeout: config.timeout === undefined ? undefined : canaryDuration(scope, `${field}.timeout`, config.timeout),
    retries: config.retries === undefined ? undefined : checkInteger(scope, `${field}.retries`, config.retries, 0, 100),
    muteAlert: config.muteAlert,
    disableTls: config.disableTls,
    metadata: metadata && Object.keys(metadata).length > 0 ? { ...metadata } : undefined,
  };
}

function checkPortName(scope: Canary, name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15) {
    throw invalidProp(scope, 'portName', name, 'use an IANA service name: at most 15 lowercase letters, digits and "-", e.g. "http" or "grpc".');
  }
  return name;
}

function percentOrUndefined(scope: Canary, field: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkInteger(scope, field, value, 1, 100, 'a percentage');
}

function rejectDuplicates(scope: Canary, field: string, names: string[], fix: string): void {
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw invalidProp(scope, field, names, `"${duplicate}" is listed twice; ${fix}.`);
}
