import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { IConstruct } from 'constructs';
import { ExternalObjects } from './internal/external-objects';
import { checkPath, checkUrl, serviceUrl } from './internal/urls';
import { checkDnsLabel, checkInteger, invalidProp } from './internal/validate';

/** When Flagger calls a webhook (Flagger's `webhooks[].type`). */
export enum WebhookType {
  /** Before the canary is scaled up; the rollout waits until it returns 2xx. For manual approval. */
  CONFIRM_ROLLOUT = 'confirm-rollout',
  /** Before traffic is routed to the canary; a failure counts as a failed check. */
  PRE_ROLLOUT = 'pre-rollout',
  /** At every interval of the analysis, before the metric checks; a failure counts as a failed check. */
  ROLLOUT = 'rollout',
  /** Before each traffic weight increase; the increase waits until it returns 2xx. */
  CONFIRM_TRAFFIC_INCREASE = 'confirm-traffic-increase',
  /** Before promotion; promotion waits until it returns 2xx while the checks go on. */
  CONFIRM_PROMOTION = 'confirm-promotion',
  /** After promotion or rollback; a failure is only logged. */
  POST_ROLLOUT = 'post-rollout',
  /** While the canary is progressing or waiting; a 2xx rolls it back. For manual rollback. */
  ROLLBACK = 'rollback',
  /** On every Kubernetes event Flagger emits for the canary, posted as JSON. */
  EVENT = 'event',
}

/** What a webhook needs to know about the Canary it is added to. */
export interface CanaryWebhookContext {
  /** The Canary construct, for error messages. */
  readonly scope: IConstruct;
  /** Name of the Canary's apex Service; Flagger adds `-canary` and `-primary`. */
  readonly serviceName: string;
  /** Namespace of the Canary and its Services. */
  readonly namespace: string;
  /** `service.port` of the Canary. */
  readonly port: number;
  /** `analysis.interval` of the Canary. */
  readonly interval: Duration;
}

/** One webhook of `spec.analysis.webhooks`, as an `ICanaryWebhook` returns it. */
export interface CanaryWebhookConfig {
  /** Name of the webhook, unique within the Canary. */
  readonly name: string;
  /** When Flagger calls it. */
  readonly type: WebhookType;
  /** The URL Flagger posts to. */
  readonly url: string;
  /**
   * How long Flagger waits for the response.
   *
   * @default - Flagger's 10s
   */
  readonly timeout?: Duration;
  /**
   * Retries of a failed call.
   *
   * @default - no retry
   */
  readonly retries?: number;
  /**
   * For confirm webhooks: no "waiting for approval" alert.
   *
   * @default false
   */
  readonly muteAlert?: boolean;
  /**
   * Skip TLS verification of an https URL.
   *
   * @default false
   */
  readonly disableTls?: boolean;
  /**
   * Strings sent in the payload's `metadata`.
   *
   * @default - none
   */
  readonly metadata?: { [key: string]: string };
}

/**
 * One or more Flagger webhooks, resolved against the Canary they are added to, so their URLs are
 * derived from the Canary's own Services and port instead of being typed by hand.
 */
export interface ICanaryWebhook {
  /** The webhooks this stands for, for the Canary described by `context`. */
  bind(context: CanaryWebhookContext): CanaryWebhookConfig[];
}

/** Options of `WebhookEndpoint.fromService` and `WebhookEndpoint.fromServiceName`. */
export interface ServiceEndpointOptions {
  /**
   * Absolute path on the Service.
   *
   * @default "/"
   */
  readonly path?: string;

  /**
   * Port of the Service.
   *
   * @default - the Service's first port for `fromService`, 80 for `fromServiceName`
   */
  readonly port?: number;
}

/** Where a webhook posts: a Service of this app, a Service another team owns, or any URL. */
export class WebhookEndpoint {
  /** A Service construct of this app, e.g. a receiver you deploy beside the Canary. */
  public static fromService(service: kplus.Service, options: ServiceEndpointOptions = {}): WebhookEndpoint {
    return new WebhookEndpoint((scope, field) => {
      if (!(service instanceof kplus.Service)) {
        throw invalidProp(scope, `${field}.service`, service === undefined ? undefined : String(service), 'pass a cdk8s-plus-25 Service, or use WebhookEndpoint.fromServiceName(...) or fromUrl(...).');
      }
      const namespace = service.metadata.namespace;
      if (!namespace) {
        throw invalidProp(scope, `${field}.service`, service.node.path, 'give the Service metadata.namespace: Flagger calls webhooks from its own namespace, where a bare Service name does not resolve.');
      }
      const ports = service.ports.map((port) => port.port);
      const port = options.port ?? ports[0];
      if (port === undefined || !ports.includes(port)) {
        throw invalidProp(scope, `${field}.port`, port, `${service.node.path} exposes ${ports.length ? ports.join(', ') : 'no port'}; use one of those.`);
      }
      return serviceUrl(service.name, namespace, port, checkPath(scope, `${field}.path`, options.path ?? '/'));
    });
  }

