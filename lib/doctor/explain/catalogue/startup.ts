/**
 * What Flagger says when it starts (cmd/flagger/main.go) and while it syncs its objects (pkg/controller,
 * pkg/canary): the install failures that stop it (CRDs missing, RBAC of another release, a Kubernetes
 * too old), the metrics server it could not reach, and the routine lines around them. Start-up messages
 * are Flagger's own (scope `flagger`), never one canary's.
 */
import { checks, serviceUrl, sh } from './checks';
import { Cause, Diagnosis, DiagnosisContext, MessageSpec } from './types';
import { classifyWebhookError } from './webhook-error';

/** The plural resource of a Flagger CRD, as the API server names it. */
const RESOURCES: Record<string, string> = { Canary: 'canaries', MetricTemplate: 'metrictemplates', AlertProvider: 'alertproviders' };

const CRD_CHECK = {
  command: 'kubectl get crd canaries.flagger.app metrictemplates.flagger.app alertproviders.flagger.app',
  look: 'all three CRDs; NotFound for one means it is not installed',
};

function crashLoopCheck(c: DiagnosisContext): { command: string; look: string } {
  return { command: sh`kubectl -n ${c.flaggerNamespace} get pods -l app.kubernetes.io/name=flagger`, look: 'CrashLoopBackOff: Flagger exits on this error and restarts' };
}

/** A routine line of Flagger's start-up or sync: recognised, left out of timelines. */
function routine(id: string, patterns: RegExp[], headline: string, summary: string, flaggerWide = true): MessageSpec {
  return {
    id,
    kind: 'progress',
    role: 'quiet',
    ...(flaggerWide ? { scope: 'flagger' as const } : {}),
    patterns,
    headline: () => headline,
    diagnose: (c) => ({
      summary,
      causes: [{ text: 'Normal operation of Flagger.', checks: [checks.flaggerLogs(c, 'what follows: errors come right after the line that failed')] }],
      fix: 'Nothing to fix.',
    }),
  };
}

/** The Service a metrics server URL names, resolved as from Flagger's pod (a bare host is in Flagger's namespace). */
function serverService(c: DiagnosisContext): { namespace: string; service: string } {
  const host = /^[a-z]+:\/\/([^/:\s]+)/i.exec(c.fields.server ?? '')?.[1];
  const target = host ? serviceUrl(`http://${host}/`, c.flaggerNamespace) : undefined;
  return target?.service && target.serviceNamespace ? { namespace: target.serviceNamespace, service: target.service } : { namespace: c.prometheusNamespace, service: c.prometheusService };
}

function metricsServerDiagnosis(c: DiagnosisContext): Diagnosis {
  const server = c.fields.server ?? 'the metrics server';
  const prometheus = serverService(c);
  const notReady: Cause = {
    text: 'Prometheus was not ready yet when Flagger started (both were installed together, or Prometheus restarted): nothing to fix if the analyses later find values.',
    checks: [checks.prometheusPods({ ...c, prometheusNamespace: prometheus.namespace, prometheusService: prometheus.service }), checks.prometheusFromFlagger(c, c.fields.server)],
  };
  const wrongAddress: Cause = {
    text: `The address is wrong: no Prometheus answers at ${server}. A bare host such as http://prometheus:9090 resolves in Flagger's namespace (${c.flaggerNamespace}); `
      + 'a Prometheus elsewhere needs its namespace in the host (http://prometheus.monitoring:9090), and one behind authentication can only be reached through a MetricTemplate with a secretRef.',
    checks: [checks.flaggerArgs(c), { command: 'kubectl get svc -A -l app.kubernetes.io/name=prometheus', look: 'the namespace and port of the Prometheus Service' }],
  };
  const templatesOnly: Cause = {
    text: 'Every Canary uses MetricTemplates with their own provider address (for instance a Prometheus that needs basic auth), so -metrics-server is never used: then this line is harmless, but a built-in metric (request-success-rate, request-duration) would query the unreachable default.',
    checks: [{ command: 'kubectl get canaries -A -o jsonpath=\'{range .items[*]}{.metadata.namespace}/{.metadata.name}{": "}{.spec.analysis.metrics[*].name}{"\\n"}{end}\'', look: 'metrics named request-success-rate or request-duration use -metrics-server' }],
  };
  // A name that does not resolve is not a Prometheus still starting.
  const dns = classifyWebhookError(c.fields.error ?? '').failure === 'dns';
  return {
    summary: `When Flagger started, its -metrics-server ${server} did not answer: ${c.fields.error ?? ''}. This start-up check is not fatal and is not retried: Flagger keeps running, and queries `
      + 'the metrics server again at every analysis of a canary with the built-in metrics (request-success-rate, request-duration). It is harmless when Prometheus was only starting '
      + '(a later "Connected to metrics server" or passing checks show it), or when every metric of every Canary uses a MetricTemplate with its own provider address, which Flagger queries instead.',
    causes: dns ? [wrongAddress, templatesOnly, notReady] : [notReady, wrongAddress, templatesOnly],
    fix: 'Point -metrics-server at the Prometheus that has the mesh\'s or ingress\'s metrics (with its namespace in the host), or ignore the line when Prometheus was only starting or every metric uses a MetricTemplate.',
  };
}

