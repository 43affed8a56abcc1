import { explain } from '../../../lib/doctor/explain/explain';
import { manifestCrossReference } from '../../../lib/doctor/explain/cross-reference';
import { CanaryReport, ExplainReport, Problem } from '../../../lib/doctor/explain/report';
import { parseLogInput } from '../../../lib/doctor/input/logs';
import { parseManifests } from '../../../lib/doctor/input/manifests';

/**
 * What explain says about the failures users paste (test/fixtures/field/explain): the provider decides
 * the advice, start-up warnings that resolved themselves come last, the target Deployment is the one
 * commands name, and what the input shows about pods is added to readiness problems.
 */
function explainText(text: string, manifests?: string): ExplainReport {
  const crossReference = manifests ? manifestCrossReference(parseManifests(manifests, 'manifests.yaml')) : undefined;
  return explain([parseLogInput(text)], crossReference ? { crossReference } : {});
}

function onlyCanary(report: ExplainReport): CanaryReport {
  expect(report.canaries).toHaveLength(1);
  return report.canaries[0];
}

/** Everything a problem says: its diagnosis, checks, notes and evidence. */
function textOf(problem: Problem): string {
  const { diagnosis, evidence } = problem.example;
  return [diagnosis.summary, ...problem.notes, ...diagnosis.causes.flatMap((cause) => [cause.text, ...cause.checks.map((check) => `${check.command} ${check.look ?? ''}`)]), ...evidence, diagnosis.fix].join('\n');
}

const NO_VALUES = (provider: string) => `Halt advancement no values found for ${provider} metric request-success-rate probably podinfo.test is not receiving traffic: running query failed: no values found`;
const ISTIO_ONLY = /reporter="destination"|istio-injection|istio-proxy/;

describe('no values found: the advice follows the provider', () => {
  test('istio: the sidecars, reporter="destination" and the injection label', () => {
    const text = textOf(onlyCanary(explainText(NO_VALUES('istio'))).problems[0]);
    expect(text).toMatch(/reporter="destination"/);
    expect(text).toMatch(/istio-injection=enabled/);
  });

  test('kubernetes: the app\'s own http_request_duration_seconds, its scrape labels, and no Istio advice', () => {
    const text = textOf(onlyCanary(explainText(NO_VALUES('kubernetes'))).problems[0]);
    expect(text).toMatch(/http_request_duration_seconds/);
    expect(text).toMatch(/kubernetes_pod_name/);
    expect(text).not.toMatch(ISTIO_ONLY);
    // no mesh at all: no sidecar to look for
    expect(text).not.toMatch(/sidecar/);
  });

  test.each([
    ['nginx', /nginx_ingress_controller_requests/],
    ['linkerd', /response_total/],
    ['contour', /envoy_cluster_upstream_rq/],
    ['gatewayapi:v1', /http_request_duration_seconds/],
  ])('%s: its own series, and no Istio advice', (provider, series) => {
    const text = textOf(onlyCanary(explainText(NO_VALUES(provider))).problems[0]);
    expect(text).toMatch(series);
    expect(text).not.toMatch(ISTIO_ONLY);
  });

  test('no provider named anywhere: it says so, and gives no Istio advice', () => {
    const text = textOf(onlyCanary(explainText('Halt advancement no values found for metric request-success-rate probably podinfo.test is not receiving traffic')).problems[0]);
    expect(text).toMatch(/does not say which provider/);
    expect(text).not.toMatch(ISTIO_ONLY);
  });

  test('Flagger\'s start-up line names the provider of the canaries the messages do not', () => {
    const report = explainText(['Starting flagger version 1.44.0 revision abc mesh provider linkerd', 'Halt podinfo.test advancement success rate 51.00% < 99%'].join('\n'));
    const text = textOf(onlyCanary(report).problems[0]);
    expect(text).toMatch(/response_total/);
    expect(text).not.toMatch(ISTIO_ONLY);
  });

  test('the manifests name it: spec.provider, or gatewayRefs; without them (and without Flagger\'s Deployment) Istio is not assumed', () => {
    const canary = (spec: string) => `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo, namespace: test}\nspec:\n${spec}\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  analysis: {interval: 1m, threshold: 5, metrics: [{name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}]}\n`;
    const halt = 'Halt podinfo.test advancement success rate 51.00% < 99%';
    expect(textOf(onlyCanary(explainText(halt, canary('  provider: traefik\n  service: {port: 80}'))).problems[0])).toMatch(/traefik_service_request_duration_seconds_bucket/);
    expect(textOf(onlyCanary(explainText(halt, canary('  service: {port: 80, gatewayRefs: [{name: gw, namespace: istio-ingress}]}'))).problems[0])).toMatch(/http_request_duration_seconds/);
    expect(textOf(onlyCanary(explainText(halt, canary('  service: {port: 80}'))).problems[0])).not.toMatch(ISTIO_ONLY);
  });

  test('a custom metric over its maximum is a threshold failure: its values were found', () => {
    const problem = onlyCanary(explainText('Halt podinfo.test advancement 404s percentage 6.87 > 5')).problems[0];
    expect([problem.id, problem.headline]).toEqual(['custom-metric-threshold', '404s percentage 6.87 > 5']);
    expect(textOf(problem)).not.toMatch(/not receiving traffic|no values/);
  });
});

