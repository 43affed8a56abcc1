import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import {
  AlertAddress, AlertProvider, AlertProviderType, AlertSeverity, Canary, CanaryAlert, CanaryMetric, CanaryStrategy, CanaryTarget,
  IngressRoute, IstioGateway, LoadTester, MeshNamespace, MetricProvider, MetricTemplate, Podinfo,
  SidecarNetworkSetup,
} from '../../lib';

/** Share of 404 responses of the target, in percent: a metric Flagger does not have built in. */
const NOT_FOUND_PERCENTAGE = `100 - sum(
  rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}",
    destination_workload=~"{{ target }}", response_code!="404"}[{{ interval }}])
) / sum(
  rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}",
    destination_workload=~"{{ target }}"}[{{ interval }}])
) * 100`;

/**
 * A platform team's app beside objects other teams own:
 * - the mesh team's Gateway `istio-ingress/edge` and the shared loadtester `flagger/flagger-loadtester`,
 *   referenced by name;
 * - the shop, a Deployment in a namespace of its own, behind its own HTTPS Gateway, with session
 *   affinity, a custom 404 metric, Slack alerts and manual gates;
 * - a node agent, a DaemonSet canary in the existing namespace `node-agents`.
 */
export function buildApp(app: App): void {
  const chart = new Chart(app, 'platform');

  // Owned by other teams.
  const edge = IstioGateway.fromName(chart, 'edge', { namespace: 'istio-ingress', name: 'edge', hosts: ['*.example.com'] });
  const loadTester = LoadTester.fromService(chart, 'loadtester', { namespace: 'flagger', canaryNamespaces: ['shop', 'node-agents'] });
  const agents = MeshNamespace.fromName(chart, 'node-agents', 'node-agents');

  // Shared by both canaries: the custom metric, and the on-call Slack channel.
  const notFound = new MetricTemplate(chart, 'not-found', {
    name: 'not-found-percentage',
    namespace: 'istio-system',
    provider: MetricProvider.prometheus({ address: 'http://prometheus.istio-system:9090' }),
    query: NOT_FOUND_PERCENTAGE,
  });
  const slack = new AlertProvider(chart, 'slack', {
    name: 'on-call',
    namespace: 'istio-system',
    type: AlertProviderType.SLACK,
    channel: 'on-call',
    // The webhook URL is a credential: it lives in a Secret the platform's secret store syncs.
    address: AlertAddress.fromSecret(kplus.Secret.fromSecretName(chart, 'slack-url', 'slack-on-call-url')),
  });
  const alerts = [CanaryAlert.to(slack, { severity: AlertSeverity.WARN })];
  const metrics = [
    CanaryMetric.requestSuccessRate(),
    CanaryMetric.requestDuration(),
    CanaryMetric.fromTemplate(notFound, { name: '404s-percentage', thresholdRange: { max: 5 } }),
  ];

  // The shop: its own namespace (with Istio CNI, so Pod Security enforces baseline) and HTTPS Gateway.
  const shopNamespace = new MeshNamespace(chart, 'shop-namespace', { name: 'shop', sidecarNetworkSetup: SidecarNetworkSetup.ISTIO_CNI });
  const shopGateway = new IstioGateway(chart, 'shop-gateway', {
    name: 'shop-gateway',
    hosts: ['shop.example.com'],
    https: { credentialName: 'shop-example-com-tls' },
    httpsRedirect: true,
  });
  const shop = new Podinfo(chart, 'shop', { namespace: shopNamespace, name: 'shop' });
  const shopCanary = new Canary(chart, 'shop-canary', {
    target: shop.canaryTarget,
    autoscaler: shop.canaryAutoscaler,
    strategy: CanaryStrategy.progressive({ stepWeight: 10, maxWeight: 50 }),
    // Once on the new version, a shopper stays on it for the rest of the run.
    sessionAffinity: { cookieName: 'shop-canary', maxAge: Duration.hours(6), secure: true, httpOnly: true },
    analysis: { threshold: 5, metrics, alerts },
    webhooks: [
      loadTester.acceptanceTest(),
      loadTester.loadTest(),
      // A person opens the gate: `kubectl -n flagger exec deploy/flagger-loadtester -- curl -sd
      // '{"name":"shop","namespace":"shop"}' http://localhost:8080/gate/open`.
      loadTester.confirmPromotion(),
      loadTester.rollbackGate(),
    ],
  });
  shopNamespace.addToNamespace(shopCanary, new IngressRoute(chart, 'shop-route', { canary: shopCanary, gateway: shopGateway, hosts: ['shop.example.com'] }));

  // The node agent: a DaemonSet in a namespace the cluster team created.
  const agent = nodeAgent(chart, agents.name);
  const agentCanary = new Canary(chart, 'agent-canary', {
    target: CanaryTarget.fromDaemonSet(agent),
    strategy: CanaryStrategy.progressive({ stepWeight: 25, maxWeight: 50 }),
    analysis: { metrics, alerts },
    webhooks: [loadTester.acceptanceTest(), loadTester.loadTest()],
  });
  new IngressRoute(chart, 'agent-route', { canary: agentCanary, gateway: edge, hosts: ['agents.example.com'] });
}

/** podinfo as a DaemonSet, hardened like the Podinfo construct. */
function nodeAgent(chart: Chart, namespace: string): kplus.DaemonSet {
  const labels = { app: 'node-agent' };
  const tmp = kplus.Volume.fromEmptyDir(chart, 'agent-tmp', 'tmp', { sizeLimit: Size.mebibytes(64) });
  const agent = new kplus.DaemonSet(chart, 'agent', {
    metadata: { name: 'node-agent', namespace, labels },
    select: false,
    podMetadata: { labels },
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001 },
    volumes: [tmp],
    containers: [{
      name: 'agent',
      image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['./podinfo', '--port=9898', '--level=info'],
      ports: [{ name: 'http', number: 9898, protocol: kplus.Protocol.TCP }],
      readiness: kplus.Probe.fromCommand(['podcli', 'check', 'http', 'localhost:9898/readyz']),
      resources: {
        cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(256) },
      },
      securityContext: { ensureNonRoot: true, user: 10001, group: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      volumeMounts: [{ path: '/tmp', volume: tmp }],
    }],
  });
  agent.select(kplus.LabelSelector.of({ labels }));
  // What cdk8s-plus-25 cannot express, as the Podinfo construct does it: no construct-address label
  // in the pod template (renaming the construct would start a canary run), and the rest of the
  // Pod Security "restricted" profile.
  const workload = ApiObject.of(agent);
  workload.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  workload.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  workload.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
  return agent;
}