export const STARTUP_MESSAGES: readonly MessageSpec[] = [
  {
    id: 'crd-access-forbidden',
    kind: 'config',
    scope: 'flagger',
    patterns: [/^(?<crd>Canary|MetricTemplate|AlertProvider) CRD is not registered (?<error>[\s\S]*\bis forbidden: User "(?<user>[^"]+)" cannot (?<verb>\w+) resource "(?<resource>[^"]+)"[\s\S]*)$/],
    headline: (c) => `Flagger may not read ${c.fields.resource}: RBAC`,
    diagnose: (c) => {
      const account = /^system:serviceaccount:([^:]+):(.+)$/.exec(c.fields.user ?? '');
      const resource = `${c.fields.resource}.flagger.app`;
      return {
        summary: `Flagger stopped at start-up: the API server refused to let its service account ${c.fields.user} ${c.fields.verb} ${resource}. The ${c.fields.crd} CRD exists; Flagger's ClusterRole does not grant it. Flagger exits and restarts until this is fixed.`,
        causes: [
          {
            text: `The RBAC installed is from another Flagger release than the image: a newer Flagger reads ${c.fields.resource}, which the older chart's ClusterRole does not grant (an image upgraded without the chart, or a chart upgraded without its RBAC).`,
            checks: [
              { command: sh`kubectl auth can-i ${c.fields.verb} ${resource} --all-namespaces --as=${c.fields.user ?? 'system:serviceaccount:<namespace>:flagger'}`, look: 'no: the ClusterRole lacks it' },
              { command: 'kubectl get clusterrole -l app.kubernetes.io/name=flagger -o yaml', look: `flagger.app resources: ${c.fields.resource} among them, with list and watch` },
            ],
          },
          {
            text: `The ClusterRoleBinding binds the ClusterRole to a service account of another namespace or name than the one Flagger runs as${account ? ` (${account[1]}/${account[2]})` : ''}.`,
            checks: [{ command: 'kubectl get clusterrolebinding -o wide | grep -i flagger', look: `the subject: it must be ${account ? `${account[1]}/${account[2]}` : 'Flagger\'s service account'}` }],
          },
        ],
        fix: 'Install the RBAC that matches the Flagger image: upgrade the Helm chart to the same version (helm upgrade flagger flagger/flagger), or apply the rbac.yaml of that release\'s kustomize/base/flagger.',
      };
    },
  },
  {
    id: 'crd-not-registered',
    kind: 'config',
    scope: 'flagger',
    patterns: [/^(?<crd>Canary|MetricTemplate|AlertProvider) CRD is not registered ?(?<error>[\s\S]*)$/],
    headline: (c) => `${c.fields.crd} CRD not installed: Flagger cannot start`,
    diagnose: (c) => ({
      summary: `Flagger stopped at start-up: the API server does not serve ${RESOURCES[c.fields.crd] ?? 'the resource'}.flagger.app (${c.fields.error || 'no detail'}), so the ${c.fields.crd} CRD is not installed. Flagger exits and restarts until it is.`,
      causes: [
        {
          text: 'The CRDs were never applied: Helm v2 and `helm install --skip-crds` do not install a chart\'s crds/ folder, a Flux HelmRelease with install.crds: Skip does not either, and a kustomization without Flagger\'s crd.yaml leaves them out.',
          checks: [CRD_CHECK, crashLoopCheck(c)],
        },
        {
          text: 'The CRDs are from an older release that lacks this one (MetricTemplate and AlertProvider came after the Canary CRD).',
          checks: [CRD_CHECK],
        },
      ],
      fix: 'Install Flagger\'s CRDs, of the same release as the image: kubectl apply -f https://raw.githubusercontent.com/fluxcd/flagger/<version>/artifacts/flagger/crd.yaml (or the chart\'s crds/), then restart Flagger.',
    }),
  },
  {
    id: 'kubernetes-unsupported',
    kind: 'config',
    scope: 'flagger',
    patterns: [/^Unsupported version of kubernetes detected\.\s+Expected (?<expected>\S+), got (?<version>[\s\S]*)$/],
    headline: (c) => `Kubernetes ${c.fields.version} is too old for Flagger`,
    diagnose: (c) => ({
      summary: `Flagger stopped at start-up: it needs Kubernetes ${c.fields.expected} (the status subresource of custom resources), and the cluster runs ${c.fields.version}.`,
      causes: [{ text: 'The cluster is older than Flagger supports.', checks: [{ command: 'kubectl version', look: 'Server Version' }] }],
      fix: 'Upgrade the cluster, or run a Flagger release that supports its version.',
    }),
  },
  {
    id: 'kubernetes-client-failed',
    kind: 'config',
    scope: 'flagger',
    patterns: [/^(?<what>Error building kubeconfig|Error building kubernetes clientset|Error building flagger clientset|Error building host kubeconfig|Error building mesh clientset|Error calling Kubernetes API): (?<error>[\s\S]*)$/],
    headline: () => 'Flagger cannot talk to the Kubernetes API',
    diagnose: (c) => ({
      summary: `Flagger stopped at start-up: ${c.fields.what}: ${c.fields.error}.`,
      causes: [{
        text: 'Its -kubeconfig or -master flag (or KUBECONFIG) names a file or address that does not work, or its service account token is not mounted.',
        checks: [checks.flaggerArgs(c, '-kubeconfig, -master and -kubeconfig-service-mesh'), crashLoopCheck(c)],
      }],
      fix: 'Run Flagger in the cluster without -kubeconfig and -master (it then uses its service account), or fix the file they name.',
    }),
  },
  {
    id: 'metrics-server-unreachable',
    kind: 'provider',
    scope: 'flagger',
    resolvedBy: { ids: ['metrics-server-connected'], same: 'server' },
    patterns: [/^Metrics server (?<server>\S+) unreachable ?(?<error>[\s\S]*)$/],
    headline: (c) => `Flagger started and cannot reach ${c.fields.server}`,
    diagnose: metricsServerDiagnosis,
  },
  {
    id: 'metrics-server-connected',
    kind: 'progress',
    role: 'quiet',
    scope: 'flagger',
    patterns: [/^Connected to metrics server (?<server>\S+)$/],
    headline: (c) => `connected to the metrics server ${c.fields.server}`,
    diagnose: (c) => ({
      summary: `At start-up Flagger queried its -metrics-server ${c.fields.server} and it answered.`,
      causes: [{ text: 'Normal start-up.', checks: [checks.flaggerArgs(c)] }],
      fix: 'Nothing to fix.',
    }),
  },
  {
    id: 'notifier-failed',
    kind: 'webhook',
    scope: 'flagger',
    patterns: [/^Notifier (?<error>[\s\S]+)$/],
    headline: () => 'Flagger\'s notifications are not set up',
    diagnose: (c) => ({
      summary: `At start-up Flagger could not set up the notifier of its flags (-slack-url, -slack-channel, -slack-user, -slack-proxy-url, or -msteams-url): ${c.fields.error}. It sends no Slack or Teams notifications; canaries are not affected, and AlertProviders named in a Canary still work.`,
      causes: [{ text: 'A notifier flag is set without the others it needs (a Slack URL without a channel), or its URL is not a valid webhook.', checks: [checks.flaggerArgs(c, '-slack-url, -slack-channel, -slack-user and -msteams-url (Helm: slack.url, slack.channel)')] }],
      fix: 'Set the Slack URL together with its channel (Helm: --set slack.url=...,slack.channel=...), or remove the notifier flags and use AlertProviders.',
    }),
  },
  routine('flagger-started', [/^Starting flagger version (?<version>\S+) revision (?<revision>\S*) mesh provider (?<provider>\S+)$/],
    'Flagger started', 'Flagger started; the line names its version and its -mesh-provider, the provider of every Canary without spec.provider.'),
  routine('flagger-startup', [
    /^Connected to Kubernetes API (?<version>[\s\S]+)$/,
    /^Waiting for (?:canary|metric template|alert provider) informer cache to sync$/,
    /^Start(?:ing|ed) operator(?: workers)?$/,
    /^Watching namespace (?<namespace>\S+)$/,
    /^Notifications enabled for [\s\S]*$/,
    /^Starting leader election id: [\s\S]*$/,
    /^Acting as elected leader$/,
  ], 'Flagger starting', 'A routine line of Flagger\'s start-up.'),
  routine('canary-synced', [/^Synced (?<syncKey>[a-z0-9-]+\/\S+)$/], 'canary synced', 'Flagger read the Canary and queued it for its next check.', false),
  routine('object-created', [
    /^(?<objectKind>Deployment|DaemonSet|Service|HorizontalPodAutoscaler(?: v2)?|ConfigMap|Secret) (?<object>\S+) (?:created|updated|synced)$/,
    /^Scaling down (?:Deployment |DaemonSet )?(?<target>\S+)$/,
  ], 'Flagger created or updated an object', 'Flagger created or updated an object it manages for the canary (the primary, its Services, its autoscaler).', false),
];
