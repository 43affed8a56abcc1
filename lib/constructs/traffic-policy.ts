import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidProp, istioDuration } from './internal/validate';

// The traffic policy of the DestinationRules Flagger generates for `<name>-primary` and
// `<name>-canary` (`spec.service.trafficPolicy`). Field names follow Istio's API; only what Flagger
// v1.44's CRD keeps is offered (the API server would prune the rest).

/** How the sidecars of callers talk TLS to the primary and canary pods (`trafficPolicy.tls.mode`). */
export enum TlsMode {
  /**
   * Plain text. Turns off mesh mTLS to the workload: no encryption, no workload identity for
   * AuthorizationPolicies, and refused connections under a STRICT PeerAuthentication. The value
   * of Flagger's Istio tutorial.
   */
  DISABLE = 'DISABLE',
  /** TLS origination to a server certificate (`caCertificates`, `sni`). */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with your own client certificate (`clientCertificate`, `privateKey`). */
  MUTUAL = 'MUTUAL',
  /** Istio's mutual TLS, pinned: fails to reach pods without a sidecar. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** Client TLS settings of the traffic policy. */
export interface ClientTlsSettings {
  /** The TLS mode. */
  readonly mode: TlsMode;
  /**
   * Path of the client certificate in the caller's sidecar. Required with MUTUAL.
   *
   * @default - none
   */
  readonly clientCertificate?: string;
  /**
   * Path of the client's private key in the caller's sidecar. Required with MUTUAL.
   *
   * @default - none
   */
  readonly privateKey?: string;
  /**
   * Path of the CA certificates that verify the server.
   *
   * @default - none
   */
  readonly caCertificates?: string;
  /**
   * Names the server certificate must carry.
   *
   * @default - not checked
   */
  readonly subjectAltNames?: string[];
  /**
   * SNI sent in the handshake.
   *
   * @default - none
   */
  readonly sni?: string;
}

/** Whether HTTP/1.1 connections are upgraded to HTTP/2. */
export enum H2UpgradePolicy {
  /** The mesh's default. */
  DEFAULT = 'DEFAULT',
  /** Never upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Always upgrade. */
  UPGRADE = 'UPGRADE',
}

/** HTTP connection pool limits (circuit breaking) of the traffic policy. */
export interface HttpConnectionPoolSettings {
  /**
   * Most requests queued while waiting for a connection.
   *
   * @default - Envoy's 2^32-1
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Most concurrent requests to the destination.
   *
   * @default - Envoy's 2^32-1
   */
  readonly http2MaxRequests?: number;
  /**
   * Most requests per connection; 1 turns keep-alive off.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Most concurrent retries to the destination.
   *
   * @default - Envoy's 2^32-1
   */
  readonly maxRetries?: number;
  /**
   * Idle time after which a connection is closed.
   *
   * @default - 1 hour
   */
  readonly idleTimeout?: Duration;
  /**
   * HTTP/2 upgrade of HTTP/1.1 connections.
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;
}

/**
 * Connection pool settings. Flagger v1.44's CRD keeps only the HTTP settings; TCP settings would be
 * pruned by the API server, so they are not offered.
 */
export interface ConnectionPoolSettings {
  /**
   * HTTP limits.
   *
   * @default - Envoy's defaults
   */
  readonly http?: HttpConnectionPoolSettings;
}

/** Outlier detection (passive health checking) of the traffic policy. */
export interface OutlierDetection {
  /**
   * 5xx responses (or local-origin failures) in a row that eject a pod.
   *
   * @default - Istio's 5
   */
  readonly consecutive5xxErrors?: number;
  /**
   * 502, 503 and 504 responses in a row that eject a pod.
   *
   * @default - off
   */
  readonly consecutiveGatewayErrors?: number;
  /**
   * Local-origin failures in a row that eject a pod; needs `splitExternalLocalOriginErrors`.
   *
   * @default - Istio's 5
   */
  readonly consecutiveLocalOriginFailures?: number;
  /**
   * Count local-origin failures (connect errors, timeouts) apart from responses.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;
  /**
   * Time between ejection sweeps.
   *
   * @default - Istio's 10s
   */
  readonly interval?: Duration;
  /**
   * Shortest ejection; it grows with each ejection.
   *
   * @default - Istio's 30s
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Highest share of the pods that may be ejected, in percent.
   *
   * @default - Istio's 10
   */
  readonly maxEjectionPercent?: number;
  /**
   * Outlier detection stops while fewer than this share of pods, in percent, are healthy.
   *
   * @default - Istio's 0
   */
  readonly minHealthPercent?: number;
}

/** Envoy's simple load balancing algorithms. */
export enum LoadBalancerAlgorithm {
  /** Envoy's default: the fewest active requests of two random picks. */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** Each pod in turn. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /** A random pod. */
  RANDOM = 'RANDOM',
  /** The original destination of the connection. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Options of `LoadBalancer.simple`. */
export interface SimpleLoadBalancerOptions {
  /**
   * Time a new pod takes to get its full share of requests.
   *
   * @default - no warm-up
   */
  readonly warmupDuration?: Duration;
}

/** Options of `LoadBalancer.consistentHashByCookie`. */
export interface HashCookieOptions {
  /** Name of the cookie. */
  readonly name: string;
  /** Lifetime of the cookie Envoy generates when it is missing; zero makes it a session cookie. */
  readonly ttl: Duration;
  /**
   * Path of the cookie.
   *
   * @default - none
   */
  readonly path?: string;
}

/**
 * How the callers' sidecars spread requests over the pods: a simple algorithm, or consistent
 * hashing for soft affinity to one pod. This is affinity among the pods of one version; to keep a
 * user on the canary across a run, use the Canary's `sessionAffinity`.
 */
export class LoadBalancer {
  /** A simple algorithm. */
  public static simple(algorithm: LoadBalancerAlgorithm, options: SimpleLoadBalancerOptions = {}): LoadBalancer {
    return new LoadBalancer((scope, field) => {
      if (!Object.values(LoadBalancerAlgorithm).includes(algorithm)) {
        throw invalidProp(scope, `${field}.simple`, algorithm, `use a LoadBalancerAlgorithm: ${Object.values(LoadBalancerAlgorithm).join(', ')}.`);
      }
      return { simple: algorithm, warmupDurationSecs: options.warmupDuration === undefined ? undefined : istioDuration(scope, `${field}.warmupDuration`, options.warmupDuration) };
    });
  }

