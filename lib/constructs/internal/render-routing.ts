import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as flagger from '../../../imports/flagger.app';
import {
  CanaryRetryOptions, CorsPolicy, CookieSameSite, HeaderOperation, HeaderOperations, HttpRewrite, ServiceMetadata, SessionAffinity,
} from '../canary-routing';
import { H2UpgradePolicy, LoadBalancer, TlsMode, TrafficPolicy } from '../traffic-policy';
import { StringMatch } from '../http-match';
import { checkInteger, invalidProp, istioDuration } from './validate';

// Renders the typed Istio settings of canary-routing.ts into Flagger's `spec.service` and
// `spec.analysis.sessionAffinity`, checking each value with the field it came from. The results are
// typed with the generated L1 types, whose property names the L1 maps to the CRD's (it drops any
// other key without a word).

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function renderRetries(scope: IConstruct, retries: CanaryRetryOptions): flagger.CanarySpecServiceRetries {
  const retryOn = retries.retryOn ?? 'gateway-error,connect-failure,refused-stream';
  if (typeof retryOn !== 'string' || !/^[a-z0-9-]+(,[a-z0-9-]+)*$/.test(retryOn)) {
    throw invalidProp(scope, 'retries.retryOn', retryOn, 'list Envoy retry conditions separated by commas, e.g. "gateway-error,connect-failure,refused-stream".');
  }
  return {
    attempts: checkInteger(scope, 'retries.attempts', retries.attempts ?? 3, 0, 100),
    perTryTimeout: istioDuration(scope, 'retries.perTryTimeout', retries.perTryTimeout ?? Duration.seconds(1)),
    retryOn,
  };
}

export function renderHeaders(scope: IConstruct, headers: HeaderOperations): flagger.CanarySpecServiceHeaders {
  const result: { request?: flagger.CanarySpecServiceHeadersRequest; response?: flagger.CanarySpecServiceHeadersResponse } = {};
  for (const direction of ['request', 'response'] as const) {
    const operation = headers[direction];
    if (operation !== undefined) result[direction] = renderHeaderOperation(scope, `headers.${direction}`, operation);
  }
  if (Object.keys(result).length === 0) throw invalidProp(scope, 'headers', headers, 'give request or response changes, or leave headers out.');
  return result;
}

function renderHeaderOperation(scope: IConstruct, field: string, operation: HeaderOperation): flagger.CanarySpecServiceHeadersRequest {
  const result: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } = {};
  for (const kind of ['set', 'add'] as const) {
    const values = operation[kind];
    if (values === undefined) continue;
    for (const [name, value] of Object.entries(values)) {
      checkHeaderName(scope, `${field}.${kind}`, name);
      if (typeof value !== 'string') throw invalidProp(scope, `${field}.${kind}["${name}"]`, value, 'header values are strings.');
    }
    result[kind] = { ...values };
  }
  if (operation.remove !== undefined) {
    operation.remove.forEach((name, index) => checkHeaderName(scope, `${field}.remove[${index}]`, name));
    result.remove = [...operation.remove];
  }
  if (Object.keys(result).length === 0) throw invalidProp(scope, field, operation, 'give set, add or remove, or leave it out.');
  return result;
}

function checkHeaderName(scope: IConstruct, field: string, name: string): void {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw invalidProp(scope, field, name, 'use a header name of letters, digits and "-", e.g. "x-request-source".');
  }
}

export function renderCorsPolicy(scope: IConstruct, cors: CorsPolicy): flagger.CanarySpecServiceCorsPolicy {
  if (!Array.isArray(cors.allowOrigins) || cors.allowOrigins.length === 0) {
    throw invalidProp(scope, 'corsPolicy.allowOrigins', cors.allowOrigins, 'list the allowed origins, e.g. [StringMatch.exact("https://app.example.com")].');
  }
  const allowOrigins = cors.allowOrigins.map((origin, index) => {
    if (!(origin instanceof StringMatch)) throw invalidProp(scope, `corsPolicy.allowOrigins[${index}]`, origin, 'use StringMatch.exact(...), prefix(...) or regex(...).');
    return origin._render(scope, `corsPolicy.allowOrigins[${index}]`, false);
  });
  (cors.allowMethods ?? []).forEach((method, index) => {
    if (!/^[A-Z]+$/.test(method)) throw invalidProp(scope, `corsPolicy.allowMethods[${index}]`, method, 'use an upper-case HTTP method such as "GET".');
  });
  for (const list of ['allowHeaders', 'exposeHeaders'] as const) {
    (cors[list] ?? []).forEach((name, index) => checkHeaderName(scope, `corsPolicy.${list}[${index}]`, name));
  }
  return {
    allowOrigins,
    allowMethods: cors.allowMethods && [...cors.allowMethods],
    allowHeaders: cors.allowHeaders && [...cors.allowHeaders],
    exposeHeaders: cors.exposeHeaders && [...cors.exposeHeaders],
    maxAge: cors.maxAge === undefined ? undefined : istioDuration(scope, 'corsPolicy.maxAge', cors.maxAge, 1000),
    allowCredentials: cors.allowCredentials,
  };
}

