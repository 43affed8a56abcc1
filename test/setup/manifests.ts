import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Canary, CanaryAutoscaler, CanaryTarget, FlaggerTutorialChart, IngressRoute, IstioGateway, LoadTester, MeshNamespace, Podinfo, TutorialRouting } from '../../lib';

// What `npm run synth` writes, made by the constructs themselves: setup.sh reads the app's names from it,
// so the tests check setup.sh against the real output, not against a copy of its defaults.

function toYaml(objects: unknown[]): string {
  return objects.map((object) => YAML.stringify(object)).join('---\n');
}

let tutorial: string | undefined;

/** The tutorial chart of main.ts with its defaults: namespace test, podinfo, flagger-loadtester, app.example.com. */
export function tutorialManifests(): string {
  tutorial ??= toYaml(Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo')));
  return tutorial;
}

/** The same pieces under other names, a Canary port that differs from the container's, and a registry with a port. */
export const RENAMED = {
  namespace: 'shop',
  deployment: 'web',
  container: 'podinfod',
  image: 'registry.example.org:5000/team/web',
  port: '80',
  loadTester: 'tester',
  host: 'shop.example.org',
} as const;

export function renamedManifests(): string {
  const chart = new Chart(Testing.app(), 'shop');
  const namespace = new MeshNamespace(chart, 'namespace', { name: RENAMED.namespace });
  const gateway = new IstioGateway(chart, 'shop-gateway');
  const podinfo = new Podinfo(chart, 'web', { namespace, name: RENAMED.deployment, image: `${RENAMED.image}:1.2.3` });
  const loadTester = new LoadTester(chart, 'tester', { namespace, name: RENAMED.loadTester });
  const canary = new Canary(chart, 'canary', {
    target: CanaryTarget.fromDeployment(podinfo.deployment),
    autoscaler: CanaryAutoscaler.fromHorizontalPodAutoscaler(podinfo.autoscaler),
    port: Number(RENAMED.port),
    targetPort: podinfo.httpPort,
    webhooks: [loadTester.acceptanceTest(), loadTester.loadTest()],
  });
  new IngressRoute(chart, 'route', { canary, gateway, hosts: [RENAMED.host] });
  return toYaml(Testing.synth(chart));
}

/** The tutorial in the tutorial's own routing: the Canary's VirtualService is bound to the Gateway. */
export function gatewayRoutedManifests(host: string): string {
  return toYaml(Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo', { routing: TutorialRouting.GATEWAY, host })));
}

/** podinfo and its Canary with no load tester and no webhooks. */
export function withoutLoadTesterManifests(): string {
  const chart = new Chart(Testing.app(), 'bare');
  const namespace = new MeshNamespace(chart, 'namespace');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const canary = new Canary(chart, 'canary', {
    target: CanaryTarget.fromDeployment(podinfo.deployment),
    autoscaler: CanaryAutoscaler.fromHorizontalPodAutoscaler(podinfo.autoscaler),
  });
  new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gateway'), hosts: ['app.example.com'] });
  return toYaml(Testing.synth(chart));
}
