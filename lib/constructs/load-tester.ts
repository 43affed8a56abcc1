import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { k8s } from 'cdk8s-plus-25';
import { Construct, IConstruct } from 'constructs';
import { ICanaryWebhook, WebhookType } from './canary-webhook';
import {
  AcceptanceTestOptions, ILoadTester, LoadTestOptions, LoadTesterCommandOptions, LoadTesterGate, LoadTesterGateAction,
  LoadTesterGateOptions, LoadTesterRollbackGateOptions,
} from './load-tester-options';
import { IMeshNamespace } from './mesh-namespace';
import { ExternalObjects } from './internal/external-objects';
import * as webhooks from './internal/load-tester-webhooks';
import { finishWorkload, limitEphemeralStorage, nonRootPod, restrictedContainer } from './internal/pod-security';
import { checkUrl, serviceUrl } from './internal/urls';
import { checkDnsLabel, checkInteger, checkPort, goDuration, invalidProp } from './internal/validate';

/** The loadtester image, as in Flagger v1.44's `kustomize/tester`. */
export const LOAD_TESTER_IMAGE = 'ghcr.io/fluxcd/flagger-loadtester:0.38.0';

/** Properties of `LoadTester`. */
export interface LoadTesterProps {
  /** The mesh namespace the load tester runs in. */
  readonly namespace: IMeshNamespace;

  /**
   * Name of the Deployment, the Service and the `app` label.
   *
   * @default "flagger-loadtester"
   */
  readonly name?: string;

  /**
   * Container image.
   *
   * @default "ghcr.io/fluxcd/flagger-loadtester:0.38.0"
   */
  readonly image?: string;

  /**
   * Longest time one command may run (`-timeout`).
   *
   * @default Duration.hours(1)
   */
  readonly commandTimeout?: Duration;

  /**
   * Numeric user the container runs as. The image declares `USER app`, a name.
   *
   * @default 10001, as in Flagger's `kustomize/tester`
   */
  readonly runAsUser?: number;

  /**
   * Namespaces of the Canaries it serves. The loadtester refuses webhooks of Canaries elsewhere
   * (`-namespace-regexp`), and the NetworkPolicy lets it reach only these namespaces.
   *
   * @default - its own namespace
   */
  readonly canaryNamespaces?: string[];

  /**
   * Lock it down with a NetworkPolicy: only Flagger's pods may call it, and it may reach only DNS,
   * istiod (for its sidecar) and `canaryNamespaces`. It runs any shell command it is sent, so
   * without this any pod that reaches it can run commands with its network position.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;

  /**
   * Namespace of Flagger's pods, the only callers the NetworkPolicy admits.
   *
   * @default "istio-system", where Flagger's `kustomize/istio` installs it
   */
  readonly flaggerNamespace?: string;

  /**
   * Labels of Flagger's pods. Flagger's kustomize manifests label them `app: flagger`; its Helm chart
   * labels them `app.kubernetes.io/name: flagger`.
   *
   * @default { app: "flagger" }, as `kustomize/istio` (and setup.sh) installs it
   */
  readonly flaggerPodLabels?: { [key: string]: string };

  /**
   * Namespace of istiod, which the loadtester's sidecar must reach on port 15012 for its
   * configuration and certificates.
   *
   * @default "istio-system"
   */
  readonly istioNamespace?: string;
}

/** Options of `LoadTester.fromService`. */
export interface LoadTesterServiceReference {
  /** Namespace of the shared loadtester's Service. */
  readonly namespace: string;

  /**
   * Name of its Service.
   *
   * @default "flagger-loadtester"
   */
  readonly name?: string;

  /**
   * Port of its Service.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * The namespaces its `-namespace-regexp` admits, if you know them; Canaries elsewhere are refused.
   *
   * @default - unknown: not checked
   */
  readonly canaryNamespaces?: string[];
}

/**
 * What every loadtester offers, deployed by this app (`LoadTester`) or shared by another team
 * (`LoadTester.fromService`, `LoadTester.fromUrl`): the webhook builders that call it.
 */
