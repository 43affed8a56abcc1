import { Duration } from 'cdk8s';
import {
  H2UpgradePolicy, HttpMatch, LoadBalancer, LoadBalancerAlgorithm, StringMatch, TlsMode,
} from '../../lib';
import { Json } from '../support/objects';
import { CanaryParts, synthCanary } from './canary-fixture';

describe('Canary routing (spec.service)', () => {
  test('the route of Flagger\'s VirtualService: match, rewrite, timeout, retries, headers and CORS', () => {
    const { canary } = synthCanary(() => ({
      match: [HttpMatch.uriPrefix('/api'), HttpMatch.of({ uri: StringMatch.exact('/healthz'), method: StringMatch.exact('GET'), ignoreUriCase: true })],
      rewrite: { uri: '/', authority: 'podinfo.internal' },
      timeout: Duration.seconds(15),
      retries: { attempts: 2, perTryTimeout: Duration.millis(2500), retryOn: 'gateway-error,5xx' },
      headers: {
        request: { set: { 'x-envoy-upstream-rq-timeout-ms': '15000' }, add: { 'x-source': 'canary' } },
        response: { remove: ['x-powered-by'] },
      },
      corsPolicy: {
        allowOrigins: [StringMatch.exact('https://app.example.com'), StringMatch.regex('https://.*\\.example\\.org')],
        allowMethods: ['GET', 'POST'], allowHeaders: ['authorization'], exposeHeaders: ['x-request-id'],
        maxAge: Duration.hours(24), allowCredentials: true,
      },
    }));
    expect(canary.spec.service).toMatchSnapshot();
    expect(canary.spec.service).toMatchObject({
      match: [{ uri: { prefix: '/api' } }, { uri: { exact: '/healthz' }, method: { exact: 'GET' }, ignoreUriCase: true }],
      rewrite: { uri: '/', authority: 'podinfo.internal' },
      timeout: '15s',
      retries: { attempts: 2, perTryTimeout: '2500ms', retryOn: 'gateway-error,5xx' },
      headers: {
        request: { set: { 'x-envoy-upstream-rq-timeout-ms': '15000' }, add: { 'x-source': 'canary' } },
        response: { remove: ['x-powered-by'] },
      },
      corsPolicy: {
        allowOrigins: [{ exact: 'https://app.example.com' }, { regex: 'https://.*\\.example\\.org' }],
        allowMethods: ['GET', 'POST'], allowHeaders: ['authorization'], exposeHeaders: ['x-request-id'],
        maxAge: '86400s', allowCredentials: true,
      },
    });
  });

  test('the full traffic policy of the DestinationRules: TLS, connection pool, outlier detection, load balancing', () => {
    const { canary } = synthCanary(() => ({
      trafficPolicy: {
        tls: { mode: TlsMode.ISTIO_MUTUAL },
        connectionPool: {
          http: {
            http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRequestsPerConnection: 10, maxRetries: 3,
            idleTimeout: Duration.minutes(5), h2UpgradePolicy: H2UpgradePolicy.UPGRADE,
          },
        },
        outlierDetection: {
          consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, consecutiveLocalOriginFailures: 2, splitExternalLocalOriginErrors: true,
          interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50, minHealthPercent: 20,
        },
        loadBalancer: LoadBalancer.simple(LoadBalancerAlgorithm.LEAST_REQUEST, { warmupDuration: Duration.seconds(30) }),
      },
    }));
    expect(canary.spec.service.trafficPolicy).toMatchSnapshot();
    expect(canary.spec.service.trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: {
        http: {
          http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRequestsPerConnection: 10, maxRetries: 3,
          idleTimeout: '300s', h2UpgradePolicy: 'UPGRADE',
        },
      },
      outlierDetection: {
        consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, consecutiveLocalOriginFailures: 2, splitExternalLocalOriginErrors: true,
        interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50, minHealthPercent: 20,
      },
      loadBalancer: { simple: 'LEAST_REQUEST', warmupDurationSecs: '30s' },
    });
  });

  test.each<[string, LoadBalancer, Json]>([
    ['a header', LoadBalancer.consistentHashByHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    ['a cookie', LoadBalancer.consistentHashByCookie({ name: 'lb', ttl: Duration.hours(1), path: '/' }), { consistentHash: { httpCookie: { name: 'lb', path: '/', ttl: '3600s' } } }],
    ['a session cookie', LoadBalancer.consistentHashByCookie({ name: 'lb', ttl: Duration.seconds(0) }), { consistentHash: { httpCookie: { name: 'lb', ttl: '0s' } } }],
    ['the source IP', LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
    ['a query parameter', LoadBalancer.consistentHashByQueryParameter('user'), { consistentHash: { httpQueryParameterName: 'user' } }],
  ])('consistent hashing on %s', (_name, loadBalancer, expected) => {
    expect(synthCanary(() => ({ trafficPolicy: { loadBalancer } })).canary.spec.service.trafficPolicy.loadBalancer).toEqual(expected);
  });

  test('client TLS with your own certificates', () => {
    const { canary } = synthCanary(() => ({
      trafficPolicy: { tls: { mode: TlsMode.MUTUAL, clientCertificate: '/etc/certs/cert.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem', sni: 'podinfo.test', subjectAltNames: ['spiffe://cluster.local/ns/test/sa/podinfo'] } },
    }));
    expect(canary.spec.service.trafficPolicy.tls).toMatchObject({ mode: 'MUTUAL', sni: 'podinfo.test' });
  });

  test('labels and annotations of the Services Flagger generates, and the Service port settings', () => {
    const { canary } = synthCanary(() => ({
      apexMetadata: { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'podinfo.example.com' } },
      primaryMetadata: { labels: { role: 'primary' } },
      canaryMetadata: { labels: { role: 'canary' }, annotations: { 'example.com/scrape': 'true' } },
      portName: 'http',
      portDiscovery: true,
      targetPortName: 'http',
      metricsServer: 'http://prometheus.monitoring:9090',
    }));
    expect(canary.spec.service).toMatchSnapshot();
    expect(canary.spec.service).toMatchObject({
      apex: { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'podinfo.example.com' } },
      primary: { labels: { role: 'primary' } },
      canary: { labels: { role: 'canary' }, annotations: { 'example.com/scrape': 'true' } },
      portName: 'http',
      portDiscovery: true,
      targetPort: 'http',
    });
    expect(canary.spec.metricsServer).toBe('http://prometheus.monitoring:9090');
  });

  test.each<[string, (parts: CanaryParts) => Json, RegExp]>([
    ['an empty match', () => ({ match: [HttpMatch.of({})] }), /canary: match\[0\] is \{\}; give at least one condition/],
    ['a suffix in the service match', () => ({ match: [HttpMatch.of({ uri: StringMatch.suffix('.json') })] }), /canary: match\[0\].uri is "suffix .json"; Istio matches by suffix only in A\/B testing header conditions/],
    ['a match port', () => ({ match: [HttpMatch.of({ port: 0 })] }), /canary: match\[0\].port is 0/],
    ['an empty rewrite', () => ({ rewrite: {} }), /canary: rewrite is \{\}; give uri, authority or both/],
    ['a relative rewrite', () => ({ rewrite: { uri: 'v2' } }), /canary: rewrite.uri is "v2"; use an absolute path/],
    ['a timeout', () => ({ timeout: Duration.millis(0) }), /canary: timeout is 0s; use a whole number of milliseconds, at least 1ms/],
    ['retryOn', () => ({ retries: { retryOn: '5xx; rm' } }), /canary: retries.retryOn is "5xx; rm"; list Envoy retry conditions/],
    ['a header name', () => ({ headers: { request: { set: { 'bad header': 'x' } } } }), /canary: headers.request.set is "bad header"; use a header name/],
    ['empty headers', () => ({ headers: {} }), /canary: headers is \{\}; give request or response changes/],
    ['CORS without origins', () => ({ corsPolicy: { allowOrigins: [] } }), /canary: corsPolicy.allowOrigins is \[\]; list the allowed origins/],
    ['a CORS method', () => ({ corsPolicy: { allowOrigins: [StringMatch.exact('https://a')], allowMethods: ['get'] } }), /canary: corsPolicy.allowMethods\[0\] is "get"; use an upper-case HTTP method/],
    ['MUTUAL without certificates', () => ({ trafficPolicy: { tls: { mode: TlsMode.MUTUAL } } }), /canary: trafficPolicy.tls.mode is "MUTUAL"; MUTUAL needs clientCertificate and privateKey/],
    ['certificates with ISTIO_MUTUAL', () => ({ trafficPolicy: { tls: { mode: TlsMode.ISTIO_MUTUAL, sni: 'x' } } }), /canary: trafficPolicy.tls is "ISTIO_MUTUAL"; ISTIO_MUTUAL takes no certificates/],
    ['a connection pool size', () => ({ trafficPolicy: { connectionPool: { http: { http2MaxRequests: 0 } } } }), /canary: trafficPolicy.connectionPool.http.http2MaxRequests is 0/],
    ['an empty connection pool', () => ({ trafficPolicy: { connectionPool: {} } }), /canary: trafficPolicy.connectionPool is \{\}; give http limits/],
    ['an ejection percentage', () => ({ trafficPolicy: { outlierDetection: { maxEjectionPercent: 120 } } }), /canary: trafficPolicy.outlierDetection.maxEjectionPercent is 120; use a whole number from 0 to 100/],
    ['local-origin failures without splitting', () => ({ trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 3 } } }), /canary: trafficPolicy.outlierDetection.consecutiveLocalOriginFailures is 3; Envoy counts local-origin failures apart only with splitExternalLocalOriginErrors/],
    ['an unknown algorithm', () => ({ trafficPolicy: { loadBalancer: LoadBalancer.simple('FASTEST' as any) } }), /canary: trafficPolicy.loadBalancer.simple is "FASTEST"; use a LoadBalancerAlgorithm/],
    ['a hash cookie without a name', () => ({ trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByCookie({ name: '', ttl: Duration.hours(1) }) } }), /canary: trafficPolicy.loadBalancer.consistentHash.httpCookie.name is ""; give a non-empty name/],
    ['an empty traffic policy', () => ({ trafficPolicy: {} }), /canary: trafficPolicy is \{\}; give tls, connectionPool, outlierDetection or loadBalancer/],
    ['a label value', () => ({ primaryMetadata: { labels: { role: 'primary pods' } } }), /canary: primaryMetadata.labels\["role"\] is "primary pods"; use at most 63 letters/],
    ['an annotation key', () => ({ canaryMetadata: { annotations: { 'bad key!': 'x' } } }), /canary: canaryMetadata.annotations\["bad key!"\] is "bad key!"; use a Kubernetes label or annotation key/],
    ['a port name', () => ({ portName: 'HTTP_WEB' }), /canary: portName is "HTTP_WEB"; use an IANA service name/],
    ['both target ports', () => ({ targetPort: 9898, targetPortName: 'http' }), /canary: targetPortName is "http"; set targetPort or targetPortName, not both/],
    ['a metrics server', () => ({ metricsServer: 'prometheus:9090' }), /canary: metricsServer is "prometheus:9090"; use an absolute http:\/\/ or https:\/\/ URL/],
  ])('rejects %s with the construct path, the field and the fix', (_name, props, message) => {
    expect(() => synthCanary(props)).toThrow(message);
  });
});
