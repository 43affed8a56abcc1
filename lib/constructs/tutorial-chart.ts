import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Canary, CanaryAnalysisOptions } from './canary';
import { CanaryStrategy } from './canary-strategy';
import { IngressRoute } from './ingress-route';
import { IIstioGateway, IstioGateway } from './istio-gateway';
import { LoadTester } from './load-tester';
import { MeshNamespace } from './mesh-namespace';
import { Podinfo } from './podinfo';
import { TrafficPolicy } from './traffic-policy';
import { invalidProp } from './internal/validate';

/** How external traffic reaches the tutorial's Canary. */
export enum TutorialRouting {
  /**
   * A root VirtualService of yours (`IngressRoute`) delegates to Flagger's. On by default in istiod
   * since Istio 1.8; older releases need `PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE=true`.
   */
  DELEGATION = 'delegation',
  /** The tutorial's mode: Flagger's own VirtualService is bound to the Gateway. */
  GATEWAY = 'gateway',
}

/** Properties of a `FlaggerTutorialChart`. */
export interface FlaggerTutorialChartProps {
  /**
   * Labels applied to every object of the chart.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Namespace of podinfo, the load tester and the Canary.
   *
   * @default "test"
   */
  readonly namespace?: string;

  /**
   * External host podinfo is served on.
   *
   * @default "app.example.com"
   */
  readonly host?: string;

  /**
   * podinfo image. Keep it different from the tag you trigger a canary run with.
   *
   * @default "ghcr.io/stefanprodan/podinfo:6.0.0"
   */
  readonly podinfoImage?: string;

  /**
   * Load tester image.
   *
   * @default "ghcr.io/fluxcd/flagger-loadtester:0.38.0"
   */
  readonly loadTesterImage?: string;

  /**
   * The canary analysis.
   *
   * @default - every 1m, threshold 5, success rate ≥ 99%, P99 ≤ 500ms
   */
  readonly analysis?: CanaryAnalysisOptions;

  /**
   * How traffic moves to the new version.
   *
   * @default - CanaryStrategy.progressive(): up to 50% in steps of 10%, as in the tutorial
   */
  readonly strategy?: CanaryStrategy;

  /**
   * Traffic policy of Flagger's DestinationRules. The tutorial's is `{ tls: { mode: TlsMode.DISABLE } }`,
   * which turns mesh mTLS to podinfo off; see `CanaryProps.trafficPolicy`.
   *
   * @default - none: Istio's automatic mTLS
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * How external traffic reaches the Canary.
   *
   * @default TutorialRouting.DELEGATION
   */
  readonly routing?: TutorialRouting;

  /**
   * A Gateway to share, for example between several instances of this chart, or
   * `IstioGateway.fromName(...)` for one another team owns.
   *
   * @default - a Gateway `istio-system/public-gateway` in this chart
   */
  readonly gateway?: IIstioGateway;

  /**
   * Istio revision label for the namespace, instead of `istio-injection: enabled`.
   *
   * @default - `istio-injection: enabled`
   */
  readonly istioRevision?: string;
}

/**
 * Flagger's Istio canary tutorial as one chart: a mesh namespace, the Gateway, podinfo with its
 * HPA, the load tester, the Canary with an acceptance test and a load test, and the route in.
 */
export class FlaggerTutorialChart extends Chart {
  /** The namespace of podinfo, the load tester and the Canary. */
  public readonly meshNamespace: MeshNamespace;
  /** The Gateway external traffic arrives through. */
  public readonly gateway: IIstioGateway;
  /** podinfo's Deployment and HPA. */
  public readonly podinfo: Podinfo;
  /** Flagger's load tester. */
  public readonly loadTester: LoadTester;
  /** The Canary. */
  public readonly canary: Canary;
  /** The root VirtualService, in `delegation` routing. */
  public readonly ingressRoute?: IngressRoute;

  constructor(scope: Construct, id: string, props: FlaggerTutorialChartProps = {}) {
    super(scope, id, { labels: props.labels });
    const routing = props.routing ?? TutorialRouting.DELEGATION;
    if (!Object.values(TutorialRouting).includes(routing)) {
      throw invalidProp(this, 'routing', routing, 'use TutorialRouting.DELEGATION or TutorialRouting.GATEWAY.');
    }
    const host = props.host ?? 'app.example.com';

    this.meshNamespace = new MeshNamespace(this, 'namespace', { name: props.namespace ?? 'test', istioRevision: props.istioRevision });
    this.gateway = props.gateway ?? new IstioGateway(this, 'gateway');
    if (!props.gateway) this.gateway.node.addDependency(this.meshNamespace);
    this.podinfo = new Podinfo(this, 'podinfo', { namespace: this.meshNamespace, image: props.podinfoImage });
    this.loadTester = new LoadTester(this, 'loadtester', { namespace: this.meshNamespace, image: props.loadTesterImage });
    this.canary = new Canary(this, 'canary', {
      target: this.podinfo.canaryTarget,
      autoscaler: this.podinfo.canaryAutoscaler,
      port: this.podinfo.httpPort,
      targetPort: this.podinfo.httpPort,
      gateways: routing === TutorialRouting.GATEWAY ? [this.gateway] : undefined,
      hosts: routing === TutorialRouting.GATEWAY ? [host] : undefined,
      strategy: props.strategy,
      analysis: props.analysis,
      trafficPolicy: props.trafficPolicy,
      webhooks: [this.loadTester.acceptanceTest(), this.loadTester.loadTest()],
    });
    this.meshNamespace.addToNamespace(this.canary);
    if (routing === TutorialRouting.DELEGATION) {
      this.ingressRoute = new IngressRoute(this, 'route', { canary: this.canary, gateway: this.gateway, hosts: [host] });
      this.meshNamespace.addToNamespace(this.ingressRoute);
    }
  }
}