  /**
   * An in-cluster Service another team owns, by namespace and name. It is recorded as an external
   * object of the app, so the synth-time lint does not report it missing.
   */
  public static fromServiceName(namespace: string, name: string, options: ServiceEndpointOptions = {}): WebhookEndpoint {
    return new WebhookEndpoint((scope, field) => {
      checkDnsLabel(scope, `${field}.namespace`, namespace);
      checkDnsLabel(scope, `${field}.name`, name);
      const port = checkInteger(scope, `${field}.port`, options.port ?? 80, 1, 65535);
      ExternalObjects.of(scope).add({ kind: 'Service', namespace, name, path: scope.node.path });
      return serviceUrl(name, namespace, port, checkPath(scope, `${field}.path`, options.path ?? '/'));
    });
  }

  /** Any http or https URL, e.g. a chat bot or an event receiver outside the cluster. */
  public static fromUrl(url: string): WebhookEndpoint {
    return new WebhookEndpoint((scope, field) => checkUrl(scope, field, url));
  }

  private constructor(private readonly resolve: (scope: IConstruct, field: string) => string) {}

  /** @internal */
  public _url(scope: IConstruct, field: string): string {
    return this.resolve(scope, field);
  }
}

/** Options shared by every webhook builder of `CanaryWebhook`. */
export interface CanaryWebhookOptions {
  /** Name of the webhook, unique within the Canary, e.g. "smoke-test". */
  readonly name: string;

  /** Where Flagger posts. */
  readonly endpoint: WebhookEndpoint;

  /**
   * How long Flagger waits for the response.
   *
   * @default - Flagger's 10s
   */
  readonly timeout?: Duration;

  /**
   * Retries of a failed call.
   *
   * @default - no retry
   */
  readonly retries?: number;

  /**
   * Skip TLS verification of an https endpoint.
   *
   * @default false
   */
  readonly disableTls?: boolean;

  /**
   * Strings sent in the payload's `metadata`, e.g. `{ environment: 'test' }`.
   *
   * @default - none
   */
  readonly metadata?: { [key: string]: string };
}

/** Options of the confirm webhooks, which Flagger may announce with an alert. */
export interface ConfirmWebhookOptions extends CanaryWebhookOptions {
  /**
   * Send no "waiting for approval" alert while the gate is closed.
   *
   * @default false
   */
  readonly muteAlert?: boolean;
}

const CONFIRM_TYPES = [WebhookType.CONFIRM_ROLLOUT, WebhookType.CONFIRM_TRAFFIC_INCREASE, WebhookType.CONFIRM_PROMOTION];

/**
 * A Flagger webhook of any type, posting to a `WebhookEndpoint`. For Flagger's loadtester use the
 * builders of `LoadTester` instead (`acceptanceTest`, `loadTest`, `gate`, ...).
 */
export class CanaryWebhook implements ICanaryWebhook {
  /** Gates the start of a rollout: the canary is not scaled up until the endpoint returns 2xx. */
  public static confirmRollout(options: ConfirmWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.CONFIRM_ROLLOUT, options);
  }

  /** Gates each traffic increase until the endpoint returns 2xx. */
  public static confirmTrafficIncrease(options: ConfirmWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.CONFIRM_TRAFFIC_INCREASE, options);
  }

  /** Gates promotion until the endpoint returns 2xx; the checks go on meanwhile. */
  public static confirmPromotion(options: ConfirmWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.CONFIRM_PROMOTION, options);
  }

  /** Runs before any traffic reaches the canary, e.g. acceptance tests; a failure is a failed check. */
  public static preRollout(options: CanaryWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.PRE_ROLLOUT, options);
  }

  /** Runs at every interval of the analysis; a failure is a failed check. */
  public static rollout(options: CanaryWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.ROLLOUT, options);
  }

  /** Runs after promotion or rollback; a failure is only logged. */
  public static postRollout(options: CanaryWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.POST_ROLLOUT, options);
  }

  /** Asked during the analysis and while waiting: a 2xx rolls the canary back. */
  public static rollback(options: CanaryWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.ROLLBACK, options);
  }

  /** Receives every event Flagger emits for the canary, as JSON. */
  public static event(options: CanaryWebhookOptions): CanaryWebhook {
    return new CanaryWebhook(WebhookType.EVENT, options);
  }

  private constructor(
    /** When Flagger calls it. */
    public readonly type: WebhookType,
    private readonly options: ConfirmWebhookOptions,
  ) {}

  /** The webhook, with its URL resolved for the Canary. */
  public bind(context: CanaryWebhookContext): CanaryWebhookConfig[] {
    const options = this.options ?? ({} as ConfirmWebhookOptions);
    const field = `webhooks["${options.name}"]`;
    if (!(options.endpoint instanceof WebhookEndpoint)) {
      throw invalidProp(context.scope, `${field}.endpoint`, options.endpoint === undefined ? undefined : String(options.endpoint),
        'use WebhookEndpoint.fromService(...), WebhookEndpoint.fromServiceName(...) or WebhookEndpoint.fromUrl(...).');
    }
    if (options.muteAlert !== undefined && !CONFIRM_TYPES.includes(this.type)) {
      throw invalidProp(context.scope, `${field}.muteAlert`, options.muteAlert, `Flagger alerts only for confirm webhooks, not ${this.type}; drop muteAlert.`);
    }
    return [{
      name: options.name,
      type: this.type,
      url: options.endpoint._url(context.scope, `${field}.endpoint`),
      timeout: options.timeout,
      retries: options.retries,
      muteAlert: options.muteAlert,
      disableTls: options.disableTls,
      metadata: options.metadata,
    }];
  }
}
