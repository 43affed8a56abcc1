import { Construct } from 'constructs';
import * as istio from '../../imports/networking.istio.io';
import { checkDnsLabel, checkHostname, checkPort, invalidProp } from './internal/validate';

/** Properties of an `IstioGateway`. */
export interface IstioGatewayProps {
  /**
   * Name of the Gateway.
   *
   * @default "public-gateway"
   */
  readonly name?: string;

  /**
   * Namespace of the Gateway. It must be the namespace of the ingress gateway deployment
   * unless istiod runs with `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`.
   *
   * @default "istio-system"
   */
  readonly namespace?: string;

  /**
   * Labels of the ingress gateway pods this Gateway configures.
   *
   * @default { istio: "ingressgateway" }
   */
  readonly selector?: Record<string, string>;

  /**
   * Hosts the HTTP server accepts.
   *
   * @default ["*"]
   */
  readonly hosts?: string[];

  /**
   * Port of the HTTP server on the ingress gateway.
   *
   * @default 80
   */
  readonly port?: number;
}

/**
 * An Istio Gateway with one plain-HTTP server, as in Flagger's Istio tutorial.
 *
 * Canaries and VirtualServices take this construct rather than a `namespace/name` string,
 * so a reference to a Gateway that does not exist cannot be written.
 */
export class IstioGateway extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The hosts its server accepts. */
  public readonly hosts: readonly string[];
  /** The Gateway object (`networking.istio.io/v1beta1`). */
  public readonly apiObject: istio.Gateway;

  constructor(scope: Construct, id: string, props: IstioGatewayProps = {}) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'public-gateway');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'istio-system');
    const selector = props.selector ?? { istio: 'ingressgateway' };
    if (Object.keys(selector).length === 0) {
      throw invalidProp(this, 'selector', selector, 'name the labels of the ingress gateway pods, e.g. { istio: "ingressgateway" }; an empty selector matches every gateway in the cluster.');
    }
    const hosts = props.hosts ?? ['*'];
    if (hosts.length === 0) throw invalidProp(this, 'hosts', hosts, 'list at least one host, or "*" for any.');
    hosts.forEach((host, index) => checkHostname(this, `hosts[${index}]`, host));
    this.hosts = hosts;

    this.apiObject = new istio.Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        selector,
        servers: [{
          port: { number: checkPort(this, 'port', props.port ?? 80), name: 'http', protocol: 'HTTP' },
          hosts: [...hosts],
        }],
      },
    });
  }

  /** The reference VirtualServices and Canaries use: `namespace/name`. */
  public get reference(): string {
    return `${this.namespace}/${this.name}`;
  }
}