describe('a MetricTemplate query with placeholders Flagger does not render', () => {
  const manifests = (query: string) => [
    'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: testapp, namespace: prod}\nspec:\n  provider: appmesh\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: testapp}\n  service: {port: 8080}\n'
      + '  analysis: {interval: 1m, threshold: 5, metrics: [{name: rate, interval: 1m, templateRef: {name: rate}, thresholdRange: {min: 99}}]}',
    `apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: rate, namespace: prod}\nspec:\n  provider: {type: prometheus, address: 'http://prometheus:9090'}\n  query: '${query}'`,
  ].join('\n---\n');
  const halt = 'Halt advancement no values found for custom metric: rate: no values found\nAdvance testapp.prod canary weight 5';

  test.each([
    ['$namespace and $workload (another tool\'s style)', 'sum(rate(x{ns="$namespace",pod=~"$workload"}[1m]))', /\$namespace, \$workload, which Flagger does not substitute/],
    ['{{ args.name }} (a variable Flagger does not define)', 'sum(rate(x{pod=~"{{ args.name }}"}[1m]))', /\{\{ args\.name \}\}, which Flagger does not define/],
  ])('%s: the first cause names them', (_name, query, said) => {
    const problem = explainText(halt, manifests(query)).canaries[0].problems[0];
    expect(problem.example.diagnosis.causes[0].text).toMatch(said);
  });

  test('a query with Flagger\'s own variables keeps the general first cause', () => {
    const problem = explainText(halt, manifests('sum(rate(x{ns="{{ namespace }}",pod=~"{{ target }}-.*"}[{{ interval }}]))')).canaries[0].problems[0];
    expect(problem.example.diagnosis.causes[0].text).toMatch(/matches no series/);
  });
});

describe('Prometheus refusing Flagger', () => {
  test('an empty error response (a proxy or a mesh policy) points at the AuthorizationPolicy, Linkerd\'s first', () => {
    const problem = onlyCanary(explainText('Halt podinfo.test advancement success rate 91.00% < 99%\nPrometheus query failed: running query failed: error response: ')).problems
      .find((p) => p.id === 'prometheus-query-failed')!;
    expect(problem.example.diagnosis.causes[0].text).toMatch(/Linkerd 2\.13.*AuthorizationPolicy/);
  });

  test('a 400 is still a query Prometheus rejected', () => {
    const problem = explainText('Prometheus query failed: running query failed: error response: Status 400 Bad Request: bad_data').general[0];
    expect(problem.example.diagnosis.causes[0].text).toMatch(/rejected the query/);
  });
});

describe('start-up warnings that resolve themselves', () => {
  const UNREACHABLE = 'Metrics server http://flagger-prometheus:9090 unreachable running query failed: request failed: dial tcp 10.96.41.7:9090: connect: connection refused';

  test('a later "Connected to metrics server" marks it resolved, and it goes last', () => {
    const report = explainText(['Canary CRD is not registered the server could not find the requested resource (get canaries.flagger.app)', UNREACHABLE, 'Connected to metrics server http://flagger-prometheus:9090'].join('\n'));
    expect(report.general.map((p) => p.id)).toEqual(['crd-not-registered', 'metrics-server-unreachable']);
    expect(report.general[1].notes.join(' ')).toMatch(/resolved itself/);
  });

  test('without it, the diagnosis still says the check is not fatal and is retried with every analysis', () => {
    const [problem] = explainText(UNREACHABLE).general;
    expect(problem.notes).toEqual([]);
    expect(problem.example.diagnosis.summary).toMatch(/not fatal.*queries the metrics server again at every analysis/);
  });

  test('a name that does not resolve leads with a wrong address, a refused connection with a Prometheus still starting', () => {
    const dns = explainText('Metrics server http://prometheus:9090 unreachable running query failed: request failed: dial tcp: lookup prometheus on 10.43.0.10:53: no such host').general[0];
    expect(dns.example.diagnosis.causes[0].text).toMatch(/The address is wrong/);
    expect(explainText(UNREACHABLE).general[0].example.diagnosis.causes[0].text).toMatch(/not ready yet/);
  });
});

