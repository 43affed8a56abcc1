import * as kplus from 'cdk8s-plus-25';
import { Construct, IConstruct } from 'constructs';
import * as flagger from '../../imports/flagger.app';
import { ExternalObjects } from './internal/external-objects';
import { readQueryTemplate } from './internal/template-query';
import { checkUrl } from './internal/urls';
import { checkDnsLabel, invalidProp } from './internal/validate';

/** The metric providers of Flagger v1.44 (`MetricTemplate.spec.provider.type`). */
export enum MetricProviderType {
  /** Prometheus, queried in PromQL. */
  PROMETHEUS = 'prometheus',
  /** Datadog. */
  DATADOG = 'datadog',
  /** Amazon CloudWatch (GetMetricData JSON queries). */
  CLOUDWATCH = 'cloudwatch',
  /** New Relic Insights (NRQL). */
  NEW_RELIC = 'newrelic',
  /** Graphite. */
  GRAPHITE = 'graphite',
  /** InfluxDB 2 (Flux). */
  INFLUXDB = 'influxdb',
  /** Dynatrace. */
  DYNATRACE = 'dynatrace',
  /** Keptn metrics and analyses, in the cluster. */
  KEPTN = 'keptn',
  /** Google Cloud Monitoring (MQL). */
  STACKDRIVER = 'stackdriver',
  /** Splunk Observability (SignalFlow). */
  SPLUNK = 'splunk',
  /** The Kubernetes external metrics API. */
  EXTERNAL_METRICS = 'externalmetrics',
}

/** Options of `MetricProvider.prometheus`. */
export interface PrometheusProviderOptions {
  /** URL of the Prometheus API, e.g. "http://prometheus.istio-system:9090". */
  readonly address: string;
  /**
   * Secret, in the MetricTemplate's namespace, with `token`, or `username` and `password`.
   *
   * @default - no authentication
   */
  readonly secret?: kplus.ISecret;
  /**
   * Skip TLS verification of an https address.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
  /**
   * Extra HTTP headers of every query, e.g. `{ 'X-Scope-OrgID': ['team-a'] }` for Mimir or Cortex.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string[] };
}

/** Options of a provider that needs an API address and may take credentials (Graphite, InfluxDB). */
export interface AddressProviderOptions {
  /** URL of the provider's API. */
  readonly address: string;
  /**
   * Secret, in the MetricTemplate's namespace, with the provider's credentials.
   *
   * @default - no credentials
   */
  readonly secret?: kplus.ISecret;
  /**
   * Skip TLS verification of an https address.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** Options of a provider that needs credentials and has a default address (Datadog, New Relic). */
export interface CredentialsProviderOptions {
  /** Secret, in the MetricTemplate's namespace, with the provider's keys. */
  readonly secret: kplus.ISecret;
  /**
   * URL of the provider's API.
   *
   * @default - the provider's public API (Datadog: https://api.datadoghq.com, New Relic: https://insights-api.newrelic.com)
   */
  readonly address?: string;
}

/** Options of a provider that needs both an address and credentials (Dynatrace, Splunk). */
export interface AddressAndCredentialsProviderOptions {
  /** URL of the provider's API. */
  readonly address: string;
  /** Secret, in the MetricTemplate's namespace, with the provider's token. */
  readonly secret: kplus.ISecret;
}

/** Options of `MetricProvider.cloudWatch`. */
export interface CloudWatchProviderOptions {
  /** AWS region of the metrics, e.g. "eu-west-1". Flagger needs IAM permission for `cloudwatch:GetMetricData`. */
  readonly region: string;
}

/** Options of `MetricProvider.stackdriver`. */
export interface StackdriverProviderOptions {
  /** Secret, in the MetricTemplate's namespace, with `project` (and `serviceAccountKey` without Workload Identity). */
  readonly secret: kplus.ISecret;
}

/** Options of `MetricProvider.externalMetrics`. */
export interface ExternalMetricsProviderOptions {
  /**
   * URL of the external metrics API server.
   *
   * @default - the cluster's API server
   */
  readonly address?: string;
  /**
   * Secret, in the MetricTemplate's namespace, with a bearer `token`.
   *
   * @default - Flagger's service account
   */
  readonly secret?: kplus.ISecret;
}

interface ProviderSpec {
  readonly type: MetricProviderType;
  readonly address?: string;
  readonly secret?: kplus.ISecret;
  readonly region?: string;
  readonly insecureSkipVerify?: boolean;
  readonly headers?: { [name: string]: string[] };
  /** The keys Flagger reads from the secret, for the doc of each factory. */
  readonly secretKeys?: string;
}

/**
 * Where a `MetricTemplate` reads its metric: one factory per provider of Flagger v1.44, each taking
 * what that provider requires (Flagger's `pkg/metrics/providers`). Credentials always come from a
 * Secret in the MetricTemplate's namespace, never inline.
 */
export class MetricProvider {
  /** Prometheus. The secret, if any, holds `token`, or `username` and `password`. */
  public static prometheus(options: PrometheusProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.PROMETHEUS, ...options });
  }

