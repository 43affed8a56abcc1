import { Construct, IConstruct } from 'constructs';
import * as istio from '../../imports/networking.istio.io';
import { ExternalObjects } from './internal/external-objects';
import { checkDnsLabel, checkHostname, checkPort, invalidProp } from './internal/validate';

/** An Istio Gateway that Canaries and root VirtualServices bind to: one of this app, or one another team owns. */
export interface IIstioGateway extends IConstruct {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /**
   * The hosts its servers accept, when known; routes are checked against them.
   *
   * @default - unknown: routes are not checked
   */
  readonly hosts?: string[];
  /** The reference VirtualServices and Canaries use: `namespace/name`. */
  readonly reference: string;
}

/** The oldest TLS version an HTTPS server accepts. */
export enum TlsProtocolVersion {
  /** TLS 1.2. */
  TLS_V1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLS_V1_3 = 'TLSV1_3',
}

/** The HTTPS server of an `IstioGateway`: TLS terminated at the ingress gateway. */
export interface GatewayHttpsOptions {
  /**
   * Name of the Secret (type `kubernetes.io/tls`, keys `tls.crt` and `tls.key`) that holds the
   * certificate. It must live in the namespace of the ingress gateway pods, usually `istio-system`.
   */
  readonly credentialName: string;

  /**
   * Port of the HTTPS server on the ingress gateway.
   *
   * @default 443
   */
  readonly port?: number;

  /**
   * Hosts the HTTPS server accepts.
   *
   * @default - the Gateway's hosts
   */
  readonly hosts?: string[];

  /**
   * Oldest TLS version accepted.
   *
   * @default TlsProtocolVersion.TLS_V1_2
   */
  readonly minProtocolVersion?: TlsProtocolVersion;
}

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
  readonly selector?: { [key: string]: string };

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

  /**
   * An HTTPS server beside the HTTP one.
   *
   * @default - HTTP only, as in Flagger's tutorial
   */
  readonly https?: GatewayHttpsOptions;

  /**
   * Answer every plain-HTTP request with a 301 redirect to HTTPS. Needs `https`.
   *
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

/** Options of `IstioGateway.fromName`. */
export interface IstioGatewayReference {
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /** Name of the Gateway. */
  readonly name: string;
  /**
   * The hosts it serves, if you know them; routes bound to it are then checked against them.
   *
   * @default - unknown: routes are not checked
   */
  readonly hosts?: string[];
}

/**
 * An Istio Gateway (`networking.istio.io/v1beta1`): a plain-HTTP server as in Flagger's Istio
 * tutorial, optionally an HTTPS server with a certificate Secret, and a redirect to it.
 *
 * Canaries and VirtualServices take this construct rather than a `namespace/name` string, so a
 * reference to a Gateway that does not exist cannot be written; `IstioGateway.fromName` refers to
 * one another team owns.
 */
export class IstioGateway extends Construct implements IIstioGateway {
  /**
   * A Gateway another team owns, e.g. the mesh team's shared one. It is recorded as an external
   * object of the app, so the synth-time lint does not report it missing; give its `hosts` and
   * routes bound to it are still checked against them.
   */
  public static fromName(scope: Construct, id: string, reference: IstioGatewayReference): IIstioGateway {
    return new ImportedIstioGateway(scope, id, reference);
  }

  /** Name of the Gateway. */
  public readonly name: string;
  /** Namespace of the Gateway. */
  public readonly namespace: string;
  /** The hosts its servers accept (always set; optional only because references may not know theirs). */
  public readonly hosts?: string[];

  constructor(scope: Construct, id: string, props: IstioGatewayProps = {}) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'public-gateway');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'istio-system');
    const selector = props.selector ?? { istio: 'ingressgateway' };
    if (Object.keys(selector).length === 0) {
      throw invalidProp(this, 'selector', selector, 'name the labels of the ingress gateway pods, e.g. { istio: "ingressgateway" }; an empty selector matches every gateway in the cluster.');
    }
    const hosts = checkHosts(this, 'hosts', props.hosts ?? ['*']);
    const servers: istio.GatewaySpecServers[] = [{
      port: { number: checkPort(this, 'port', props.port ?? 80), name: 'http', protocol: 'HTTP' },
      hosts: [...hosts],
      tls: props.httpsRedirect ? { httpsRedirect: true } : undefined,
    }];
    if (props.httpsRedirect && !props.https) {
      throw invalidProp(this, 'httpsRedirect', true, 'a redirect to HTTPS needs an HTTPS server; set https: { credentialName: "..." }.');
    }
    const allHosts = [...hosts];
    if (props.https) {
      const https = props.https;
      if (typeof https.credentialName !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(https.credentialName)) {
        throw invalidProp(this, 'https.credentialName', https.credentialName, 'name the kubernetes.io/tls Secret in the ingress gateway\'s namespace, e.g. "app-example-com-tls".');
      }
      const port = checkPort(this, 'https.port', https.port ?? 443);
      if (port === (props.port ?? 80)) throw invalidProp(this, 'https.port', port, 'the HTTP server already listens there; use another port, e.g. 443.');
      const minProtocolVersion = https.minProtocolVersion ?? TlsProtocolVersion.TLS_V1_2;
      if (!Object.values(TlsProtocolVersion).includes(minProtocolVersion)) {
        throw invalidProp(this, 'https.minProtocolVersion', minProtocolVersion, 'use TlsProtocolVersion.TLS_V1_2 or TLS_V1_3; older versions are broken.');
      }
      const httpsHosts = https.hosts === undefined ? hosts : checkHosts(this, 'https.hosts', https.hosts);
      servers.push({
        port: { number: port, name: 'https', protocol: 'HTTPS' },
        hosts: [...httpsHosts],
        tls: {
          mode: istio.GatewaySpecServersTlsMode.SIMPLE,
          credentialName: https.credentialName,
          minProtocolVersion: minProtocolVersion as unknown as istio.GatewaySpecServersTlsMinProtocolVersion,
        },
      });
      allHosts.push(...httpsHosts.filter((host) => !allHosts.includes(host)));
    }
    this.hosts = allHosts;

    new istio.Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: { selector, servers },
    });
  }

  /** The reference VirtualServices and Canaries use: `namespace/name`. */
  public get reference(): string {
    return `${this.namespace}/${this.name}`;
  }
}

class ImportedIstioGateway extends Construct implements IIstioGateway {
  public readonly name: string;
  public readonly namespace: string;
  public readonly hosts?: string[];

  constructor(scope: Construct, id: string, reference: IstioGatewayReference) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', reference?.name);
    this.namespace = checkDnsLabel(this, 'namespace', reference.namespace);
    this.hosts = reference.hosts === undefined ? undefined : checkHosts(this, 'hosts', reference.hosts);
    ExternalObjects.of(this).add({ kind: 'Gateway', namespace: this.namespace, name: this.name, hosts: this.hosts, path: this.node.path });
  }

  public get reference(): string {
    return `${this.namespace}/${this.name}`;
  }
}

function checkHosts(scope: IConstruct, field: string, hosts: string[]): string[] {
  if (!Array.isArray(hosts) || hosts.length === 0) throw invalidProp(scope, field, hosts, 'list at least one host, or "*" for any.');
  hosts.forEach((host, index) => checkHostname(scope, `${field}[${index}]`, host));
  return [...hosts];
}