export function renderRewrite(scope: IConstruct, rewrite: HttpRewrite): flagger.CanarySpecServiceRewrite {
  if (rewrite.uri === undefined && rewrite.authority === undefined) {
    throw invalidProp(scope, 'rewrite', rewrite, 'give uri, authority or both, or leave rewrite out.');
  }
  if (rewrite.uri !== undefined && !/^\/\S*$/.test(rewrite.uri)) {
    throw invalidProp(scope, 'rewrite.uri', rewrite.uri, 'use an absolute path such as "/v2/".');
  }
  if (rewrite.authority !== undefined && !/^[a-z0-9.-]+(:\d+)?$/.test(rewrite.authority)) {
    throw invalidProp(scope, 'rewrite.authority', rewrite.authority, 'use a host name, optionally with a port, such as "api.internal".');
  }
  return { uri: rewrite.uri, authority: rewrite.authority };
}

export function renderTrafficPolicy(scope: IConstruct, policy: TrafficPolicy): flagger.CanarySpecServiceTrafficPolicy {
  const result: { -readonly [key in keyof flagger.CanarySpecServiceTrafficPolicy]: flagger.CanarySpecServiceTrafficPolicy[key] } = {};
  if (policy.tls !== undefined) result.tls = renderTls(scope, policy.tls);
  if (policy.connectionPool !== undefined) {
    const http = policy.connectionPool.http;
    if (http === undefined) throw invalidProp(scope, 'trafficPolicy.connectionPool', policy.connectionPool, 'give http limits, or leave connectionPool out.');
    const field = 'trafficPolicy.connectionPool.http';
    const count = (name: keyof typeof http) => http[name] === undefined ? undefined
      : checkInteger(scope, `${field}.${name}`, http[name] as number, 1, 2_147_483_647);
    if (http.h2UpgradePolicy !== undefined && !Object.values(H2UpgradePolicy).includes(http.h2UpgradePolicy)) {
      throw invalidProp(scope, `${field}.h2UpgradePolicy`, http.h2UpgradePolicy, 'use H2UpgradePolicy.DEFAULT, DO_NOT_UPGRADE or UPGRADE.');
    }
    result.connectionPool = {
      http: {
        http1MaxPendingRequests: count('http1MaxPendingRequests'),
        http2MaxRequests: count('http2MaxRequests'),
        maxRequestsPerConnection: count('maxRequestsPerConnection'),
        maxRetries: count('maxRetries'),
        idleTimeout: http.idleTimeout === undefined ? undefined : istioDuration(scope, `${field}.idleTimeout`, http.idleTimeout),
        h2UpgradePolicy: http.h2UpgradePolicy as unknown as flagger.CanarySpecServiceTrafficPolicyConnectionPoolHttpH2UpgradePolicy,
      },
    };
  }
  if (policy.outlierDetection !== undefined) {
    const outlier = policy.outlierDetection;
    const field = 'trafficPolicy.outlierDetection';
    const count = (name: 'consecutive5xxErrors' | 'consecutiveGatewayErrors' | 'consecutiveLocalOriginFailures') =>
      outlier[name] === undefined ? undefined : checkInteger(scope, `${field}.${name}`, outlier[name] as number, 0, 2_147_483_647);
    const percent = (name: 'maxEjectionPercent' | 'minHealthPercent') =>
      outlier[name] === undefined ? undefined : checkInteger(scope, `${field}.${name}`, outlier[name] as number, 0, 100, 'a percentage');
    if (outlier.consecutiveLocalOriginFailures !== undefined && !outlier.splitExternalLocalOriginErrors) {
      throw invalidProp(scope, `${field}.consecutiveLocalOriginFailures`, outlier.consecutiveLocalOriginFailures, 'Envoy counts local-origin failures apart only with splitExternalLocalOriginErrors: true; set it.');
    }
    result.outlierDetection = {
      consecutive5XxErrors: count('consecutive5xxErrors'),
      consecutiveGatewayErrors: count('consecutiveGatewayErrors'),
      consecutiveLocalOriginFailures: count('consecutiveLocalOriginFailures'),
      splitExternalLocalOriginErrors: outlier.splitExternalLocalOriginErrors,
      interval: outlier.interval === undefined ? undefined : istioDuration(scope, `${field}.interval`, outlier.interval),
      baseEjectionTime: outlier.baseEjectionTime === undefined ? undefined : istioDuration(scope, `${field}.baseEjectionTime`, outlier.baseEjectionTime),
      maxEjectionPercent: percent('maxEjectionPercent'),
      minHealthPercent: percent('minHealthPercent'),
    };
  }
  if (policy.loadBalancer !== undefined) {
    if (!(policy.loadBalancer instanceof LoadBalancer)) {
      throw invalidProp(scope, 'trafficPolicy.loadBalancer', String(policy.loadBalancer), 'use LoadBalancer.simple(...) or a LoadBalancer.consistentHashBy...(...) factory.');
    }
    result.loadBalancer = policy.loadBalancer._render(scope, 'trafficPolicy.loadBalancer') as flagger.CanarySpecServiceTrafficPolicyLoadBalancer;
  }
  if (Object.keys(result).length === 0) throw invalidProp(scope, 'trafficPolicy', policy, 'give tls, connectionPool, outlierDetection or loadBalancer, or leave trafficPolicy out.');
  return result;
}

