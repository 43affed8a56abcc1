/**
 * The commands diagnoses ask the user to run, with the canary's names filled in.
 * Every command here exists as written in kubectl, the Flagger, loadtester and
 * Prometheus images (busybox `wget`/`nslookup` in Flagger's alpine image; `curl`
 * and `hey` in the loadtester).
 */
import { loadGenerators } from '../../programs/load-generators';
import { shellQuote } from '../../util/shell';
import { classifyHost, HttpUrl, parseUrl } from '../../util/urls';
import { Check, DiagnosisContext } from './types';

/**
 * A command line with every interpolated value shell-quoted, so that a name read from a log (`po$(id).te;st`)
 * is pasted as a word and never runs: sh`kubectl -n ${namespace} get canary ${name}`. Values made of
 * safe characters are left bare.
 */
export function sh(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  return strings.reduce((line, text, index) => `${line}${text}${index < values.length ? shellQuote(String(values[index])) : ''}`, '');
}

/** A jsonpath filter's string literal for a name: JSON's escaping is what kubectl's jsonpath parser reads. */
function jsonpathString(value: string): string {
  return JSON.stringify(value);
}

/**
 * A webhook command that is safe to run by hand: a hey or ghz load test shortened to a 5-second probe
 * (the real one runs for minutes); undefined for other load generators, whose duration flags differ.
 */
export function probeCommand(command: string): string | undefined {
  const generators = loadGenerators(command);
  if (generators.length === 0) return command;
  if (!generators.every((generator) => generator.program === 'hey' || generator.program === 'ghz')) return undefined;
  return command.replace(/(^|\s)-z(?:=|\s+)\S+/g, '$1-z 5s');
}

/** `<canary>.<namespace>`, the way Flagger names a canary in its logs. */
export function canaryRef(context: DiagnosisContext): string {
  return `${context.canary}.${context.namespace}`;
}

/** A URL, and the Service its host names when it is a cluster name. */
export interface ServiceUrl {
  readonly url: HttpUrl;
  readonly service?: string;
  /** The Service's namespace: the one in the host, or the caller's for a bare name. */
  readonly serviceNamespace?: string;
}

/** Reads a URL the way a pod in `relativeNamespace` resolves it (urls.ts classifyHost). */
export function serviceUrl(text: string, relativeNamespace: string, isKnownNamespace: (namespace: string) => boolean = () => false): ServiceUrl | undefined {
  const url = parseUrl(text.trim());
  if (!url) return undefined;
  const ref = classifyHost(url.host, isKnownNamespace);
  return ref.kind === 'service' ? { url, service: ref.name, serviceNamespace: ref.namespace ?? relativeNamespace } : { url };
}

/** The loadtester a webhook calls: from the URL in the message, else the conventional one in the canary's namespace. */
export function loadtester(context: DiagnosisContext): { namespace: string; deployment: string } {
  const target = context.fields.url ? serviceUrl(context.fields.url, context.flaggerNamespace) : undefined;
  if (target?.service && target.serviceNamespace && /loadtester|tester/.test(target.service)) {
    return { namespace: target.serviceNamespace, deployment: target.service };
  }
  return { namespace: context.namespace, deployment: 'flagger-loadtester' };
}