export abstract class LoadTesterBase extends Construct implements ILoadTester {
  /** The in-cluster URL Flagger's webhooks call, ending in "/". */
  public abstract readonly url: string;
  private servedNamespaces?: string[];

  /**
   * A `pre-rollout` webhook that posts to the canary Service and fails the rollout unless the
   * response contains `expect`. It runs before any traffic is shifted.
   */
  public acceptanceTest(options: AcceptanceTestOptions = {}): ICanaryWebhook {
    return webhooks.acceptanceTest(this.endpoint, options);
  }

  /**
   * A `rollout` webhook that runs `hey` against the canary Service during the analysis, so the
   * metrics have traffic to measure, and by default a `pre-rollout` warm-up that starts it one
   * tick earlier. Its output goes to the loadtester's log (`logCmdOutput`).
   */
  public loadTest(options: LoadTestOptions = {}): ICanaryWebhook {
    return webhooks.loadTest(this.endpoint, options);
  }

  /** A `confirm-rollout` webhook to one of the loadtester's gates: the canary is not scaled up until it opens. */
  public confirmRollout(options: LoadTesterGateOptions = {}): ICanaryWebhook {
    return webhooks.gate(this.endpoint, WebhookType.CONFIRM_ROLLOUT, options, options.gate ?? LoadTesterGate.CHECK, 'rollout-gate');
  }

  /** A `confirm-traffic-increase` webhook to one of the loadtester's gates: each weight step waits for it. */
  public confirmTrafficIncrease(options: LoadTesterGateOptions = {}): ICanaryWebhook {
    return webhooks.gate(this.endpoint, WebhookType.CONFIRM_TRAFFIC_INCREASE, options, options.gate ?? LoadTesterGate.CHECK, 'traffic-increase-gate');
  }

  /** A `confirm-promotion` webhook to one of the loadtester's gates: promotion waits for it, checks go on. */
  public confirmPromotion(options: LoadTesterGateOptions = {}): ICanaryWebhook {
    return webhooks.gate(this.endpoint, WebhookType.CONFIRM_PROMOTION, options, options.gate ?? LoadTesterGate.CHECK, 'promotion-gate');
  }

  /** A `rollback` webhook to `/rollback/check`: the canary rolls back once an operator opens it. */
  public rollbackGate(options: LoadTesterRollbackGateOptions = {}): ICanaryWebhook {
    return webhooks.rollbackGate(this.endpoint, options);
  }

  /** A webhook of `type` that makes the loadtester run a command, e.g. `ghz` for a gRPC load test. */
  public command(type: WebhookType, options: LoadTesterCommandOptions): ICanaryWebhook {
    return webhooks.command(this.endpoint, type, options);
  }

  /**
   * The shell command that performs `action` for the Canary `namespace/name` through this
   * loadtester, e.g. opening its gate.
   */
  public abstract gateCommand(action: LoadTesterGateAction, canaryNamespace: string, canaryName: string): string;

  /**
   * The namespaces whose Canaries the loadtester serves, when known: a webhook for a Canary
   * elsewhere is then refused at construction.
   */
  protected serveCanaryNamespaces(namespaces: string[]): void {
    this.servedNamespaces = namespaces;
  }

  private get endpoint(): webhooks.LoadTesterEndpoint {
    return { url: this.url, path: this.node.path, canaryNamespaces: this.servedNamespaces };
  }
}

/**
 * Flagger's load tester: a Deployment and a Service, as in Flagger's `kustomize/tester`, locked down
 * with a NetworkPolicy, plus builders for the webhooks that call it. The webhooks' URLs come from
 * this construct's Service and from the Canary they are added to, so neither can be mistyped.
 */