  /** Consistent hashing on a request header. */
  public static consistentHashByHeader(header: string): LoadBalancer {
    return new LoadBalancer((scope, field) => ({ consistentHash: { httpHeaderName: nonEmpty(scope, `${field}.consistentHash.httpHeaderName`, header) } }));
  }

  /** Consistent hashing on a cookie, which Envoy sets when it is missing. */
  public static consistentHashByCookie(options: HashCookieOptions): LoadBalancer {
    return new LoadBalancer((scope, field) => ({
      consistentHash: {
        httpCookie: {
          name: nonEmpty(scope, `${field}.consistentHash.httpCookie.name`, options?.name),
          path: options.path,
          ttl: istioDuration(scope, `${field}.consistentHash.httpCookie.ttl`, options.ttl, 0),
        },
      },
    }));
  }

  /** Consistent hashing on the caller's IP address. */
  public static consistentHashBySourceIp(): LoadBalancer {
    return new LoadBalancer(() => ({ consistentHash: { useSourceIp: true } }));
  }

  /** Consistent hashing on a query parameter. */
  public static consistentHashByQueryParameter(parameter: string): LoadBalancer {
    return new LoadBalancer((scope, field) => ({ consistentHash: { httpQueryParameterName: nonEmpty(scope, `${field}.consistentHash.httpQueryParameterName`, parameter) } }));
  }

  private constructor(private readonly render: (scope: IConstruct, field: string) => Record<string, unknown>) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): Record<string, unknown> {
    return this.render(scope, field);
  }
}

/** The traffic policy of the DestinationRules Flagger generates for the primary and the canary. */
export interface TrafficPolicy {
  /**
   * Client TLS to the pods. Leave it unset for Istio's automatic mTLS: mutual TLS between
   * sidecars (STRICT PeerAuthentication works), plain text to pods without one.
   *
   * @default - unset: Istio's automatic mTLS
   */
  readonly tls?: ClientTlsSettings;
  /**
   * Connection pool limits.
   *
   * @default - Envoy's defaults
   */
  readonly connectionPool?: ConnectionPoolSettings;
  /**
   * Outlier detection.
   *
   * @default - off
   */
  readonly outlierDetection?: OutlierDetection;
  /**
   * Load balancing among the pods of each version.
   *
   * @default - Envoy's LEAST_REQUEST
   */
  readonly loadBalancer?: LoadBalancer;
}

function nonEmpty(scope: IConstruct, field: string, value: string | undefined): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidProp(scope, field, value, 'give a non-empty name.');
  return value;
}
