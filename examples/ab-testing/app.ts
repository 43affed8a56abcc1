import { App, Chart, Duration } from 'cdk8s';
import {
  Canary, CanaryMetric, CanaryStrategy, HttpMatch, IngressRoute, IstioGateway, LoadTestRoute, LoadTester, MeshNamespace, Podinfo, StringMatch,
} from '../../lib';

/**
 * A/B testing: for 10 checks, requests with `x-canary: insider` or the cookie `canary=always` go to
 * the new version, everyone else stays on the current one; then Flagger promotes.
 * Try it: `curl -H 'x-canary: insider' http://app.example.com/` or `curl -b 'canary=always' ...`.
 */
export function buildApp(app: App): void {
  const chart = new Chart(app, 'ab-testing');
  const namespace = new MeshNamespace(chart, 'namespace', { name: 'ab-testing' });
  const gateway = new IstioGateway(chart, 'gateway', { name: 'ab-testing-gateway', hosts: ['app.example.com'] });
  gateway.node.addDependency(namespace);
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'loadtester', { namespace });

  const canary = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
    strategy: CanaryStrategy.abTesting({
      iterations: 10,
      match: [HttpMatch.header('x-canary', StringMatch.exact('insider')), HttpMatch.cookie('canary', 'always')],
    }),
    analysis: {
      interval: Duration.minutes(1),
      threshold: 2,
      metrics: [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration()],
    },
    webhooks: [
      loadTester.acceptanceTest(),
      // Through the apex Service, as users come: only the cookie sends them to the new version.
      loadTester.loadTest({ route: LoadTestRoute.APEX_SERVICE, headers: { Cookie: 'canary=always' } }),
    ],
  });
  namespace.addToNamespace(canary);
  namespace.addToNamespace(new IngressRoute(chart, 'route', { canary, gateway, hosts: ['app.example.com'] }));
}
