import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { CanaryMetric, MetricProvider, MetricProviderType, MetricTemplate } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { Json, newChart, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';
import { synthCanary } from './canary-fixture';

const NOT_FOUND_PERCENTAGE = `100 - sum(
  rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}",
    destination_workload="{{ target }}", response_code!="404"}[{{ interval }}])
) / sum(
  rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}",
    destination_workload="{{ target }}"}[{{ interval }}])
) * 100`;

const LATENCY_BY_DIRECTION = 'histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="{{ namespace }}", deployment=~"{{ target }}", direction="{{ variables.direction }}"}[{{ interval }}])) by (le))';

function synthTemplate(provider: MetricProvider, query = NOT_FOUND_PERCENTAGE): Json[] {
  const chart = newChart();
  new MetricTemplate(chart, 'template', { name: 'not-found-percentage', namespace: 'istio-system', provider, query });
  return Testing.synth(chart);
}

describe('MetricTemplate', () => {
  test('a Prometheus template, as Flagger\'s docs write it', () => {
    const objects = synthTemplate(MetricProvider.prometheus({ address: 'http://prometheus.istio-system:9090' }));
    expect(objects).toMatchSnapshot();
    expect(objects[0]).toEqual({
      apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate',
      metadata: { name: 'not-found-percentage', namespace: 'istio-system' },
      spec: { provider: { type: 'prometheus', address: 'http://prometheus.istio-system:9090' }, query: NOT_FOUND_PERCENTAGE },
    });
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('Prometheus with credentials, headers and TLS verification off', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'auth', { metadata: { name: 'prom-auth', namespace: 'istio-system' }, stringData: { token: 't' } });
    new MetricTemplate(chart, 'template', {
      name: 'm', namespace: 'istio-system', query: 'up',
      provider: MetricProvider.prometheus({ address: 'https://mimir.monitoring', secret, insecureSkipVerify: true, headers: { 'X-Scope-OrgID': ['team-a'] } }),
    });
    const objects = Testing.synth(chart);
    expect(objects[1].spec.provider).toEqual({
      type: 'prometheus', address: 'https://mimir.monitoring', secretRef: { name: 'prom-auth' }, insecureSkipVerify: true, headers: { 'X-Scope-OrgID': ['team-a'] },
    });
    expect(validateStrictly(objects)).toEqual([]);
  });

  test.each<[string, (secret: kplus.ISecret) => MetricProvider, Json]>([
    ['Datadog', (secret) => MetricProvider.datadog({ secret }), { type: 'datadog', secretRef: { name: 'creds' } }],
    ['CloudWatch', () => MetricProvider.cloudWatch({ region: 'eu-west-1' }), { type: 'cloudwatch', region: 'eu-west-1' }],
    ['New Relic', (secret) => MetricProvider.newRelic({ secret }), { type: 'newrelic', secretRef: { name: 'creds' } }],
    ['Graphite', () => MetricProvider.graphite({ address: 'http://graphite.monitoring' }), { type: 'graphite', address: 'http://graphite.monitoring' }],
    ['InfluxDB', (secret) => MetricProvider.influxDb({ address: 'http://influxdb.monitoring:8086', secret }), { type: 'influxdb', address: 'http://influxdb.monitoring:8086', secretRef: { name: 'creds' } }],
    ['Dynatrace', (secret) => MetricProvider.dynatrace({ address: 'https://x.live.dynatrace.com', secret }), { type: 'dynatrace', address: 'https://x.live.dynatrace.com', secretRef: { name: 'creds' } }],
    ['Keptn', () => MetricProvider.keptn(), { type: 'keptn' }],
    ['Google Cloud Monitoring', (secret) => MetricProvider.stackdriver({ secret }), { type: 'stackdriver', secretRef: { name: 'creds' } }],
    ['Splunk', (secret) => MetricProvider.splunk({ address: 'https://api.signalfx.com', secret }), { type: 'splunk', address: 'https://api.signalfx.com', secretRef: { name: 'creds' } }],
    ['external metrics', () => MetricProvider.externalMetrics(), { type: 'externalmetrics' }],
  ])('%s: the provider type and the fields it needs', (_name, provider, expected) => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'creds', 'creds');
    new MetricTemplate(chart, 'template', { name: 'm', namespace: 'istio-system', provider: provider(secret), query: 'q' });
    const objects = Testing.synth(chart);
    expect(objects[0].spec.provider).toEqual(expected);
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('every provider of Flagger v1.44 has a factory', () => {
    expect(Object.values(MetricProviderType).sort()).toEqual(
      ['cloudwatch', 'datadog', 'dynatrace', 'externalmetrics', 'graphite', 'influxdb', 'keptn', 'newrelic', 'prometheus', 'splunk', 'stackdriver']);
  });

  test.each<[string, () => Json[], RegExp]>([
    ['an unknown template function', () => synthTemplate(MetricProvider.keptn(), 'rate(x{app="{{ app }}"}[1m])'), /test\/template: query is ".*"; \{\{ app \}\} calls "app", which Flagger does not define; use one of \{\{ name \}\}, \{\{ namespace \}\}/],
    ['a field of the template data', () => synthTemplate(MetricProvider.keptn(), 'x{ns="{{ .namespace }}"}'), /test\/template: query is .*; \{\{ \.namespace \}\} reads the field \.namespace of the template data, which Flagger leaves empty; call the function instead, e.g. \{\{ namespace \}\}/],
    ['an unclosed action', () => synthTemplate(MetricProvider.keptn(), 'x{ns="{{ namespace"}'), /test\/template: query is .*; it has a "\{\{" that is never closed/],
    ['an empty query', () => synthTemplate(MetricProvider.keptn(), ' '), /test\/template: query is " "; write the query/],
    ['Prometheus without an address', () => synthTemplate(MetricProvider.prometheus({} as any)), /test\/template: provider.address is undefined; use an absolute http:\/\/ or https:\/\/ URL/],
    ['Datadog without a secret', () => synthTemplate(MetricProvider.datadog({} as any)), /test\/template: provider.secret is undefined; Flagger reads datadog_api_key and datadog_application_key from a Secret for datadog/],
    ['CloudWatch without a region', () => synthTemplate(MetricProvider.cloudWatch({ region: 'Europe' })), /test\/template: provider.region is "Europe"; give the AWS region/],
    ['a header without values', () => synthTemplate(MetricProvider.prometheus({ address: 'http://p', headers: { 'X-A': 'b' as any } })), /test\/template: provider.headers\["X-A"\] is "b"; give each header a list of strings/],
  ])('rejects %s with the construct path, the field and the fix', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('the secret must live in the template\'s namespace, where Flagger reads it', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'auth', { metadata: { name: 'dd', namespace: 'monitoring' } });
    expect(() => new MetricTemplate(chart, 'template', { name: 'm', namespace: 'istio-system', provider: MetricProvider.datadog({ secret }), query: 'q' }))
      .toThrow(/test\/template: provider.secret is "monitoring\/dd"; Flagger reads the Secret from the MetricTemplate's namespace \(istio-system\)/);
  });
});

describe('CanaryMetric.fromTemplate', () => {
  test('a custom metric: templateRef with the template\'s namespace, range, window and variables', () => {
    const { canary, objects } = synthCanary(({ chart }) => {
      const template = new MetricTemplate(chart, 'latency', { name: 'latency', namespace: 'istio-system', provider: MetricProvider.prometheus({ address: 'http://prometheus.istio-system:9090' }), query: LATENCY_BY_DIRECTION });
      return {
        analysis: {
          metrics: [
            CanaryMetric.requestSuccessRate(),
            CanaryMetric.fromTemplate(template, { name: 'inbound-latency', thresholdRange: { max: 500 }, interval: Duration.minutes(2), templateVariables: { direction: 'inbound' } }),
          ],
        },
      };
    });
    expect(canary.spec.analysis.metrics[1]).toEqual({
      name: 'inbound-latency',
      templateRef: { name: 'latency', namespace: 'istio-system' },
      thresholdRange: { max: 500 },
      interval: '2m',
      templateVariables: { direction: 'inbound' },
    });
    expect(objects.map((object) => object.kind)).toContain('MetricTemplate');
  });

  test('a template another team owns is a reference, recorded as external', () => {
    const { canary } = synthCanary(({ chart }) => {
      const shared = MetricTemplate.fromName(chart, 'shared', { namespace: 'observability', name: 'error-rate' });
      expect(ExternalObjects.of(chart).list()).toEqual([{ kind: 'MetricTemplate', namespace: 'observability', name: 'error-rate', path: 'test/shared' }]);
      return { analysis: { metrics: [CanaryMetric.fromTemplate(shared, { thresholdRange: { min: 0, max: 1 } })] } };
    }, { lint: false });
    expect(canary.spec.analysis.metrics).toEqual([{ name: 'error-rate', templateRef: { name: 'error-rate', namespace: 'observability' }, thresholdRange: { min: 0, max: 1 }, interval: '1m' }]);
  });

  test.each<[string, Json, RegExp]>([
    ['an undeclared variable', {}, /test\/canary: analysis.metrics\[0\].templateVariables is \{\}; the query of test\/latency reads \{\{ variables.direction \}\}, and Flagger fails the check on a variable it does not have; declare "direction"/],
    ['a misspelt variable', { templateVariables: { direction: 'in', directon: 'in' } }, /test\/canary: analysis.metrics\[0\].templateVariables\["directon"\] is "in"; the query of test\/latency never reads \{\{ variables.directon \}\} \(it reads direction\); fix the name or remove it/],
    ['a variable name Go cannot read', { templateVariables: { direction: 'in', 'my-var': 'x' } }, /test\/canary: analysis.metrics\[0\].templateVariables\["my-var"\] is "my-var"; Go templates read/],
    ['no range', { templateVariables: { direction: 'in' }, thresholdRange: {} }, /test\/canary: analysis.metrics\[0\].thresholdRange is \{\}; give min, max or both/],
    ['min above max', { templateVariables: { direction: 'in' }, thresholdRange: { min: 5, max: 1 } }, /test\/canary: analysis.metrics\[0\].thresholdRange is \{"min":5,"max":1\}; min must not exceed max/],
  ])('rejects %s with the construct path, the field and the fix', (_name, options, message) => {
    expect(() => synthCanary(({ chart }) => {
      const template = new MetricTemplate(chart, 'latency', { name: 'latency', namespace: 'test', provider: MetricProvider.keptn(), query: LATENCY_BY_DIRECTION });
      return { analysis: { metrics: [CanaryMetric.fromTemplate(template, { thresholdRange: { max: 500 }, ...options })] } };
    })).toThrow(message);
  });
});