  /** Datadog. The secret holds `datadog_api_key` and `datadog_application_key`. */
  public static datadog(options: CredentialsProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.DATADOG, ...options, secretKeys: 'datadog_api_key and datadog_application_key' });
  }

  /** Amazon CloudWatch, with Flagger's AWS credentials. */
  public static cloudWatch(options: CloudWatchProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.CLOUDWATCH, region: options?.region });
  }

  /** New Relic. The secret holds `newrelic_account_id` and `newrelic_query_key`. */
  public static newRelic(options: CredentialsProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.NEW_RELIC, ...options, secretKeys: 'newrelic_account_id and newrelic_query_key' });
  }

  /** Graphite. The secret, if any, holds `username` and `password`. */
  public static graphite(options: AddressProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.GRAPHITE, ...options });
  }

  /** InfluxDB 2. The secret, if any, holds `token` and `org`. */
  public static influxDb(options: AddressProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.INFLUXDB, ...options });
  }

  /** Dynatrace. The secret holds `dynatrace_token`. */
  public static dynatrace(options: AddressAndCredentialsProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.DYNATRACE, ...options, secretKeys: 'dynatrace_token' });
  }

  /** Keptn, in the cluster; the query names a KeptnMetric or an Analysis. */
  public static keptn(): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.KEPTN });
  }

  /** Google Cloud Monitoring. The secret holds `project`, and `serviceAccountKey` without Workload Identity. */
  public static stackdriver(options: StackdriverProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.STACKDRIVER, secret: options?.secret, secretKeys: 'project' });
  }

  /** Splunk Observability. The secret holds `sf_token_key`. */
  public static splunk(options: AddressAndCredentialsProviderOptions): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.SPLUNK, ...options, secretKeys: 'sf_token_key' });
  }

  /** The Kubernetes external metrics API; the query is `<namespace>/<metric>?labelSelector=...`. */
  public static externalMetrics(options: ExternalMetricsProviderOptions = {}): MetricProvider {
    return new MetricProvider({ type: MetricProviderType.EXTERNAL_METRICS, ...options });
  }

  private constructor(private readonly spec: ProviderSpec) {}

  /** The provider's type. */
  public get type(): MetricProviderType {
    return this.spec.type;
  }

  /** @internal */
  public _render(scope: IConstruct, namespace: string): flagger.MetricTemplateSpecProvider {
    const spec = this.spec;
    const needsAddress = [MetricProviderType.PROMETHEUS, MetricProviderType.GRAPHITE, MetricProviderType.INFLUXDB, MetricProviderType.DYNATRACE, MetricProviderType.SPLUNK];
    if (spec.address !== undefined || needsAddress.includes(spec.type)) checkUrl(scope, 'provider.address', spec.address as string);
    const needsSecret = [MetricProviderType.DATADOG, MetricProviderType.NEW_RELIC, MetricProviderType.DYNATRACE, MetricProviderType.STACKDRIVER, MetricProviderType.SPLUNK];
    if (spec.secret === undefined && needsSecret.includes(spec.type)) {
      throw invalidProp(scope, 'provider.secret', undefined, `Flagger reads ${spec.secretKeys} from a Secret for ${spec.type}; pass one, e.g. kplus.Secret.fromSecretName(this, 'creds', '${spec.type}').`);
    }
    if (spec.secret !== undefined) checkSecret(scope, spec.secret, namespace);
    if (spec.type === MetricProviderType.CLOUDWATCH && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(spec.region ?? '')) {
      throw invalidProp(scope, 'provider.region', spec.region, 'give the AWS region of the metrics, e.g. "eu-west-1".');
    }
    if (spec.headers) {
      for (const [name, values] of Object.entries(spec.headers)) {
        if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
          throw invalidProp(scope, `provider.headers["${name}"]`, values, 'give each header a list of strings, e.g. ["team-a"].');
        }
      }
    }
    return {
      type: spec.type as unknown as flagger.MetricTemplateSpecProviderType,
      address: spec.address,
      secretRef: spec.secret && { name: spec.secret.name },
      region: spec.region,
      insecureSkipVerify: spec.insecureSkipVerify,
      headers: spec.headers,
    };
  }
}