export class LoadTester extends LoadTesterBase {
  /**
   * A loadtester another team runs, by the namespace and name of its Service. The Service is
   * recorded as an external object of the app, so the synth-time lint does not report it missing.
   */
  public static fromService(scope: Construct, id: string, reference: LoadTesterServiceReference): ILoadTester {
    return new ImportedLoadTester(scope, id, (self) => {
      const namespace = checkDnsLabel(self, 'namespace', reference?.namespace);
      const name = checkDnsLabel(self, 'name', reference.name ?? 'flagger-loadtester');
      const port = checkPort(self, 'port', reference.port ?? 80);
      ExternalObjects.of(self).add({ kind: 'Service', namespace, name, path: self.node.path });
      const served = reference.canaryNamespaces?.map((served, index) => checkDnsLabel(self, `canaryNamespaces[${index}]`, served));
      return { url: serviceUrl(name, namespace, port, '/'), canaryNamespaces: served };
    });
  }

  /**
   * A loadtester at any URL, e.g. one outside the mesh. Nothing is recorded: the synth-time lint
   * still reports an in-cluster URL that names no Service it knows.
   */
  public static fromUrl(scope: Construct, id: string, url: string): ILoadTester {
    return new ImportedLoadTester(scope, id, (self) => {
      const checked = checkUrl(self, 'url', url);
      return { url: checked.endsWith('/') ? checked : `${checked}/` };
    });
  }

  /** Name of the Deployment and the Service. */
  public readonly name: string;
  /** Namespace of the Deployment and the Service. */
  public readonly namespace: string;
  /** Port of the Service. */
  public readonly port = 80;
  /** The loadtester's Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The loadtester's Service. */
  public readonly service: kplus.Service;
  /** The namespaces whose Canaries it serves. */
  public readonly canaryNamespaces: string[];

