import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Canary, CanaryAnalysisOptions } from './canary';
import { IngressRoute } from './ingress-route';
import { IstioGateway } from './istio-gateway';
import { LoadTester } from './load-tester';
import { MeshNamespace } from './mesh-namespace';
import { Podinfo } from './podinfo';
import { invalidProp } from './internal/validate';

/** Properties of a `FlaggerTutorialChart`. */
export interface FlaggerTutorialChartProps extends Omit<ChartProps, 'namespace'> {
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
   * @default - every 1m, threshold 5, up to 50% in steps of 10%, success rate ≥ 99%, P99 ≤ 500ms
   */
  readonly analysis?: CanaryAnalysisOptions;

  /**
   * `delegation`: a root VirtualService of yours delegates to Flagger's (on by default in istiod
   * since Istio 1.8; older releases need `PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE=true`). `gateway`:
   * the tutorial's mode, where Flagger's own VirtualService is bound to the Gateway.
   *
   * @default "delegation"
   */
  readonly routing?: 'delegation' | 'gateway';

  /**
   * A Gateway to share, for example between several instances of this chart.
   *
   * @default - a Gateway `istio-system/public-gateway` in this chart
   */
  readonly gateway?: IstioGateway;

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
  public readonly meshNamespace: MeshNamespace;
  public readonly gateway: IstioGateway;
  public readonly podinfo: Podinfo;
  public readonly loadTester: LoadTester;
  public readonly canary: Canary;
  /** The root VirtualService, in `delegation` routing. */
  public readonly ingressRoute?: IngressRoute;

  constructor(scope: Construct, id: string, props: FlaggerTutorialChartProps = {}) {
    super(scope, id, props);
    const routing = props.routing ?? 'delegation';
    if (routing !== 'delegation' && routing !== 'gateway') {
      throw invalidProp(this, 'routing', routing, 'use "delegation" or "gateway".');
    }
    const host = props.host ?? 'app.example.com';

    this.meshNamespace = new MeshNamespace(this, 'namespace', { name: props.namespace ?? 'test', istioRevision: props.istioRevision });
    this.gateway = props.gateway ?? new IstioGateway(this, 'gateway');
    if (!props.gateway) this.gateway.node.addDependency(this.meshNamespace);
    this.podinfo = new Podinfo(this, 'podinfo', { namespace: this.meshNamespace, image: props.podinfoImage });
    this.loadTester = new LoadTester(this, 'loadtester', { namespace: this.meshNamespace, image: props.loadTesterImage });
    this.canary = new Canary(this, 'canary', {
      target: this.podinfo.deployment,
      autoscaler: this.podinfo.autoscaler,
      port: this.podinfo.httpPort,
      targetPort: this.podinfo.httpPort,
      gateways: routing === 'gateway' ? [this.gateway] : undefined,
      hosts: routing === 'gateway' ? [host] : undefined,
      analysis: props.analysis,
      webhooks: [this.loadTester.acceptanceTest(), this.loadTester.loadTest()],
    });
    this.meshNamespace.addToNamespace(this.canary);
    if (routing === 'delegation') {
      this.ingressRoute = new IngressRoute(this, 'route', { canary: this.canary, gateway: this.gateway, hosts: [host] });
      this.meshNamespace.addToNamespace(this.ingressRoute);
    }
  }
}
