import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { CanaryWebhookContext, ICanaryWebhook, canaryServiceUrl } from './canary-webhook';
import { MeshNamespace } from './mesh-namespace';
import { finishWorkload, nonRootPod, restrictedContainer } from './internal/pod-security';
import { canaryDuration, checkDnsLabel, checkInteger, goDuration, invalidProp } from './internal/validate';

export const LOAD_TESTER_IMAGE = 'ghcr.io/fluxcd/flagger-loadtester:0.38.0';

/** Properties of `LoadTester`. */
export interface LoadTesterProps {
  /** The mesh namespace the load tester runs in. */
  readonly namespace: MeshNamespace;

  /**
   * Name of the Deployment and the Service.
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
}

/** Options of `LoadTester.acceptanceTest`. */
export interface AcceptanceTestOptions {
  /**
   * Name of the webhook.
   *
   * @default "acceptance-test"
   */
  readonly name?: string;

  /**
   * Path on the canary Service the test posts to.
   *
   * @default "/token", podinfo's token endpoint
   */
  readonly path?: string;

  /**
   * Text the response must contain for the test to pass.
   *
   * @default "token"
   */
  readonly expect?: string;

  /**
   * How long Flagger waits for the test.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
}

/** Options of `LoadTester.loadTest`. */
export interface LoadTestOptions {
  /**
   * Name of the webhook.
   *
   * @default "load-test"
   */
  readonly name?: string;

  /**
   * Path on the canary Service that `hey` requests.
   *
   * @default "/"
   */
  readonly path?: string;

  /**
   * Requests per second per worker (`hey -q`).
   *
   * @default 10
   */
  readonly requestsPerSecond?: number;

  /**
   * Concurrent workers (`hey -c`).
   *
   * @default 2
   */
  readonly concurrency?: number;

  /**
   * How long one `hey` run lasts (`hey -z`). It must be longer than the analysis interval: the
   * loadtester skips a command that is still running, so a run as long as the interval races the
   * next tick, and a shorter one leaves the metric windows without traffic.
   *
   * @default - twice the analysis interval less 5 seconds, so each run ends just before the tick
   * that starts the next one
   */
  readonly duration?: Duration;

  /**
   * How long Flagger waits for the loadtester to accept the command. The command runs in the
   * background; this only bounds the HTTP call.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Also start the same command from a `pre-rollout` webhook named `<name>-warmup`. Flagger calls
   * the rollout webhooks and queries the metrics in the same tick, so without a warm-up the first
   * check finds an empty window, halts with "no values found", and counts a failed check. Started
   * one tick earlier, the load is already flowing; the loadtester skips the rollout call while the
   * identical command still runs.
   *
   * @default true
   */
  readonly warmUp?: boolean;
}

/**
 * Flagger's load tester: a Deployment and a Service, as in Flagger's `kustomize/tester`, plus
 * builders for the webhooks that call it. The webhooks' URLs come from this construct's Service
 * and from the Canary they are added to, so neither can be mistyped.
 */
export class LoadTester extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** Port of the Service. */
  public readonly port = 80;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;

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
        command: ['./loadtester', '-port=8080', '-log-level=info', `-timeout=${commandTimeout}`],
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
    finishWorkload(this.deployment, labels);

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: this.port, targetPort: 8080, protocol: kplus.Protocol.TCP }],
    });
    this.service.selectLabel('app', this.name);
    props.namespace.addToNamespace(this);
  }

  /** The in-cluster URL Flagger's webhooks call. */
  public get url(): string {
    return `http://${this.name}.${this.namespace}/`;
  }

  /**
   * A `pre-rollout` webhook that posts to the canary Service and fails the rollout unless the
   * response contains `expect`. It runs before any traffic is shifted.
   */
  public acceptanceTest(options: AcceptanceTestOptions = {}): ICanaryWebhook {
    return {
      bind: (context: CanaryWebhookContext): flagger.CanarySpecAnalysisWebhooks[] => {
        const field = 'acceptanceTest';
        const path = checkPath(context, `${field}.path`, options.path ?? '/token');
        const expect = options.expect ?? 'token';
        if (!/^[\w./:-]+$/.test(expect)) {
          throw invalidProp(context.scope, `${field}.expect`, expect, 'use letters, digits and ". / : _ -" only; it is passed to grep.');
        }
        return [{
          name: webhookName(context, `${field}.name`, options.name ?? 'acceptance-test'),
          type: flagger.CanarySpecAnalysisWebhooksType.PRE_HYPHEN_ROLLOUT,
          url: this.url,
          timeout: canaryDuration(context.scope, `${field}.timeout`, options.timeout ?? Duration.seconds(30)),
          metadata: {
            type: 'bash',
            cmd: `curl -sd 'test' ${canaryServiceUrl(context, path)} | grep ${expect}`,
          },
        }];
      },
    };
  }

  /**
   * A `rollout` webhook that runs `hey` against the canary Service during the analysis, so the
   * metrics have traffic to measure, and by default a `pre-rollout` warm-up that starts it one
   * tick earlier. Its output goes to the loadtester's log (`logCmdOutput`).
   */
  public loadTest(options: LoadTestOptions = {}): ICanaryWebhook {
    return {
      bind: (context: CanaryWebhookContext): flagger.CanarySpecAnalysisWebhooks[] => {
        const field = 'loadTest';
        const scope = context.scope;
        const path = checkPath(context, `${field}.path`, options.path ?? '/');
        const rate = checkInteger(scope, `${field}.requestsPerSecond`, options.requestsPerSecond ?? 10, 1, 10_000);
        const concurrency = checkInteger(scope, `${field}.concurrency`, options.concurrency ?? 2, 1, 1_000);
        const interval = context.interval.toSeconds();
        const duration = options.duration ?? Duration.seconds(Math.max(2 * interval - 5, interval + 1));
        if (duration.toSeconds() <= interval) {
          throw invalidProp(scope, `${field}.duration`, duration,
            `it must be longer than the analysis interval (${interval}s), or the metric windows go without traffic; omit it for ${2 * interval - 5}s.`);
        }
        const name = webhookName(context, `${field}.name`, options.name ?? 'load-test');
        const timeout = canaryDuration(scope, `${field}.timeout`, options.timeout ?? Duration.seconds(5));
        const metadata = {
          cmd: `hey -z ${goDuration(scope, `${field}.duration`, duration)} -q ${rate} -c ${concurrency} ${canaryServiceUrl(context, path)}`,
          logCmdOutput: 'true',
        };
        const loadTest = { name, type: flagger.CanarySpecAnalysisWebhooksType.ROLLOUT, url: this.url, timeout, metadata };
        if (options.warmUp === false) return [loadTest];
        const warmUp = { ...loadTest, name: webhookName(context, `${field}.name`, `${name}-warmup`), type: flagger.CanarySpecAnalysisWebhooksType.PRE_HYPHEN_ROLLOUT };
        return [warmUp, loadTest];
      },
    };
  }
}

function checkPath(context: CanaryWebhookContext, field: string, path: string): string {
  if (typeof path !== 'string' || !/^\/[\w./~%-]*$/.test(path)) {
    throw invalidProp(context.scope, field, path, 'use an absolute URL path such as "/" or "/token", without spaces or quotes.');
  }
  return path;
}

function webhookName(context: CanaryWebhookContext, field: string, name: string): string {
  return checkDnsLabel(context.scope, field, name);
}