  constructor(scope: Construct, id: string, props: LoadTesterProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'flagger-loadtester');
    this.namespace = props.namespace.name;
    const image = props.image ?? LOAD_TESTER_IMAGE;
    if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
      throw invalidProp(this, 'image', image, `use an image reference such as "${LOAD_TESTER_IMAGE}".`);
    }
    const runAsUser = checkInteger(this, 'runAsUser', props.runAsUser ?? 10001, 1, 2147483647, 'a non-root numeric user');
    const commandTimeout = goDuration(this, 'commandTimeout', props.commandTimeout ?? Duration.hours(1));
    const canaryNamespaces = props.canaryNamespaces ?? [this.namespace];
    if (canaryNamespaces.length === 0) {
      throw invalidProp(this, 'canaryNamespaces', [], 'list the namespaces of the Canaries it serves, e.g. ["test"].');
    }
    canaryNamespaces.forEach((served, index) => checkDnsLabel(this, `canaryNamespaces[${index}]`, served));
    this.canaryNamespaces = [...new Set(canaryNamespaces)];
    const labels = { app: this.name };
    const healthCheck = ['wget', '--quiet', '--tries=1', '--timeout=4', '--spider', 'http://localhost:8080/healthz'];

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      select: false,
      replicas: 1,
      podMetadata: {
        labels,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
      },
      automountServiceAccountToken: false,
      securityContext: nonRootPod(runAsUser),
      containers: [{
        name: 'loadtester',
        image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: [
          './loadtester', '-port=8080', '-log-level=info', `-timeout=${commandTimeout}`,
          // The loadtester runs the commands it is sent; it refuses Canaries of other namespaces.
          `-namespace-regexp=^(${this.canaryNamespaces.join('|')})$`,
        ],
        ports: [{ name: 'http', number: 8080, protocol: kplus.Protocol.TCP }],
        liveness: kplus.Probe.fromCommand(healthCheck, { timeoutSeconds: Duration.seconds(5) }),
        readiness: kplus.Probe.fromCommand(healthCheck, { timeoutSeconds: Duration.seconds(5) }),
        resources: {
          cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(512) },
        },
        securityContext: restrictedContainer(runAsUser),
      }],
    });
    // The root filesystem is read-only: what the loadtester writes is its log (hey's output with
    // logCmdOutput), which the kubelet rotates at 5 x 10Mi by default.
    limitEphemeralStorage(finishWorkload(this.deployment, labels), 1, Size.mebibytes(16), Size.mebibytes(128));

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: this.port, targetPort: 8080, protocol: kplus.Protocol.TCP }],
    });
    this.service.selectLabel('app', this.name);

    if (props.networkPolicy ?? true) {
      this.lockDown(labels, props);
    } else if (props.flaggerNamespace !== undefined || props.flaggerPodLabels !== undefined || props.istioNamespace !== undefined) {
      throw invalidProp(this, 'networkPolicy', false, 'flaggerNamespace, flaggerPodLabels and istioNamespace only shape the NetworkPolicy; drop them, or keep networkPolicy on.');
    }
    props.namespace.addToNamespace(this);
    this.serveCanaryNamespaces(this.canaryNamespaces);
  }

  /** The in-cluster URL Flagger's webhooks call. */
  public get url(): string {
    return `http://${this.name}.${this.namespace}/`;
  }

  /**
   * The command that performs `action` for the Canary `namespace/name`. It runs `curl` inside the
   * loadtester pod, the one place the NetworkPolicy lets a request to it come from besides Flagger.
   */
  public gateCommand(action: LoadTesterGateAction, canaryNamespace: string, canaryName: string): string {
    return `kubectl -n ${this.namespace} exec deploy/${this.name} -- ${gateCurl(this, action, canaryNamespace, canaryName, 'http://localhost:8080/')}`;
  }

  private lockDown(labels: Record<string, string>, props: LoadTesterProps): void {
    const flaggerNamespace = checkDnsLabel(this, 'flaggerNamespace', props.flaggerNamespace ?? 'istio-system');
    const istioNamespace = checkDnsLabel(this, 'istioNamespace', props.istioNamespace ?? 'istio-system');
    const flaggerPodLabels = props.flaggerPodLabels ?? { app: 'flagger' };
    if (Object.keys(flaggerPodLabels).length === 0) {
      throw invalidProp(this, 'flaggerPodLabels', flaggerPodLabels, 'name the labels of Flagger\'s pods, e.g. { app: "flagger" }; an empty selector admits every pod of the namespace.');
    }
    const inNamespace = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [{ namespaceSelector: inNamespace(flaggerNamespace), podSelector: { matchLabels: { ...flaggerPodLabels } } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8080) }],
        }],
        egress: [
          {
            to: [{ namespaceSelector: inNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
          },
          {
            to: [{ namespaceSelector: inNamespace(istioNamespace), podSelector: { matchLabels: { app: 'istiod' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(15012) }],
          },
          { to: this.canaryNamespaces.map((served) => ({ namespaceSelector: inNamespace(served) })) },
        ],
      },
    });
  }
}

class ImportedLoadTester extends LoadTesterBase {
  public readonly url: string;

  constructor(scope: Construct, id: string, resolve: (self: IConstruct) => { url: string; canaryNamespaces?: string[] }) {
    super(scope, id);
    const { url, canaryNamespaces } = resolve(this);
    this.url = url;
    if (canaryNamespaces) this.serveCanaryNamespaces(canaryNamespaces);
  }

  public gateCommand(action: LoadTesterGateAction, canaryNamespace: string, canaryName: string): string {
    return gateCurl(this, action, canaryNamespace, canaryName, this.url);
  }
}

function gateCurl(scope: IConstruct, action: LoadTesterGateAction, canaryNamespace: string, canaryName: string, base: string): string {
  if (!Object.values(LoadTesterGateAction).includes(action)) {
    throw invalidProp(scope, 'action', action, 'use a LoadTesterGateAction: OPEN_GATE, CLOSE_GATE, OPEN_ROLLBACK or CLOSE_ROLLBACK.');
  }
  checkDnsLabel(scope, 'canaryNamespace', canaryNamespace);
  checkDnsLabel(scope, 'canaryName', canaryName);
  return `curl -sd '{"name":"${canaryName}","namespace":"${canaryNamespace}"}' ${base}${action.slice(1)}`;
}
