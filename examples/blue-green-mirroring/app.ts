import { App, Chart, Duration } from 'cdk8s';
import {
  Canary, CanaryMetric, CanaryStrategy, IngressRoute, IstioGateway, LoadTestRoute, LoadTester, MeshNamespace, Podinfo,
} from '../../lib';

/**
 * Blue/green with traffic mirroring: for 10 checks every request to the current version is also
 * sent to the new one, whose responses are discarded, so its metrics are measured on live traffic
 * without any user seeing it. Then all traffic switches and Flagger promotes. Only for idempotent
 * requests: each one is handled twice.
 */
export function buildApp(app: App): void {
  const chart = new Chart(app, 'blue-green-mirroring');
  const namespace = new MeshNamespace(chart, 'namespace', { name: 'mirroring' });
  const gateway = new IstioGateway(chart, 'gateway', { name: 'mirroring-gateway', hosts: ['mirror.example.com'] });
  gateway.node.addDependency(namespace);
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'loadtester', { namespace });

  const canary = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
    strategy: CanaryStrategy.mirroring({ iterations: 10, mirrorWeight: 100 }),
    analysis: {
      interval: Duration.minutes(1),
      threshold: 2,
      metrics: [CanaryMetric.requestSuccessRate(), CanaryMetric.requestDuration()],
    },
    webhooks: [
      loadTester.acceptanceTest(),
      // Through the apex Service, so the load is what gets mirrored.
      loadTester.loadTest({ route: LoadTestRoute.APEX_SERVICE }),
    ],
  });
  namespace.addToNamespace(canary);
  namespace.addToNamespace(new IngressRoute(chart, 'route', { canary, gateway, hosts: ['mirror.example.com'] }));
}
