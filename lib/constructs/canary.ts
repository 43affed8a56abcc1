import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { CanaryMetric } from './canary-metric';
import { CanaryWebhookContext, ICanaryWebhook } from './canary-webhook';
import { IstioGateway } from './istio-gateway';
import { addSynthLint } from './internal/synth-lint';
import { canaryDuration, checkDnsLabel, checkHostname, checkInteger, checkPort, goDuration, invalidProp } from './internal/validate';

/** The analysis: how often Flagger checks, how far it shifts traffic, and what it measures. */
export interface CanaryAnalysisOptions {
  /**
   * Time between two checks and two weight steps. At least 10s: Flagger never runs faster.
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
   * Highest share of traffic, in percent, routed to the canary before promotion.
   *
   * @default 50
   */
  readonly maxWeight?: number;

  /**
   * Traffic share, in percent, added at each step. Ignored when `stepWeights` is set.
   *
   * @default 10
   */
  readonly stepWeight?: number;

  /**
   * Explicit, strictly increasing weights, instead of `stepWeight` and `maxWeight`.
   *
   * @default - steps of `stepWeight` up to `maxWeight`
   */
  readonly stepWeights?: number[];

  /**
   * Metric checks.
   *
   * @default - request-success-rate ≥ 99% and request-duration ≤ 500ms, each over 1m
   */
  readonly metrics?: CanaryMetric[];
}

/** Istio retry policy of the generated VirtualService. */
export interface CanaryRetryOptions {
  /**
   * @default 3
   */
  readonly attempts?: number;
  /**
   * @default Duration.seconds(1)
   */
  readonly perTryTimeout?: Duration;
  /**
   * @default "gateway-error,connect-failure,refused-stream"
   */
  readonly retryOn?: string;
}

/** Properties of a `Canary`. */
export interface CanaryProps {
  /** The Deployment Flagger takes over. It must live in a namespace with sidecar injection. */
  readonly target: kplus.Deployment;

  /**
   * The HPA that scales `target`. Flagger creates a copy of it for the primary.
   *
   * @default - no autoscaler
   */
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;

  /**
   * Port of the Services Flagger creates (`<name>`, `<name>-primary`, `<name>-canary`).
   *
   * @default 9898
   */
  readonly port?: number;

  /**
   * Container port, by number or name, the Services forward to. It must be a port of `target`.
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number | string;

  /**
   * Gateways of Flagger's VirtualService (the tutorial's mode). Leave unset to use Istio
   * delegation, where a root VirtualService you own (see `IngressRoute`) delegates to the one
   * Flagger owns, and nothing of yours is overwritten.
   *
   * @default - delegation
   */
  readonly gateways?: IstioGateway[];

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
   * Time the canary Deployment may take to make progress before Flagger rolls back.
   *
   * @default Duration.seconds(60), as in the tutorial
   */
  readonly progressDeadline?: Duration;

  /**
   * The analysis.
   *
   * @default - the tutorial's: every 1m, threshold 5, up to 50% in steps of 10%
   */
  readonly analysis?: CanaryAnalysisOptions;

  /**
   * Webhooks, typically `loadTester.acceptanceTest()` and `loadTester.loadTest()`.
   *
   * @default - none
   */
  readonly webhooks?: ICanaryWebhook[];

  /**
   * TLS mode of the traffic policy. Use `ISTIO_MUTUAL` when mTLS is enforced.
   *
   * @default "DISABLE"
   */
  readonly tlsMode?: 'DISABLE' | 'ISTIO_MUTUAL';

  /**
   * Istio retry policy.
   *
   * @default - 3 attempts, 1s each, on gateway-error, connect-failure and refused-stream
   */
  readonly retries?: CanaryRetryOptions;
}

/**
 * A Flagger Canary (`flagger.app/v1beta1`) for a Deployment on Istio.
 *
 * Everything it refers to is a construct: the Deployment, the HPA, the Gateways, the webhooks.
 * Defaults are those of Flagger's Istio tutorial, except that every metric window is 1m: a 30s
 * window holds fewer than 4 samples of Istio's 15s Prometheus scrape and flakes into
 * "no values found".
 *
 * At synth time it runs `flagger-doctor lint` over the whole app: errors fail the synth with the
 * construct path of the object at fault, warnings are printed (see `LINT_CONTEXT_DISABLE`).
 */