export const checks = {
  canaryYaml: (c: DiagnosisContext): Check => ({
    command: sh`kubectl -n ${c.namespace} get canary ${c.canary} -o yaml`,
  }),
  describeCanary: (c: DiagnosisContext, look = 'the Events at the bottom, and Status: Phase and Failed Checks'): Check => ({
    command: sh`kubectl -n ${c.namespace} describe canary ${c.canary}`,
    look,
  }),
  webhooks: (c: DiagnosisContext, look = 'each webhook\'s url, timeout and metadata.cmd'): Check => ({
    command: sh`kubectl -n ${c.namespace} get canary ${c.canary} -o jsonpath='{range .spec.analysis.webhooks[*]}{.name}{"\\t"}{.type}{"\\t"}{.url}{"\\t"}{.timeout}{"\\t"}{.metadata}{"\\n"}{end}'`,
    look,
  }),
  metrics: (c: DiagnosisContext, look = 'each metric\'s interval and threshold'): Check => ({
    command: sh`kubectl -n ${c.namespace} get canary ${c.canary} -o jsonpath='{range .spec.analysis.metrics[*]}{.name}{"\\t"}{.interval}{"\\t"}{.thresholdRange}{"\\t"}{.templateRef}{"\\n"}{end}'`,
    look,
  }),
  /** One metric's interval, the window of its query. */
  metricInterval: (c: DiagnosisContext, metric: string | undefined): Check => ({
    command: metric
      ? sh`kubectl -n ${c.namespace} get canary ${c.canary} -o jsonpath=${`{.spec.analysis.metrics[?(@.name==${jsonpathString(metric)})].interval}`}`
      : sh`kubectl -n ${c.namespace} get canary ${c.canary} -o jsonpath='{range .spec.analysis.metrics[*]}{.name}{"\\t"}{.interval}{"\\n"}{end}'`,
    look: `the interval${metric ? ` of ${metric}` : 's'}: the window of the query (1m when empty); 30s is too short for Istio's 15s scrape`,
  }),
  loadtesterLogs: (c: DiagnosisContext, look = 'the commands it ran for this canary, and "command failed"'): Check => {
    const tester = loadtester(c);
    return { command: sh`kubectl -n ${tester.namespace} logs ${`deploy/${tester.deployment}`} --since=1h | grep ${c.canary}`, look };
  },
  flaggerLogs: (c: DiagnosisContext, look = 'what Flagger said about this canary'): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} logs deploy/flagger --since=1h | grep ${canaryRef(c)}`,
    look,
  }),
  flaggerArgs: (c: DiagnosisContext, look = 'the -metrics-server flag: the Prometheus Flagger queries'): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} get deploy flagger -o jsonpath='{.spec.template.spec.containers[0].args}'`,
    look,
  }),
  flaggerImage: (c: DiagnosisContext): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} get deploy flagger -o jsonpath='{.spec.template.spec.containers[0].image}'`,
    look: 'the image tag: the Flagger release',
  }),
  namespaceLabels: (c: DiagnosisContext): Check => ({
    command: sh`kubectl get ns ${c.namespace} --show-labels`,
    look: 'istio-injection=enabled (or istio.io/rev=...)',
  }),
  pods: (c: DiagnosisContext, look = `the ${c.target}-* pods: READY 2/2 means the app and its istio-proxy sidecar`): Check => ({
    command: sh`kubectl -n ${c.namespace} get pods`,
    look,
  }),
  rolloutStatus: (c: DiagnosisContext, deployment = c.target): Check => ({
    command: sh`kubectl -n ${c.namespace} rollout status ${`deploy/${deployment}`} --timeout=30s`,
  }),
  describeDeployment: (c: DiagnosisContext, deployment = c.target, look = 'Conditions and Events: image pulls, crashes, failed probes, quota'): Check => ({
    command: sh`kubectl -n ${c.namespace} describe deploy ${deployment}`,
    look,
  }),
  namespaceEvents: (c: DiagnosisContext, look = 'FailedScheduling, ErrImagePull, BackOff, Unhealthy or CreateContainerConfigError'): Check => ({
    command: sh`kubectl -n ${c.namespace} get events --sort-by=.lastTimestamp`,
    look,
  }),
  services: (c: DiagnosisContext, namespace = c.namespace): Check => ({
    command: sh`kubectl -n ${namespace} get svc`,
    look: 'the Service name and port the URL should use',
  }),
  endpoints: (namespace: string, service: string): Check => ({
    command: sh`kubectl -n ${namespace} get endpoints ${service}`,
    look: 'at least one ready address; <none> means no ready pod behind the Service',
  }),
  /** Runs the request from Flagger's own pod, the network path webhooks take. */
  fromFlagger: (c: DiagnosisContext, url: string, look?: string): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} exec deploy/flagger -- wget -qO- -T 5 ${healthzUrl(url)}`,
    look: look ?? 'OK from the loadtester; an error here is the same error Flagger got',
  }),
  nslookupFromFlagger: (c: DiagnosisContext, host: string): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} exec deploy/flagger -- nslookup ${host}`,
    look: 'an address; NXDOMAIN means no Service of that name in that namespace',
  }),
  /** Forwards the Prometheus the metric's template names when it is a Service in the cluster, else the cluster's. */
  portForwardPrometheus: (c: DiagnosisContext): Check => {
    const template = templatePrometheus(c.fields.templateAddress);
    if (template) {
      return { command: sh`kubectl -n ${template.namespace} port-forward ${`svc/${template.service}`} ${`9090:${template.port}`} &`, look: 'then run the query below (the Prometheus the template names)' };
    }
    const guessed = c.fields.provider !== undefined && !c.fields.provider.startsWith('istio');
    return {
      command: sh`kubectl -n ${c.prometheusNamespace} port-forward ${`svc/${c.prometheusService}`} 9090:9090 &`,
      look: guessed
        ? `then run the query below (${c.prometheusNamespace}/${c.prometheusService} is Istio's; under ${c.fields.provider} use the Prometheus in Flagger's -metrics-server)`
        : 'then run the query below',
    };
  },
  prometheusQuery: (query: string, look: string): Check => ({
    command: sh`curl -sG http://localhost:9090/api/v1/query --data-urlencode ${`query=${query}`}`,
    look,
  }),
  prometheusFromFlagger: (c: DiagnosisContext, server = `http://${c.prometheusService}.${c.prometheusNamespace}:9090`): Check => ({
    command: sh`kubectl -n ${c.flaggerNamespace} exec deploy/flagger -- wget -qO- -T 5 ${`${server.replace(/\/$/, '')}/api/v1/query?query=vector(1)`}`,
    look: 'a JSON answer with "status":"success"; an error here is the error Flagger gets',
  }),
  prometheusPods: (c: DiagnosisContext): Check => ({
    command: sh`kubectl -n ${c.prometheusNamespace} get ${`deploy/${c.prometheusService}`} ${`svc/${c.prometheusService}`}`,
    look: 'a ready Prometheus Deployment and its Service',
  }),
  /** Runs a webhook's command in the loadtester pod; a load test as a short probe. Undefined when it cannot be shortened. */
  runInLoadtester: (c: DiagnosisContext, command: string, look = 'the output and exit code of the command, exactly as the loadtester runs it'): Check | undefined => {
    const probe = probeCommand(command);
    if (probe === undefined) return undefined;
    const tester = loadtester(c);
    const shortened = probe !== command ? ' (the load test shortened to 5 seconds)' : '';
    return { command: sh`kubectl -n ${tester.namespace} exec ${`deploy/${tester.deployment}`} -- bash -c ${probe}`, look: `${look}${shortened}` };
  },
  loadtesterPods: (c: DiagnosisContext): Check => {
    const tester = loadtester(c);
    return { command: sh`kubectl -n ${tester.namespace} get pods -l ${`app=${tester.deployment}`}`, look: 'READY and RESTARTS: a restart at the time of the failure, or a sidecar (2/2) in front of it' };
  },
  loadtesterArgs: (c: DiagnosisContext): Check => {
    const tester = loadtester(c);
    return {
      command: sh`kubectl -n ${tester.namespace} get deploy ${tester.deployment} -o jsonpath='{.spec.template.spec.containers[0].command}{.spec.template.spec.containers[0].args}'`,
      look: `-namespace-regexp: it must match "${c.namespace}"`,
    };
  },
  loadtesterImage: (c: DiagnosisContext): Check => {
    const tester = loadtester(c);
    return {
      command: sh`kubectl -n ${tester.namespace} get deploy ${tester.deployment} -o jsonpath='{.spec.template.spec.containers[0].image}'`,
      look: 'the loadtester\'s version: releases before 0.15.0 cut requests after 60s',
    };
  },
  openGate: (c: DiagnosisContext, gate: 'gate' | 'rollback'): Check => {
    const tester = loadtester(c);
    return {
      command: sh`kubectl -n ${tester.namespace} exec ${`deploy/${tester.deployment}`} -- curl -s -d ${`{"name": ${JSON.stringify(c.canary)},"namespace":${JSON.stringify(c.namespace)}}`} ${`http://localhost:8080/${gate}/open`}`,
      look: gate === 'gate' ? 'approves the gate when it uses the loadtester\'s /gate/check' : 'signals a rollback through the loadtester\'s /rollback/check',
    };
  },
  virtualService: (c: DiagnosisContext, name = c.canary): Check => ({
    command: sh`kubectl -n ${c.namespace} get virtualservice ${name} -o yaml`,
    look: 'spec.http[].route: Flagger\'s routes to the -primary and -canary hosts',
  }),
  canariesForTarget: (): Check => ({
    command: `kubectl get canaries -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,TARGET:.spec.targetRef.name`,
    look: 'two canaries with the same TARGET in one namespace',
  }),
  selectorOf: (c: DiagnosisContext, kind = 'deploy', name = c.target): Check => ({
    command: sh`kubectl -n ${c.namespace} get ${kind} ${name} -o jsonpath='{.spec.selector.matchLabels}'`,
    look: 'one of app, name or app.kubernetes.io/name (Flagger\'s -selector-labels)',
  }),
  getObject: (c: DiagnosisContext, kind: string, name: string, namespace = c.namespace): Check => ({
    command: sh`kubectl -n ${namespace} get ${kind} ${name}`,
    look: 'NotFound means the reference names an object that does not exist there',
  }),
  top: (c: DiagnosisContext): Check => ({
    command: sh`kubectl -n ${c.namespace} top pods`,
    look: `CPU and memory of the ${c.target}-* pods against their limits (needs metrics-server)`,
  }),
  /**
   * The new version's logs, by the canary pods' label: after a rollback the canary Deployment has no
   * pods, and `logs deploy/<target>` fails. The primary's pods are labelled `<label>: <target>-primary`.
   */
  appLogs: (c: DiagnosisContext): Check => ({
    command: sh`kubectl -n ${c.namespace} logs -l ${`app=${c.target}`} --all-containers --prefix --since=15m`,
    look: `errors from the new version's pods (use the target's selector label if it is not app); after a rollback the canary has no pods left, so run it during the next analysis`,
  }),
  /** The MetricTemplates a metric may reference: templateRef.namespace defaults to the canary's, but often names another. */
  metricTemplates: (c: DiagnosisContext): Check => {
    const template = c.fields.template;
    if (template && template.includes('.')) {
      const dot = template.lastIndexOf('.');
      return { command: sh`kubectl -n ${template.slice(dot + 1)} get metrictemplate ${template.slice(0, dot)} -o yaml`, look: 'its query and provider.address' };
    }
    return {
      command: 'kubectl get metrictemplates -A',
      look: `the template each metric's templateRef names, in templateRef.namespace (${c.namespace} when unset); then kubectl -n <namespace> get metrictemplate <name> -o yaml for its query and provider.address`,
    };
  },
};

