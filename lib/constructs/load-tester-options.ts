import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ICanaryWebhook, WebhookType } from './canary-webhook';

// What the webhooks of Flagger's loadtester take, and the interface of a loadtester, whether this
// app deploys it (LoadTester) or another team runs it (LoadTester.fromService / fromUrl).

/** How a loadtester gate answers a confirm webhook. */
export enum LoadTesterGate {
  /** `/gate/check`: closed until someone opens it for the Canary (`LoadTesterGateAction.OPEN_GATE`). */
  CHECK = '/gate/check',
  /** `/gate/approve`: always open. */
  APPROVE = '/gate/approve',
  /** `/gate/halt`: always closed. */
  HALT = '/gate/halt',
}

/** The loadtester endpoints an operator calls to drive the `CHECK` gate and the rollback gate of one Canary. */
export enum LoadTesterGateAction {
  /** `/gate/open`: let the gated step of the Canary proceed. */
  OPEN_GATE = '/gate/open',
  /** `/gate/close`: hold it again. */
  CLOSE_GATE = '/gate/close',
  /** `/rollback/open`: roll the Canary back at its next check. */
  OPEN_ROLLBACK = '/rollback/open',
  /** `/rollback/close`: withdraw the rollback request. */
  CLOSE_ROLLBACK = '/rollback/close',
}

/** How the loadtester runs a command (`metadata.type`). */
export enum LoadTesterRunner {
  /** In the background; the webhook returns at once. Repeated calls while it runs are skipped. For load. */
  CMD = 'cmd',
  /** `bash -c`, blocking; a non-zero exit fails the webhook. For tests. */
  BASH = 'bash',
  /** `helm` v3, blocking (needs RBAC for the loadtester's service account). */
  HELM_V3 = 'helmv3',
  /** `kubectl`, blocking (needs RBAC for the loadtester's service account). */
  KUBECTL = 'kubectl',
}

/** Which of the Canary's Services a load test sends its requests to. */
export enum LoadTestRoute {
  /** `<name>-canary`: only the new version, whatever the routing. Metrics get traffic at every step. */
  CANARY_SERVICE = 'canary',
  /**
   * `<name>`, the apex: through Flagger's VirtualService, like live traffic, so it is split by
   * weight, matched by A/B conditions (send their `headers`) or mirrored.
   */
  APEX_SERVICE = 'apex',
}

/** Options of `acceptanceTest`. */
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

/** Options of `loadTest`. */
export interface LoadTestOptions {
  /**
   * Name of the webhook.
   *
   * @default "load-test"
   */
  readonly name?: string;

  /**
   * Path on the Service that `hey` requests.
   *
   * @default "/"
   */
  readonly path?: string;

  /**
   * The Service `hey` requests.
   *
   * @default LoadTestRoute.CANARY_SERVICE
   */
  readonly route?: LoadTestRoute;

  /**
   * Request headers `hey` sends (`hey -H`), e.g. the header or cookie of an A/B test with
   * `route: LoadTestRoute.APEX_SERVICE`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

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

/** Options of the gate webhooks (`confirmRollout`, `confirmTrafficIncrease`, `confirmPromotion`). */
export interface LoadTesterGateOptions {
  /**
   * Name of the webhook.
   *
   * @default - "rollout-gate", "traffic-increase-gate" or "promotion-gate"
   */
  readonly name?: string;

  /**
   * How the gate answers.
   *
   * @default LoadTesterGate.CHECK: closed until an operator opens it
   */
  readonly gate?: LoadTesterGate;

  /**
   * Send no "waiting for approval" alert while the gate is closed.
   *
   * @default false
   */
  readonly muteAlert?: boolean;

  /**
   * How long Flagger waits for the gate to answer.
   *
   * @default - Flagger's 10s
   */
  readonly timeout?: Duration;
}

/** Options of `rollbackGate`. */
export interface LoadTesterRollbackGateOptions {
  /**
   * Name of the webhook.
   *
   * @default "rollback-gate"
   */
  readonly name?: string;

  /**
   * How long Flagger waits for the gate to answer.
   *
   * @default - Flagger's 10s
   */
  readonly timeout?: Duration;
}

/** Options of `command`. */
export interface LoadTesterCommandOptions {
  /** Name of the webhook. */
  readonly name: string;

  /** The command line, e.g. `ghz --insecure podinfo-canary.test:9999`. */
  readonly command: string;

  /**
   * How the loadtester runs it.
   *
   * @default LoadTesterRunner.CMD
   */
  readonly runner?: LoadTesterRunner;

  /**
   * Write the output of a `CMD` command to the loadtester's log (blocking runners always do).
   *
   * @default true
   */
  readonly logOutput?: boolean;

  /**
   * Return the output of a blocking command in the webhook's response, so Flagger's events show it.
   *
   * @default false
   */
  readonly returnOutput?: boolean;

  /**
   * How long Flagger waits for the response.
   *
   * @default - Flagger's 10s
   */
  readonly timeout?: Duration;
}

/** Flagger's loadtester, deployed by this app or shared by another team, with builders for the webhooks that call it. */
export interface ILoadTester extends IConstruct {
  /** The in-cluster URL Flagger's webhooks call, ending in "/". */
  readonly url: string;

  /** A `pre-rollout` webhook that posts to the canary Service and fails unless the response contains `expect`. */
  acceptanceTest(options?: AcceptanceTestOptions): ICanaryWebhook;

  /** A `rollout` webhook that runs `hey` against the canary Service, with a `pre-rollout` warm-up by default. */
  loadTest(options?: LoadTestOptions): ICanaryWebhook;

  /** A `confirm-rollout` webhook to one of the loadtester's gates: the canary waits until it opens. */
  confirmRollout(options?: LoadTesterGateOptions): ICanaryWebhook;

  /** A `confirm-traffic-increase` webhook to one of the loadtester's gates. */
  confirmTrafficIncrease(options?: LoadTesterGateOptions): ICanaryWebhook;

  /** A `confirm-promotion` webhook to one of the loadtester's gates. */
  confirmPromotion(options?: LoadTesterGateOptions): ICanaryWebhook;

  /** A `rollback` webhook to `/rollback/check`: the canary rolls back once an operator opens it. */
  rollbackGate(options?: LoadTesterRollbackGateOptions): ICanaryWebhook;

  /** A webhook of `type` that makes the loadtester run a command. */
  command(type: WebhookType, options: LoadTesterCommandOptions): ICanaryWebhook;

  /**
   * The shell command that performs `action` for the Canary `namespace/name` through this
   * loadtester, e.g. opening its gate.
   */
  gateCommand(action: LoadTesterGateAction, canaryNamespace: string, canaryName: string): string;
}