export class Canary extends Construct {
  /** Name of the Canary, and of Flagger's apex Service and VirtualService. */
  public readonly name: string;
  public readonly namespace: string;
  public readonly port: number;
  /** Whether Flagger's VirtualService is a delegate of a root VirtualService. */
  public readonly delegation: boolean;
  public readonly interval: Duration;
  public readonly apiObject: flagger.Canary;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const target = props.target;
    if (!target || typeof target !== 'object' || !Array.isArray(target.containers) || !target.metadata) {
      throw invalidProp(this, 'target', target === undefined ? undefined : String(target), 'pass the cdk8s-plus-25 Deployment Flagger should take over, e.g. podinfo.deployment.');
    }
    const namespace = target.metadata.namespace;
    if (!namespace) {
      throw invalidProp(this, 'target.metadata.namespace', namespace, 'create the target Deployment with metadata.namespace set to a MeshNamespace\'s name.');
    }
    this.name = checkDnsLabel(this, 'target.name', target.name);
    this.namespace = namespace;
    this.port = checkPort(this, 'port', props.port ?? 9898);
    const targetPort = props.targetPort ?? this.port;
    checkTargetPort(this, target, targetPort);
    if (props.autoscaler && props.autoscaler.target !== target) {
      throw invalidProp(this, 'autoscaler', props.autoscaler.node.path,
        `that HPA scales another workload; pass the HPA whose target is ${target.node.path}.`);
    }

    const analysis = props.analysis ?? {};
    this.interval = analysis.interval ?? Duration.minutes(1);
    // Flagger runs its scheduler no faster than every 10s, whatever the interval says.
    const interval = canaryDuration(this, 'analysis.interval', this.interval, 10);
    const threshold = checkInteger(this, 'analysis.threshold', analysis.threshold ?? 5, 1, 1000, 'failed checks before rollback');
    const weights = renderWeights(this, analysis);
    const metrics = (analysis.metrics ?? [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration()])
      .map((metric, index) => metric._toSpec(this, `analysis.metrics[${index}]`));
    const hasRolloutWebhook = (props.webhooks ?? []).length > 0;
    if (metrics.length === 0 && !hasRolloutWebhook) {
      throw invalidProp(this, 'analysis.metrics', [], 'list at least one metric (or add a webhook that checks the canary); with neither, Flagger promotes without checking anything.');
    }
    const metricNames = metrics.map((metric) => metric.name);
    const duplicate = metricNames.find((name, index) => metricNames.indexOf(name) !== index);
    if (duplicate) throw invalidProp(this, 'analysis.metrics', metricNames, `"${duplicate}" is listed twice; keep one.`);

    this.delegation = props.gateways === undefined;
    const routing = renderRouting(this, props);

    const context: CanaryWebhookContext = {
      scope: this, serviceName: this.name, namespace: this.namespace, port: this.port, interval: this.interval,
    };
    const webhooks = (props.webhooks ?? []).flatMap((webhook) => webhook.bind(context));
    const webhookNames = webhooks.map((webhook) => webhook.name);
    const duplicateWebhook = webhookNames.find((name, index) => webhookNames.indexOf(name) !== index);
    if (duplicateWebhook) {
      throw invalidProp(this, 'webhooks', webhookNames, `two webhooks are named "${duplicateWebhook}"; give each a distinct name option.`);
    }