/** The loadtester's health endpoint for a webhook URL: same scheme, host and port. */
function healthzUrl(url: string): string {
  const match = /^([a-z]+:\/\/[^/\s]+)/i.exec(url);
  return match ? `${match[1]}/healthz` : url;
}

/** Istio's built-in queries (pkg/metrics/observers/istio.go), with the canary's names filled in. */
export const istioQueries = {
  requests: (c: DiagnosisContext, interval: string): string =>
    `sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="${c.namespace}",destination_workload=~"${c.target}"}[${interval}]))`,
  requestsByCode: (c: DiagnosisContext, interval: string): string =>
    `sum by (response_code) (rate(istio_requests_total{reporter="destination",destination_workload_namespace="${c.namespace}",destination_workload=~"${c.target}"}[${interval}]))`,
  duration: (c: DiagnosisContext, interval: string): string =>
    `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="${c.namespace}",destination_workload=~"${c.target}"}[${interval}])) by (le))`,
  seriesByReporter: (c: DiagnosisContext): string =>
    `count by (reporter) (istio_requests_total{destination_workload_namespace="${c.namespace}",destination_workload="${c.target}"})`,
  anyIstio: (): string => 'count(istio_requests_total)',
};

/** The namespace, Service and port of a template's `provider.address` that names a Service in the cluster. */
function templatePrometheus(address: string | undefined): { namespace: string; service: string; port: number } | undefined {
  const url = address === undefined ? undefined : parseUrl(address);
  if (!url) return undefined;
  const host = classifyHost(url.host, () => false);
  if (host.kind !== 'service' || host.namespace === undefined) return undefined;
  return { namespace: host.namespace, service: host.name, port: url.effectivePort };
}