describe('what ends or blocks a run leads; readiness waits come after', () => {
  test('a progress deadline rollback before the not-ready waits that led to it', () => {
    const canary = onlyCanary(explainText([
      'canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 2 updated replicas are available',
      'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready: deployment "podinfo" exceeded its progress deadline',
    ].join('\n')));
    expect(canary.problems.map((p) => p.id)).toEqual(['progress-deadline-rollback', 'canary-not-ready']);
  });

  test('a blocking router error before the metrics provider warning logged on the same ticks', () => {
    const canary = onlyCanary(explainText([
      '  Warning  Synced  3m51s (x812 over 13h)  flagger  Error checking metric providers: prometheus not avaiable: running query failed: request failed: dial tcp: lookup prometheus on 10.0.0.10:53: no such host',
      '  Warning  Synced  3m51s (x790 over 13h)  flagger  reconcileDestinationRule failed: DestinationRule podinfo-canary.test create error: the server could not find the requested resource (post destinationrules.networking.istio.io)',
    ].join('\n')));
    expect(canary.problems.map((p) => p.id)).toEqual(['router-reconcile-failed', 'metrics-provider-unavailable']);
    expect(canary.verdict.outcome).toBe('stalled');
  });
});

describe('the target Deployment, as the messages name it, in the commands', () => {
  const EVENTS = [
    'LAST SEEN   TYPE      REASON              OBJECT                              MESSAGE',
    '12m         Normal    Synced              canary/my-app                       New revision detected! Scaling up my-app-deploy.prod',
    '12m         Warning   Failed              pod/my-app-deploy-5c7b9d6f8-8kq2z   Failed to pull image "registry.example.com/my-app:2.3.0": not found',
    '2m          Warning   Failed              pod/my-app-deploy-5c7b9d6f8-8kq2z   Error: ImagePullBackOff',
    '1m          Warning   Synced              canary/my-app                       Rolling back my-app.prod progress deadline exceeded canary deployment my-app-deploy.prod not ready: deployment "my-app-deploy" exceeded its progress deadline',
  ].join('\n');

  test('kubectl commands name my-app-deploy, not the Canary my-app', () => {
    const problem = onlyCanary(explainText(EVENTS)).problems[0];
    const commands = problem.example.diagnosis.causes.flatMap((cause) => cause.checks.map((check) => check.command));
    expect(commands).toContain('kubectl -n prod describe deploy my-app-deploy');
    expect(commands.filter((command) => /deploy(ment)?[ /]my-app(\s|$)/.test(command))).toEqual([]);
  });

  test('the pod events of that Deployment in the same input become a note', () => {
    const problem = onlyCanary(explainText(EVENTS)).problems[0];
    expect(problem.notes).toEqual(['The input shows pod my-app-deploy-5c7b9d6f8-8kq2z: Failed: Failed to pull image "registry.example.com/my-app:2.3.0": not found; Failed: Error: ImagePullBackOff.']);
  });
});

describe('gates in the manifests', () => {
  const canary = (url: string) => 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo, namespace: test}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  service: {port: 9898}\n'
    + `  analysis:\n    interval: 1m\n    webhooks: [{name: promotion gate, type: confirm-promotion, url: '${url}', timeout: 2m}]\n`;
  const halt = 'Halt podinfo.test advancement waiting for promotion approval promotion gate';

  test.each([
    ['http://flagger-loadtester.test/gate/halt', /never approves/],
    ['http://flagger-loadtester.test/approve', /not a gate endpoint.*answers 400/],
    ['http://flagger-loadtester.test/gate/check', /opened .*403 until then/],
  ])('%s: what the loadtester answers on that path', (url, said) => {
    const problem = onlyCanary(explainText(halt, canary(url))).problems[0];
    expect(problem.example.evidence.join(' ')).toMatch(said);
    expect(problem.example.evidence.join(' ')).toMatch(/Its timeout \(2m\) only bounds each call/);
  });
});