    const tlsMode = props.tlsMode ?? 'DISABLE';
    if (!Object.values(flagger.CanarySpecServiceTrafficPolicyTlsMode).includes(tlsMode as flagger.CanarySpecServiceTrafficPolicyTlsMode)) {
      throw invalidProp(this, 'tlsMode', tlsMode, 'use "DISABLE", or "ISTIO_MUTUAL" when the mesh enforces mTLS.');
    }
    const retries = props.retries ?? {};
    this.apiObject = new flagger.Canary(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: flagger.CanarySpecTargetRefKind.DEPLOYMENT, name: target.name },
        progressDeadlineSeconds: checkInteger(this, 'progressDeadline', (props.progressDeadline ?? Duration.seconds(60)).toSeconds(), 1, 86_400, 'seconds'),
        autoscalerRef: props.autoscaler && {
          apiVersion: 'autoscaling/v2',
          kind: flagger.CanarySpecAutoscalerRefKind.HORIZONTAL_POD_AUTOSCALER,
          name: props.autoscaler.name,
        },
        service: {
          port: this.port,
          targetPort,
          ...routing,
          trafficPolicy: { tls: { mode: tlsMode as flagger.CanarySpecServiceTrafficPolicyTlsMode } },
          retries: {
            attempts: checkInteger(this, 'retries.attempts', retries.attempts ?? 3, 0, 100),
            perTryTimeout: goDuration(this, 'retries.perTryTimeout', retries.perTryTimeout ?? Duration.seconds(1)),
            retryOn: retries.retryOn ?? 'gateway-error,connect-failure,refused-stream',
          },
        },
        analysis: { interval, threshold, ...weights, metrics, webhooks: webhooks.length > 0 ? webhooks : undefined },
      },
    });
    this.node.addDependency(target);
    addSynthLint(this);
  }

  /** The Canary's Services, as Flagger names them. */
  public get serviceNames(): { readonly apex: string; readonly primary: string; readonly canary: string } {
    return { apex: this.name, primary: `${this.name}-primary`, canary: `${this.name}-canary` };
  }
}

function checkTargetPort(scope: Canary, target: kplus.Deployment, targetPort: number | string): void {
  const ports = target.containers.flatMap((container) => container.ports ?? []);
  if (ports.length === 0) {
    throw invalidProp(scope, 'targetPort', targetPort, `${target.node.path} declares no container ports; give its container a port (e.g. ports: [{ name: 'http', number: 9898 }]) for the Services Flagger creates.`);
  }
  const known = ports.map((port) => `${port.number}${port.name ? ` (${port.name})` : ''}`).join(', ');
  if (typeof targetPort === 'number') {
    checkPort(scope, 'targetPort', targetPort);
    if (!ports.some((port) => port.number === targetPort)) {
      throw invalidProp(scope, 'targetPort', targetPort, `${target.node.path} exposes ${known}; use one of those.`);
    }
  } else if (!ports.some((port) => port.name === targetPort)) {
    throw invalidProp(scope, 'targetPort', targetPort, `${target.node.path} exposes ${known}; use one of those names or numbers.`);
  }
}

function renderWeights(scope: Canary, analysis: CanaryAnalysisOptions): Pick<flagger.CanarySpecAnalysis, 'maxWeight' | 'stepWeight' | 'stepWeights'> {
  if (analysis.stepWeights !== undefined) {
    if (analysis.stepWeight !== undefined || analysis.maxWeight !== undefined) {
      throw invalidProp(scope, 'analysis.stepWeights', analysis.stepWeights, 'set either stepWeights, or stepWeight and maxWeight, not both.');
    }
    if (analysis.stepWeights.length === 0) {
      throw invalidProp(scope, 'analysis.stepWeights', analysis.stepWeights, 'list at least one weight, e.g. [1, 5, 10, 20, 50].');
    }
    analysis.stepWeights.forEach((weight, index) => {
      checkInteger(scope, `analysis.stepWeights[${index}]`, weight, 1, 100, 'a percentage');
      if (index > 0 && weight <= analysis.stepWeights![index - 1]) {
        throw invalidProp(scope, 'analysis.stepWeights', analysis.stepWeights, 'weights must increase strictly; Flagger stalls on a step that does not.');
      }
    });
    return { stepWeights: [...analysis.stepWeights] };
  }
  const maxWeight = checkInteger(scope, 'analysis.maxWeight', analysis.maxWeight ?? 50, 1, 100, 'a percentage');
  const stepWeight = checkInteger(scope, 'analysis.stepWeight', analysis.stepWeight ?? 10, 1, 100, 'a percentage');
  if (stepWeight > maxWeight) {
    throw invalidProp(scope, 'analysis.stepWeight', stepWeight, `it must not exceed maxWeight (${maxWeight}).`);
  }
  if (maxWeight % stepWeight !== 0) {
    throw invalidProp(scope, 'analysis.stepWeight', stepWeight,
      `it does not divide maxWeight (${maxWeight}), so the last step overshoots to ${Math.ceil(maxWeight / stepWeight) * stepWeight}%; pick a divisor of ${maxWeight}, or use stepWeights.`);
  }
  return { maxWeight, stepWeight };
}

function renderRouting(scope: Canary, props: CanaryProps): Pick<flagger.CanarySpecService, 'delegation' | 'gateways' | 'hosts'> {
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
