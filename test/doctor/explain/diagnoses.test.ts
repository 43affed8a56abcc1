import { Diagnosis, DiagnosisContext, matchMessage } from '../../../lib/doctor/explain/catalogue';
import { classifyWebhookError } from '../../../lib/doctor/explain/catalogue/webhook-error';

/** Diagnoses a message about canary podinfo in namespace test, as Flagger's Istio install would run it. */
function diagnose(message: string, fields: Record<string, string> = {}): { id: string; diagnosis: Diagnosis } {
  const match = matchMessage(message);
  if (!match) throw new Error(`not recognised: ${message}`);
  const context: DiagnosisContext = {
    canary: 'podinfo', namespace: 'test', target: 'podinfo', flaggerNamespace: 'istio-system',
    prometheusNamespace: 'istio-system', prometheusService: 'prometheus', fields: { ...fields, ...match.fields },
  };
  return { id: match.spec.id, diagnosis: match.spec.diagnose(context) };
}

const allText = (d: Diagnosis): string => JSON.stringify(d);
const commands = (d: Diagnosis): string[] => d.causes.flatMap((c) => c.checks.map((check) => check.command));

describe('"no values found"', () => {
  const { diagnosis } = diagnose('Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic');

  test('means Prometheus answered with nothing, and says an unreachable Prometheus looks different', () => {
    expect(diagnosis.summary).toMatch(/Prometheus answered/);
    expect(diagnosis.summary).toMatch(/returned nothing \(or NaN\)/);
    expect(diagnosis.summary).toMatch(/unreachable Prometheus gives a different message/);
  });

  test('lists the causes in the order that matters', () => {
    const causes = diagnosis.causes.map((c) => c.text);
    expect(causes).toHaveLength(5);
    expect(causes[0]).toMatch(/No load traffic/);
    expect(causes[0]).toMatch(/202/);
    expect(causes[0]).toMatch(/logCmdOutput: "true"/);
    expect(causes[1]).toMatch(/lacks sidecar injection.*reporter="destination"/);
    expect(causes[2]).toMatch(/window .* too short for the scrape interval/);
    expect(causes[2]).toMatch(/30s/);
    expect(causes[3]).toMatch(/not scraping the Envoy sidecars, or Flagger's -metrics-server points at another Prometheus/);
    expect(causes[4]).toMatch(/transient on the first analysis tick/);
  });

  test('each cause has the command that confirms it, with the names filled in', () => {
    expect(commands({ ...diagnosis, causes: [diagnosis.causes[0]] })).toContain('kubectl -n test logs deploy/flagger-loadtester --since=1h | grep podinfo');
    expect(commands({ ...diagnosis, causes: [diagnosis.causes[1]] })).toContain('kubectl get ns test --show-labels');
    expect(commands(diagnosis)).toContain('kubectl -n istio-system port-forward svc/prometheus 9090:9090 &');
    expect(commands(diagnosis).join('\n')).toContain('istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo"}[<interval>]');
    expect(commands({ ...diagnosis, causes: [diagnosis.causes[3]] })[0]).toBe("kubectl -n istio-system get deploy flagger -o jsonpath='{.spec.template.spec.containers[0].args}'");
  });

  test('without the manifests the window is unknown: no interval is assumed, and a check reads it', () => {
    // GIVEN only the message, which does not say the metric's interval
    // THEN nothing claims a window, and the queries leave it to be filled from the check that prints it
    expect(diagnosis.summary).not.toMatch(/over the last/);
    expect(commands(diagnosis).join('\n')).not.toMatch(/\[1m\]|\[30s\]/);
    expect(commands(diagnosis)).toContain(`kubectl -n test get canary podinfo -o jsonpath='{.spec.analysis.metrics[?(@.name=="request-duration")].interval}'`);
    // and the window cause names the tutorial's 30s case, and why a 1m query by hand does not clear Prometheus
    expect(diagnosis.causes[2].text).toMatch(/is 30s, this is the cause/);
    expect(diagnosis.causes[2].text).toMatch(/query run by hand over 1m returns values/);
  });

  test('uses the metric window from the manifests when known', () => {
    const withWindow = diagnose('Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic', { interval: '30s' }).diagnosis;
    expect(withWindow.summary).toContain('over the last 30s');
    expect(commands(withWindow).join('\n')).toContain('[30s]');
  });

  test('a window known to be long enough is called unlikely, a short one is named', () => {
    const message = 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic';
    expect(diagnose(message, { interval: '1m' }).diagnosis.causes[2].text).toMatch(/unlikely here: its interval 1m holds 4 scrapes/);
    expect(diagnose(message, { interval: '30s' }).diagnosis.causes[2].text).toMatch(/^The metric's window \(interval: 30s\) is too short/);
  });

  test('a success-rate query gets the requests query, not the duration one', () => {
    const { diagnosis: rate } = diagnose('Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic: running query failed: no values found');
    expect(commands(rate).join('\n')).toContain('sum(rate(istio_requests_total{reporter="destination"');
  });

  test.each([
    'Prometheus query failed: running query failed: request failed: Get "http://prometheus:9090/api/v1/query?query=x": dial tcp 10.96.13.200:9090: connect: connection refused',
    'Error checking metric providers: prometheus not avaiable: running query failed: request failed: Get "http://prometheus:9090/api/v1/query?query=vector%281%29": dial tcp: lookup prometheus on 10.96.0.10:53: no such host',
  ])('an unreachable Prometheus is a different problem, pointing at -metrics-server: %s', (message) => {
    const { id, diagnosis: unreachable } = diagnose(message);
    expect(id).not.toMatch(/no-values/);
    expect(unreachable.summary).toMatch(/This is not "no values found"/);
    expect(unreachable.causes[0].text).toMatch(/-metrics-server/);
    expect(commands(unreachable)).toContain("kubectl -n istio-system exec deploy/flagger -- wget -qO- -T 5 'http://prometheus.istio-system:9090/api/v1/query?query=vector(1)'");
  });

  test('a query that returns several series is told apart from an unreachable Prometheus', () => {
    const { diagnosis: multiple } = diagnose('Prometheus query failed: running query failed: query returned multiple values');
    expect(multiple.causes[0].text).toMatch(/several series/);
    expect(multiple.fix).toMatch(/sum\(/);
  });
});

describe('webhook failures name the URL and tell the failures apart', () => {
  const RETRYABLE = (url: string, cause: string): string => `POST ${url} giving up after 1 attempt(s): ${cause}`;

  test('DNS: no such host is a wrong Service name or namespace', () => {
    const { diagnosis } = diagnose(`Halt podinfo.test advancement external check load-test failed ${RETRYABLE('http://flagger-loadtester.tst/', 'Post "http://flagger-loadtester.tst/": dial tcp: lookup flagger-loadtester.tst on 10.96.0.10:53: no such host')}`);
    expect(diagnosis.summary).toContain('load-test failed calling http://flagger-loadtester.tst/: host not found');
    expect(diagnosis.summary).toMatch(/load test/);
    expect(diagnosis.causes[0].text).toMatch(/flagger-loadtester\.tst .* typo in the Service name or the namespace/);
    expect(diagnosis.causes[1].text).toMatch(/resolves in istio-system, not in test/);
    expect(commands(diagnosis)).toContain('kubectl -n istio-system exec deploy/flagger -- nslookup flagger-loadtester.tst');
    expect(diagnosis.fix).toContain('http://flagger-loadtester.test/');
  });

  test('a bare host is called out as resolving in Flagger\'s namespace', () => {
    const { diagnosis } = diagnose(`Halt podinfo.test advancement external check load-test failed ${RETRYABLE('http://flagger-loadtester/', 'Post "http://flagger-loadtester/": dial tcp: lookup flagger-loadtester on 10.96.0.10:53: no such host')}`);
    expect(diagnosis.causes[1].text).toContain('flagger-loadtester has no namespace');
  });

  test('connection refused: no ready endpoint first, then a targetPort where nothing listens', () => {
    const { diagnosis } = diagnose(`Halt podinfo.test advancement external check load-test failed ${RETRYABLE('http://flagger-loadtester.test:8080/', 'Post "http://flagger-loadtester.test:8080/": dial tcp 10.96.142.17:8080: connect: connection refused')}`);
    expect(diagnosis.summary).toContain('http://flagger-loadtester.test:8080/: connection refused');
    // kube-proxy refuses a Service without endpoints; a port the Service does not expose usually hangs instead
    expect(diagnosis.causes[0].text).toMatch(/no ready endpoint/);
    expect(diagnosis.causes[1].text).toMatch(/targetPort where nothing listens/);
    expect(diagnosis.causes[2].text).toMatch(/IPVS mode that is refused; in iptables mode it usually hangs/);
    expect(commands(diagnosis)).toContain('kubectl -n test get endpoints flagger-loadtester');
  });

  test('a timeout may also be a port the Service does not expose', () => {
    const { diagnosis } = diagnose(`Halt podinfo.test advancement external check load-test failed ${RETRYABLE('http://flagger-loadtester.test:8080/', 'Post "http://flagger-loadtester.test:8080/": context deadline exceeded')}`);
    expect(diagnosis.causes[1].text).toMatch(/port the Service does not expose.*hangs until the timeout/);
  });

  test('a host outside the cluster is not taken for a misspelt Service', () => {
    // GIVEN a webhook URL on the internet that does not resolve
    const { diagnosis } = diagnose(`Halt podinfo.test advancement external check load-test failed ${RETRYABLE('http://loadtest.example.com/', 'Post "http://loadtest.example.com/": dial tcp: lookup loadtest.example.com on 10.96.0.10:53: no such host')}`);
    // THEN it is about the domain and the cluster's DNS, not a Service typo
    expect(diagnosis.causes[0].text).toMatch(/loadtest.example.com is a name outside the cluster/);
    expect(allText(diagnosis)).not.toMatch(/typo in the Service name/);
    expect(commands(diagnosis)).toContain('kubectl -n istio-system exec deploy/flagger -- nslookup loadtest.example.com');
    expect(commands(diagnosis).some((command) => command.includes('nslookup flagger-loadtester.test'))).toBe(false);
  });

  test.each([
    'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    'context deadline exceeded',
  ])('timeout (%s): the command ran longer than the webhook timeout', (cause) => {
    const { diagnosis } = diagnose(`Halt podinfo.test advancement pre-rollout check acceptance-test failed ${RETRYABLE('http://flagger-loadtester.test/', `Post "http://flagger-loadtester.test/": ${cause}`)}`, { timeout: '30s' });
    expect(diagnosis.summary).toContain('timed out');
    expect(diagnosis.causes[0].text).toMatch(/longer than the webhook's timeout \(30s\)/);
    expect(diagnosis.fix).toMatch(/Raise the webhook's timeout/);
  });

  const FIVE_HUNDRED = `Halt podinfo.test advancement pre-rollout check acceptance-test failed ${RETRYABLE('http://flagger-loadtester.test/', 'unexpected HTTP status 500 Internal Server Error')}`;
  const ACCEPTANCE = "curl -sd 'test' http://podinfo-canary:9898/token | grep token";

  test('5xx from a blocking task (type bash): the command failed, and its output is only in the loadtester logs', () => {
    // GIVEN the manifests say the webhook runs a bash task, which the loadtester runs before answering
    const { diagnosis } = diagnose(FIVE_HUNDRED, { cmd: ACCEPTANCE, taskType: 'bash' });
    expect(diagnosis.summary).toContain('answered HTTP 5xx');
    expect(diagnosis.causes[0].text).toMatch(/exited non-zero.*Flagger's message does not include the command's output; the loadtester logs it/);
    expect(commands(diagnosis)).toContain('kubectl -n test logs deploy/flagger-loadtester --since=1h | grep podinfo');
    expect(commands(diagnosis)).toContain(`kubectl -n test exec deploy/flagger-loadtester -- bash -c 'curl -sd '\\''test'\\'' http://podinfo-canary:9898/token | grep token'`);
  });

  test('5xx from a cmd task: the loadtester answers those 202, so the command cannot be the cause', () => {
    // GIVEN a webhook without metadata.type (cmd): the loadtester queues it and answers 202 (server.go)
    const { diagnosis } = diagnose(FIVE_HUNDRED, { cmd: 'hey -z 115s -q 10 -c 2 http://podinfo-canary.test:9898/', taskType: 'cmd' });
    // THEN the causes are in front of the loadtester, never the command exiting non-zero
    expect(allText(diagnosis)).not.toMatch(/exited non-zero/);
    expect(diagnosis.causes[0].text).toMatch(/202 as soon as it accepts it/);
    expect(diagnosis.causes[0].text).toMatch(/sidecar.*restarting.*another Service/);
    expect(commands(diagnosis)).toContain('kubectl -n test get pods -l app=flagger-loadtester');
  });

  test('5xx without the manifests: both task types, each with what it means', () => {
    const { diagnosis } = diagnose(FIVE_HUNDRED);
    expect(diagnosis.causes[0].text).toMatch(/^If the webhook's metadata.type is bash, helm, helmv3, kubectl or concord/);
    expect(diagnosis.causes[1].text).toMatch(/^If metadata.type is cmd or empty, the loadtester answers 202/);
    expect(diagnosis.fix).toMatch(/blocking type.*For cmd/);
  });

  test.each([
    ['hey -z 115s -q 10 -c 2 http://podinfo-canary.test:9898/', "bash -c 'hey -z 5s -q 10 -c 2 http://podinfo-canary.test:9898/'"],
    ['hey -z=2m http://podinfo-canary.test:9898/', "bash -c 'hey -z 5s http://podinfo-canary.test:9898/'"],
  ])('a load test is never suggested at its full duration: %s', (cmd, probe) => {
    // GIVEN a blocking webhook whose command is a minutes-long load test
    const { diagnosis } = diagnose(FIVE_HUNDRED, { cmd, taskType: 'bash' });
    // THEN the suggested run is a 5-second probe
    const run = commands(diagnosis).find((command) => command.includes('exec deploy/flagger-loadtester -- bash -c'));
    expect(run).toContain(probe);
  });

  test('a load generator whose duration cannot be shortened is not suggested at all', () => {
    const { diagnosis } = diagnose(FIVE_HUNDRED, { cmd: 'wrk -d 2m http://podinfo-canary.test:9898/', taskType: 'bash' });
    expect(commands(diagnosis).some((command) => command.includes('bash -c'))).toBe(false);
  });

  test('older Flagger returned the loadtester\'s error body itself', () => {
    const { diagnosis } = diagnose("Halt podinfo.test advancement pre-rollout check acceptance-test failed command curl -sd 'test' http://podinfo-canary:9898/token | grep token failed: : exit status 1");
    expect(diagnosis.summary).toContain('the command failed');
  });

  test('403 Forbidden: the loadtester\'s -namespace-regexp', () => {
    const { diagnosis } = diagnose('Halt podinfo.test advancement external check load-test failed Forbidden');
    expect(diagnosis.causes[0].text).toMatch(/-namespace-regexp, and "test" does not match it/);
    expect(commands(diagnosis)[0]).toMatch(/^kubectl -n test get deploy flagger-loadtester -o jsonpath=/);
  });

  test('the post-rollout hook does not change the outcome', () => {
    const { diagnosis } = diagnose('Post-rollout hook notify failed POST http://event-receiver.monitoring/ giving up after 1 attempt(s): Post "http://event-receiver.monitoring/": dial tcp 10.96.77.3:80: connect: connection refused');
    expect(diagnosis.summary).toMatch(/does not change the outcome/);
  });

  test('a gate named with spaces, as in Flagger\'s docs, is recognised', () => {
    expect(diagnose('Halt podinfo.test advancement waiting for traffic increase approval traffic gate').id).toBe('waiting-for-traffic-increase-approval');
  });

  test('a gate waiting for approval explains how to approve it', () => {
    const { diagnosis } = diagnose('Halt podinfo.test advancement waiting for promotion approval confirm-promotion');
    expect(diagnosis.summary).toMatch(/never counts as a failed check/);
    // a gate that can never approve looks the same as one nobody approved: its first cause says so
    expect(diagnosis.summary).toMatch(/no deadline/);
    expect(diagnosis.causes[0].text).toMatch(/HTTP 404/);
    expect(diagnosis.fix).toMatch(/rollback webhook/);
    expect(commands(diagnosis)).toContain(`kubectl -n test exec deploy/flagger-loadtester -- curl -s -d '{"name": "podinfo","namespace":"test"}' http://localhost:8080/gate/open`);
  });
});

describe('classifyWebhookError', () => {
  test.each([
    ['POST http://a.test/ giving up after 1 attempt(s): Post "http://a.test/": dial tcp: lookup a.test on 10.96.0.10:53: no such host', 'dns', { url: 'http://a.test/', host: 'a.test' }],
    ['Post http://a.test/: dial tcp: lookup a.test on 10.96.0.10:53: no such host', 'dns', { url: 'http://a.test/', host: 'a.test' }],
    ['POST http://a.test:81/ giving up after 1 attempt(s): Post "http://a.test:81/": dial tcp 10.0.0.1:81: connect: connection refused', 'refused', { url: 'http://a.test:81/' }],
    ['POST http://a.test/ giving up after 1 attempt(s): Post "http://a.test/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 'timeout', {}],
    ['Post "http://a.test/": net/http: timeout awaiting response headers', 'timeout', {}],
    ['POST http://a.test/ giving up after 1 attempt(s): unexpected HTTP status 503 Service Unavailable', 'server-error', { status: '503 Service Unavailable' }],
    ['command hey -z 1m http://x/ failed: boom: exit status 2', 'command-failed', { command: 'hey -z 1m http://x/' }],
    ['Forbidden', 'forbidden', {}],
    ['RBAC: access denied', 'rbac-denied', {}],
    ['metadata not found in payload', 'bad-request', {}],
    ['unknown task type helm4', 'bad-request', {}],
    ['404 page not found\n', 'not-found', {}],
    ['POST http://a.test/ giving up after 1 attempt(s): Post "http://a.test/": read tcp 10.0.0.2:5000->10.0.0.1:80: read: connection reset by peer', 'reset', {}],
    ['POST http://a.test/ giving up after 1 attempt(s): Post "http://a.test/": dial tcp 10.0.0.1:80: connect: no route to host', 'unreachable', {}],
    ['Post "https://a.test/": x509: certificate signed by unknown authority', 'tls', {}],
    ['Post "flagger-loadtester.test/": unsupported protocol scheme ""', 'bad-url', {}],
    ['something else entirely', 'other', {}],
  ])('%s', (error, failure, details) => {
    expect(classifyWebhookError(error)).toEqual(expect.objectContaining({ failure, ...details }));
  });
});

describe('checks that work when they are needed', () => {
  test('the new version\'s logs are read by label: after a rollback its Deployment has no pods', () => {
    const { diagnosis } = diagnose('Halt podinfo.test advancement success rate 92.41% < 99%');
    expect(commands(diagnosis)).toContain('kubectl -n test logs -l app=podinfo --all-containers --prefix --since=15m');
    expect(commands(diagnosis).some((command) => command.includes('logs deploy/podinfo'))).toBe(false);
  });

  test('MetricTemplates are looked up where templateRef points, not only in the canary\'s namespace', () => {
    expect(commands(diagnose('Metric template latency.istio-system error: metrictemplate.flagger.app "latency" not found').diagnosis))
      .toContain('kubectl -n istio-system get metrictemplate latency -o yaml');
    expect(commands(diagnose('Halt advancement no values found for custom metric: latency-p95').diagnosis)).toContain('kubectl get metrictemplates -A');
  });
});

describe('threshold, rollback and readiness', () => {
  test('threshold reached explains that the count is cumulative and reset only by a new revision', () => {
    const { diagnosis } = diagnose('Rolling back podinfo.test failed checks threshold reached 5');
    expect(diagnosis.summary).toMatch(/cumulative over the run, not consecutive/);
    expect(diagnosis.summary).toMatch(/only a new revision does/);
  });

  test('a canary that is not ready does not count but rolls back after the progress deadline', () => {
    const { diagnosis } = diagnose('canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available');
    expect(diagnosis.summary).toMatch(/does not count as a failed check/);
    expect(diagnosis.summary).toMatch(/progressDeadlineSeconds/);
    expect(allText(diagnosis)).toMatch(/CreateContainerConfigError/);
  });

  test('a wrong autoscalerRef is told apart from a wrong targetRef', () => {
    expect(diagnose('HorizontalPodAutoscaler podinfo.test get query error: horizontalpodautoscalers.autoscaling "podinfo" not found').diagnosis.fix).toMatch(/autoscalerRef/);
    expect(diagnose('deployment podinfo.test get query error: deployments.apps "podinfo" not found').diagnosis.fix).toMatch(/targetRef/);
  });
});
