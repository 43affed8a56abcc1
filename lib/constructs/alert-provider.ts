import * as kplus from 'cdk8s-plus-25';
import { Construct, IConstruct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { ExternalObjects } from './internal/external-objects';
import { checkUrl } from './internal/urls';
import { checkDnsLabel, invalidProp } from './internal/validate';

/**
 * The chat services Flagger v1.44 posts alerts to (`AlertProvider.spec.type`). Flagger has no
 * generic one: to receive every event at any HTTP endpoint, use `CanaryWebhook.event(...)`.
 */
export enum AlertProviderType {
  /** Slack, through an incoming webhook, or `chat.postMessage` with a bot token. */
  SLACK = 'slack',
  /** Microsoft Teams. */
  MS_TEAMS = 'msteams',
  /** Discord; Flagger appends `/slack` to the webhook address. */
  DISCORD = 'discord',
  /** Rocket.Chat. */
  ROCKET = 'rocket',
  /** Google Chat. */
  GOOGLE_CHAT = 'gchat',
}

/** The minimum severity of the events an alert is sent for. */
export enum AlertSeverity {
  /** Every event: initialisation, new revision, waiting for approval, promotion, failure. */
  INFO = 'info',
  /** Waiting for manual approval, and failed analyses. */
  WARN = 'warn',
  /** Failed analyses only. */
  ERROR = 'error',
}

/**
 * Where an AlertProvider posts. A chat webhook URL is a credential (anyone who has it can post), so
 * the usual form is a Secret; a plain URL is for receivers that need no secrecy.
 */
export class AlertAddress {
  /**
   * The address in the `address` key of a Secret in the AlertProvider's namespace (a Slack bot
   * token may sit beside it in `token`). It takes precedence over any plain address.
   */
  public static fromSecret(secret: kplus.ISecret): AlertAddress {
    return new AlertAddress(undefined, secret);
  }

  /** A plain URL, written into the AlertProvider for everyone who can read it. */
  public static fromUrl(url: string): AlertAddress {
    return new AlertAddress(url, undefined);
  }

  private constructor(private readonly url?: string, private readonly secret?: kplus.ISecret) {}

  /** @internal */
  public _render(scope: IConstruct, namespace: string): Pick<flagger.AlertProviderSpec, 'address' | 'secretRef'> {
    if (this.url !== undefined) return { address: checkUrl(scope, 'address', this.url) };
    const secret = this.secret;
    if (!secret || typeof secret.name !== 'string') {
      throw invalidProp(scope, 'address', secret === undefined ? undefined : String(secret), 'pass a cdk8s-plus-25 Secret, or kplus.Secret.fromSecretName(scope, id, name) for one that exists.');
    }
    const secretNamespace = secret instanceof kplus.Secret ? secret.metadata.namespace : undefined;
    if (secretNamespace !== undefined && secretNamespace !== namespace) {
      throw invalidProp(scope, 'address', `${secretNamespace}/${secret.name}`, `Flagger reads the Secret from the AlertProvider's namespace (${namespace}); create it there.`);
    }
    return { secretRef: { name: secret.name } };
  }
}

/** An AlertProvider a Canary can send alerts to: one of this app, or one another team owns. */
export interface IAlertProvider extends IConstruct {
  /** Name of the AlertProvider. */
  readonly name: string;
  /** Namespace of the AlertProvider. */
  readonly namespace: string;
}

/** Properties of an `AlertProvider`. */
export interface AlertProviderProps {
  /** Name of the AlertProvider. */
  readonly name: string;

  /** Namespace of the AlertProvider and of the Secret holding its address. */
  readonly namespace: string;

  /** The chat service. */
  readonly type: AlertProviderType;

  /** Where to post, usually `AlertAddress.fromSecret(...)`. */
  readonly address: AlertAddress;

  /**
   * Channel to post in (Slack, Discord, Rocket.Chat).
   *
   * @default - Flagger's "general"
   */
  readonly channel?: string;

  /**
   * Name the messages are posted under (Slack, Discord, Rocket.Chat).
   *
   * @default - Flagger's "flagger"
   */
  readonly username?: string;

  /**
   * HTTP or HTTPS proxy to post through.
   *
   * @default - direct
   */
  readonly proxy?: string;
}

/** Options of `AlertProvider.fromName`. */
export interface AlertProviderReference {
  /** Namespace of the AlertProvider. */
  readonly namespace: string;
  /** Name of the AlertProvider. */
  readonly name: string;
}

const CHANNEL_TYPES = [AlertProviderType.SLACK, AlertProviderType.DISCORD, AlertProviderType.ROCKET];

/**
 * A Flagger AlertProvider (`flagger.app/v1beta1`): a chat channel that Canaries send alerts to,
 * each with its own severity (`CanaryAlert`).
 */
export class AlertProvider extends Construct implements IAlertProvider {
  /**
   * An AlertProvider another team owns. It is recorded as an external object of the app, so the
   * synth-time lint does not report it missing.
   */
  public static fromName(scope: Construct, id: string, reference: AlertProviderReference): IAlertProvider {
    return new ImportedAlertProvider(scope, id, reference);
  }

  /** Name of the AlertProvider. */
  public readonly name: string;
  /** Namespace of the AlertProvider. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: AlertProviderProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace);
    if (!Object.values(AlertProviderType).includes(props.type)) {
      throw invalidProp(this, 'type', props.type, `use an AlertProviderType: ${Object.values(AlertProviderType).join(', ')}; for any other receiver, use CanaryWebhook.event(...).`);
    }
    if (!(props.address instanceof AlertAddress)) {
      throw invalidProp(this, 'address', props.address === undefined ? undefined : String(props.address), 'use AlertAddress.fromSecret(secret), or AlertAddress.fromUrl(url).');
    }
    for (const field of ['channel', 'username'] as const) {
      if (props[field] !== undefined && !CHANNEL_TYPES.includes(props.type)) {
        throw invalidProp(this, field, props[field], `Flagger's ${props.type} notifier ignores it; drop it.`);
      }
    }
    if (props.channel !== undefined && !/^#?[\w.-]+$/.test(props.channel)) {
      throw invalidProp(this, 'channel', props.channel, 'use a channel name such as "on-call-alerts".');
    }
    new flagger.AlertProvider(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        type: props.type as unknown as flagger.AlertProviderSpecType,
        channel: props.channel,
        username: props.username,
        ...props.address._render(this, this.namespace),
        proxy: props.proxy === undefined ? undefined : checkUrl(this, 'proxy', props.proxy),
      },
    });
  }
}

class ImportedAlertProvider extends Construct implements IAlertProvider {
  public readonly name: string;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, reference: AlertProviderReference) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', reference.name);
    this.namespace = checkDnsLabel(this, 'namespace', reference.namespace);
    ExternalObjects.of(this).add({ kind: 'AlertProvider', namespace: this.namespace, name: this.name, path: this.node.path });
  }
}

/** Options of `CanaryAlert.to`. */
export interface CanaryAlertOptions {
  /**
   * Name of the alert in the analysis.
   *
   * @default - the provider's name
   */
  readonly name?: string;

  /**
   * The least severe events it is sent for.
   *
   * @default AlertSeverity.INFO, Flagger's default
   */
  readonly severity?: AlertSeverity;
}

/** One alert of the analysis (`analysis.alerts[]`): events of this Canary posted to an AlertProvider. */
export class CanaryAlert {
  /** Posts this Canary's events of `severity` or worse to `provider`. */
  public static to(provider: IAlertProvider, options: CanaryAlertOptions = {}): CanaryAlert {
    return new CanaryAlert(provider, options);
  }

  private constructor(private readonly provider: IAlertProvider, private readonly options: CanaryAlertOptions) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): flagger.CanarySpecAnalysisAlerts {
    const provider = this.provider;
    if (!provider || typeof provider.name !== 'string' || typeof provider.namespace !== 'string') {
      throw invalidProp(scope, `${field}.provider`, provider === undefined ? undefined : String(provider), 'pass an AlertProvider, or AlertProvider.fromName(scope, id, { namespace, name }).');
    }
    const severity = this.options.severity;
    if (severity !== undefined && !Object.values(AlertSeverity).includes(severity)) {
      throw invalidProp(scope, `${field}.severity`, severity, 'use AlertSeverity.INFO, WARN or ERROR.');
    }
    const name = this.options.name ?? provider.name;
    if (typeof name !== 'string' || name.trim() === '') throw invalidProp(scope, `${field}.name`, name, 'give the alert a name.');
    return {
      name,
      severity: severity as unknown as flagger.CanarySpecAnalysisAlertsSeverity,
      providerRef: { name: provider.name, namespace: provider.namespace },
    };
  }
}