function renderTls(scope: IConstruct, tls: TrafficPolicy['tls'] & object): flagger.CanarySpecServiceTrafficPolicyTls {
  const field = 'trafficPolicy.tls';
  if (!Object.values(TlsMode).includes(tls.mode)) {
    throw invalidProp(scope, `${field}.mode`, tls.mode, 'use TlsMode.ISTIO_MUTUAL, DISABLE, SIMPLE or MUTUAL, or leave tls unset for Istio\'s automatic mTLS.');
  }
  if (tls.mode === TlsMode.MUTUAL && (!tls.clientCertificate || !tls.privateKey)) {
    throw invalidProp(scope, `${field}.mode`, tls.mode, 'MUTUAL needs clientCertificate and privateKey; for the mesh\'s own certificates use TlsMode.ISTIO_MUTUAL.');
  }
  const certificates = ['clientCertificate', 'privateKey', 'caCertificates', 'sni'] as const;
  if ((tls.mode === TlsMode.DISABLE || tls.mode === TlsMode.ISTIO_MUTUAL) && (certificates.some((key) => tls[key] !== undefined) || tls.subjectAltNames !== undefined)) {
    throw invalidProp(scope, field, tls.mode, `${tls.mode} takes no certificates, SNI or subject names; drop them, or use SIMPLE or MUTUAL.`);
  }
  return {
    mode: tls.mode as unknown as flagger.CanarySpecServiceTrafficPolicyTlsMode,
    clientCertificate: tls.clientCertificate,
    privateKey: tls.privateKey,
    caCertificates: tls.caCertificates,
    subjectAltNames: tls.subjectAltNames && [...tls.subjectAltNames],
    sni: tls.sni,
  };
}

export function renderSessionAffinity(scope: IConstruct, affinity: SessionAffinity): flagger.CanarySpecAnalysisSessionAffinity {
  const cookie = (field: string, name: string | undefined) => {
    if (name !== undefined && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw invalidProp(scope, `sessionAffinity.${field}`, name, 'use a cookie name of letters, digits and "-", without spaces, "=" or ";".');
    }
    return name;
  };
  cookie('cookieName', affinity.cookieName);
  if (affinity.cookieName === undefined) throw invalidProp(scope, 'sessionAffinity.cookieName', undefined, 'name the cookie that pins users to the canary, e.g. "flagger-cookie".');
  if (affinity.primaryCookieName !== undefined && affinity.primaryCookieName === affinity.cookieName) {
    throw invalidProp(scope, 'sessionAffinity.primaryCookieName', affinity.primaryCookieName, 'it must differ from cookieName, or users are pinned to both versions at once.');
  }
  if (affinity.sameSite === CookieSameSite.NONE && !affinity.secure) {
    throw invalidProp(scope, 'sessionAffinity.sameSite', affinity.sameSite, 'browsers drop SameSite=None cookies without Secure; set secure: true.');
  }
  if (affinity.sameSite !== undefined && !Object.values(CookieSameSite).includes(affinity.sameSite)) {
    throw invalidProp(scope, 'sessionAffinity.sameSite', affinity.sameSite, 'use CookieSameSite.STRICT, LAX or NONE.');
  }
  const maxAge = affinity.maxAge === undefined ? undefined : affinity.maxAge.toSeconds();
  if (maxAge !== undefined) checkInteger(scope, 'sessionAffinity.maxAge', maxAge, 1, 31_536_000, 'seconds');
  return {
    cookieName: affinity.cookieName,
    primaryCookieName: cookie('primaryCookieName', affinity.primaryCookieName),
    maxAge,
    domain: affinity.domain,
    path: affinity.path,
    httpOnly: affinity.httpOnly,
    secure: affinity.secure,
    partitioned: affinity.partitioned,
    sameSite: affinity.sameSite as unknown as flagger.CanarySpecAnalysisSessionAffinitySameSite,
  };
}

export function renderMetadata(scope: IConstruct, field: string, metadata: ServiceMetadata): flagger.CanarySpecServiceApex {
  const result: { labels?: Record<string, string>; annotations?: Record<string, string> } = {};
  for (const kind of ['labels', 'annotations'] as const) {
    const values = metadata[kind];
    if (values === undefined) continue;
    for (const [key, value] of Object.entries(values)) {
      if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key) || key.length > 316) {
        throw invalidProp(scope, `${field}.${kind}["${key}"]`, key, 'use a Kubernetes label or annotation key such as "team" or "example.com/owner".');
      }
      if (typeof value !== 'string') throw invalidProp(scope, `${field}.${kind}["${key}"]`, value, `${kind} values are strings.`);
      if (kind === 'labels' && (value.length > 63 || !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value))) {
        throw invalidProp(scope, `${field}.labels["${key}"]`, value, 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.');
      }
    }
    result[kind] = { ...values };
  }
  return result;
}
