import { Construct } from 'constructs';
import * as istio from '../../imports/networking.istio.io';
import { Canary } from './canary';
import { IIstioGateway } from './istio-gateway';
import { checkDnsLabel, checkHostname, invalidProp } from './internal/validate';

/** Properties of an `IngressRoute`. */
export interface IngressRouteProps {
  /** The Canary whose VirtualService receives the traffic. It must use delegation. */
  readonly canary: Canary;

  /** The Gateway the external hosts arrive through: an `IstioGateway`, or `IstioGateway.fromName(...)`. */
  readonly gateway: IIstioGateway;

  /**
   * External hosts.
   *
   * @default ["app.example.com"]
   */
  readonly hosts?: string[];

  /**
   * Also route in-mesh traffic to the Canary's apex Service through the delegate, so calls from
   * other pods are split by weight like external ones.
   *
   * @default true
   */
  readonly includeMesh?: boolean;

  /**
   * Name of the root VirtualService. It must differ from the Canary's name: Flagger owns, and
   * silently overwrites, the VirtualService named after the Canary.
   *
   * @default "<canary name>-root"
   */
  readonly name?: string;
}

/**
 * The root VirtualService you own: it binds hosts to a Gateway and delegates every request to the
 * VirtualService Flagger generates for a Canary (Istio delegation). Flagger keeps rewriting its own
 * VirtualService's weights; this one is never touched. The object is `ApiObject.of(route)`.
 */
export class IngressRoute extends Construct {
  /** Name of the root VirtualService. */
  public readonly name: string;
  /** Namespace of the root VirtualService, the Canary's. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    const canary = props.canary;
    if (!canary.delegation) {
      throw invalidProp(this, 'canary', canary.node.path,
        'that Canary routes through its own gateways, and Flagger would ignore this route; create the Canary without gateways (delegation) or drop the IngressRoute.');
    }
    this.name = checkDnsLabel(this, 'name', props.name ?? `${canary.name}-root`);
    if (this.name === canary.name) {
      throw invalidProp(this, 'name', this.name, `Flagger owns the VirtualService "${canary.namespace}/${canary.name}" and would overwrite it; choose another name, e.g. "${canary.name}-root".`);
    }
    this.namespace = canary.namespace;
    const hosts = props.hosts ?? ['app.example.com'];
    if (hosts.length === 0) throw invalidProp(this, 'hosts', hosts, 'list at least one host, e.g. ["app.example.com"].');
    hosts.forEach((host, index) => {
      checkHostname(this, `hosts[${index}]`, host);
      const served = props.gateway.hosts;
      if (served !== undefined && !served.some((pattern) => hostMatches(pattern, host))) {
        throw invalidProp(this, `hosts[${index}]`, host,
          `${props.gateway.node.path} serves only ${served.join(', ')}, so Istio would drop this route; add the host to the Gateway's hosts or use one it serves.`);
      }
    });
    const gateways = [props.gateway.reference];
    const allHosts = [...hosts];
    if (props.includeMesh ?? true) {
      gateways.push('mesh');
      allHosts.push(`${canary.name}.${canary.namespace}.svc.cluster.local`);
    }

    new istio.VirtualService(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        hosts: allHosts,
        gateways,
        http: [{ delegate: { name: canary.name, namespace: canary.namespace } }],
      },
    });
    this.node.addDependency(canary);
  }
}

/** Whether a Gateway server host (`*`, `*.example.com`, `app.example.com`) accepts `host`. */
function hostMatches(served: string, host: string): boolean {
  if (served === '*' || served === host) return true;
  if (served.startsWith('*.')) return host.endsWith(served.slice(1)) || (host.startsWith('*.') && host.endsWith(served.slice(1)));
  return false;
}
