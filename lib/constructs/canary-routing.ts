import { Duration } from 'cdk8s';
import { StringMatch } from './http-match';

// The typed Istio settings of the HTTP route of the VirtualService Flagger generates (headers, CORS,
// rewrite, retries), the session affinity cookies, and the metadata of the Services it generates.
// Field names follow Istio's and Flagger's APIs. The DestinationRules' settings are in traffic-policy.ts.

/** Istio retry policy of the route. */
export interface CanaryRetryOptions {
  /**
   * Retries of a failed request.
   *
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Timeout of each attempt.
   *
   * @default Duration.seconds(1)
   */
  readonly perTryTimeout?: Duration;
  /**
   * Conditions that are retried, as Envoy's `x-envoy-retry-on`.
   *
   * @default "gateway-error,connect-failure,refused-stream"
   */
  readonly retryOn?: string;
}

/** Header changes for one direction of the route. */
export interface HeaderOperation {
  /**
   * Headers to set, replacing any value.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };
  /**
   * Headers to add, keeping existing values.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };
  /**
   * Headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/** Header changes of the route (`service.headers`). */
export interface HeaderOperations {
  /**
   * Changes to requests before they reach the workload.
   *
   * @default - none
   */
  readonly request?: HeaderOperation;
  /**
   * Changes to responses before they reach the caller.
   *
   * @default - none
   */
  readonly response?: HeaderOperation;
}

/** Istio's Cross-Origin Resource Sharing policy of the route (`service.corsPolicy`). */
export interface CorsPolicy {
  /** Origins allowed to make requests, e.g. `[StringMatch.exact('https://app.example.com')]`. */
  readonly allowOrigins: StringMatch[];
  /**
   * Methods allowed (`Access-Control-Allow-Methods`).
   *
   * @default - Istio's default: the method of the request
   */
  readonly allowMethods?: string[];
  /**
   * Request headers allowed (`Access-Control-Allow-Headers`).
   *
   * @default - none
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers the browser may read (`Access-Control-Expose-Headers`).
   *
   * @default - none
   */
  readonly exposeHeaders?: string[];
  /**
   * How long a preflight response may be cached (`Access-Control-Max-Age`).
   *
   * @default - not cached
   */
  readonly maxAge?: Duration;
  /**
   * Allow credentials (`Access-Control-Allow-Credentials`).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;
}

/** URI and authority rewrite of the route (`service.rewrite`). */
export interface HttpRewrite {
  /**
   * Replaces the path, or the prefix a service `match` matched.
   *
   * @default - the path as sent
   */
  readonly uri?: string;
  /**
   * Replaces the Host/authority header.
   *
   * @default - the authority as sent
   */
  readonly authority?: string;
}

/** The `SameSite` attribute of the session affinity cookie. */
export enum CookieSameSite {
  /** Sent only with same-site requests. */
  STRICT = 'Strict',
  /** Sent with same-site requests and top-level navigations. */
  LAX = 'Lax',
  /** Sent with every request; browsers require `secure` with it. */
  NONE = 'None',
}

/**
 * Session affinity of a progressive canary (`analysis.sessionAffinity`): a user routed to the
 * canary once gets a cookie and stays on it for the rest of the run.
 */
export interface SessionAffinity {
  /** Name of the cookie that pins a user to the canary. */
  readonly cookieName: string;
  /**
   * Name of a cookie that pins a user to the primary for one interval, so traffic stays split by
   * weight instead of drifting to the canary.
   *
   * @default - no primary stickiness
   */
  readonly primaryCookieName?: string;
  /**
   * Lifetime of the canary cookie.
   *
   * @default - Flagger's 86400 seconds
   */
  readonly maxAge?: Duration;
  /**
   * `Domain` attribute of the cookies.
   *
   * @default - none
   */
  readonly domain?: string;
  /**
   * `Path` attribute of the cookies.
   *
   * @default - none
   */
  readonly path?: string;
  /**
   * `HttpOnly` attribute of the cookies.
   *
   * @default false
   */
  readonly httpOnly?: boolean;
  /**
   * `Secure` attribute of the cookies.
   *
   * @default false
   */
  readonly secure?: boolean;
  /**
   * `Partitioned` attribute of the cookies.
   *
   * @default false
   */
  readonly partitioned?: boolean;
  /**
   * `SameSite` attribute of the cookies.
   *
   * @default - none
   */
  readonly sameSite?: CookieSameSite;
}

/** Labels and annotations Flagger puts on a Service it generates. */
export interface ServiceMetadata {
  /**
   * Labels.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}