function checkSecret(scope: IConstruct, secret: kplus.ISecret, namespace: string): void {
  if (!secret || typeof secret.name !== 'string') {
    throw invalidProp(scope, 'provider.secret', secret === undefined ? undefined : String(secret), 'pass a cdk8s-plus-25 Secret, or kplus.Secret.fromSecretName(scope, id, name) for one that exists.');
  }
  const secretNamespace = secret instanceof kplus.Secret ? secret.metadata.namespace : undefined;
  if (secretNamespace !== undefined && secretNamespace !== namespace) {
    throw invalidProp(scope, 'provider.secret', `${secretNamespace}/${secret.name}`, `Flagger reads the Secret from the MetricTemplate's namespace (${namespace}); create it there.`);
  }
}

/** A MetricTemplate a Canary's metric can refer to: one of this app, or one another team owns. */
export interface IMetricTemplate extends IConstruct {
  /** Name of the MetricTemplate. */
  readonly name: string;
  /** Namespace of the MetricTemplate. */
  readonly namespace: string;
  /**
   * The query, when known, to check the template variables a metric passes.
   *
   * @default - unknown: the variables are not checked
   */
  readonly query?: string;
}

/** Properties of a `MetricTemplate`. */
export interface MetricTemplateProps {
  /** Name of the MetricTemplate; metrics refer to it by name. */
  readonly name: string;

  /**
   * Namespace of the MetricTemplate. The provider's Secret must live there too. A shared namespace
   * such as `istio-system` lets Canaries of every namespace use it.
   */
  readonly namespace: string;

  /** Where the metric is read. */
  readonly provider: MetricProvider;

  /**
   * The query, returning one number. It may use Flagger's template functions `{{ name }}`,
   * `{{ namespace }}`, `{{ target }}`, `{{ service }}`, `{{ ingress }}`, `{{ route }}`,
   * `{{ interval }}`, and `{{ variables.<x> }}` for each `x` a metric declares in its
   * `templateVariables`. Anything else fails at construction.
   */
  readonly query: string;
}

/** Options of `MetricTemplate.fromName`. */
export interface MetricTemplateReference {
  /** Namespace of the MetricTemplate. */
  readonly namespace: string;
  /** Name of the MetricTemplate. */
  readonly name: string;
  /**
   * Its query, if you know it, so the template variables of each metric are checked against it.
   *
   * @default - unknown
   */
  readonly query?: string;
}

/**
 * A Flagger MetricTemplate (`flagger.app/v1beta1`): a query against a metric provider, which a
 * Canary's metric checks through `CanaryMetric.fromTemplate`. The query's template functions are
 * checked at construction, as Flagger's renderer would read them.
 */
export class MetricTemplate extends Construct implements IMetricTemplate {
  /**
   * A MetricTemplate another team owns. It is recorded as an external object of the app, so the
   * synth-time lint does not report it missing.
   */
  public static fromName(scope: Construct, id: string, reference: MetricTemplateReference): IMetricTemplate {
    return new ImportedMetricTemplate(scope, id, reference);
  }

  /** Name of the MetricTemplate. */
  public readonly name: string;
  /** Namespace of the MetricTemplate. */
  public readonly namespace: string;
  /** The query (always set; optional only because references may not know theirs). */
  public readonly query?: string;
  /** Where the metric is read. */
  public readonly provider: MetricProvider;

  constructor(scope: Construct, id: string, props: MetricTemplateProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace);
    if (!(props.provider instanceof MetricProvider)) {
      throw invalidProp(this, 'provider', props.provider === undefined ? undefined : String(props.provider), 'use a MetricProvider factory, e.g. MetricProvider.prometheus({ address: "http://prometheus.istio-system:9090" }).');
    }
    this.provider = props.provider;
    this.query = props.query;
    new flagger.MetricTemplate(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: { provider: props.provider._render(this, this.namespace), query: checkQuery(this, props.query) },
    });
  }
}

class ImportedMetricTemplate extends Construct implements IMetricTemplate {
  public readonly name: string;
  public readonly namespace: string;
  public readonly query?: string;

  constructor(scope: Construct, id: string, reference: MetricTemplateReference) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', reference.name);
    this.namespace = checkDnsLabel(this, 'namespace', reference.namespace);
    this.query = reference.query === undefined ? undefined : checkQuery(this, reference.query);
    ExternalObjects.of(this).add({ kind: 'MetricTemplate', namespace: this.namespace, name: this.name, path: this.node.path });
  }
}

function checkQuery(scope: IConstruct, query: string): string {
  if (typeof query !== 'string' || query.trim() === '') {
    throw invalidProp(scope, 'query', query, 'write the query that returns the metric\'s value.');
  }
  const { problems } = readQueryTemplate(query);
  if (problems.length > 0) throw invalidProp(scope, 'query', query.length > 120 ? `${query.slice(0, 117)}...` : query, `${problems[0]}.`);
  return query;
}
