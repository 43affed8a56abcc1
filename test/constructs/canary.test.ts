import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { ApiObject } from 'cdk8s';
import { Canary, CanaryAutoscaler, CanaryMetric, CanaryProps, CanaryStrategy, CanaryTarget, IngressRoute, IstioGateway, LoadTester, MeshNamespace, Podinfo, TlsMode } from '../../lib';
import { findObject, Json, newChart, referenceObjects, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';

type Overrides = Partial<CanaryProps> | ((parts: { podinfo: Podinfo; gateway: IstioGateway; loadTester: LoadTester }) => Partial<CanaryProps>);

function synthCanary(overrides: Overrides = {}): { canary: Json; construct: Canary; objects: Json[] } {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const gateway = new IstioGateway(chart, 'gw');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const loadTester = new LoadTester(chart, 'tester', { namespace });
  const extra = typeof overrides === 'function' ? overrides({ podinfo, gateway, loadTester }) : overrides;
  const construct = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
    webhooks: [loadTester.acceptanceTest(), loadTester.loadTest()],
    ...extra,
  });
  if (construct.delegation) new IngressRoute(chart, 'route', { canary: construct, gateway });
  const objects = Testing.synth(chart);
  return { canary: findObject(objects, 'Canary', 'podinfo'), construct, objects };
}

describe('Canary', () => {
  const { canary, construct } = synthCanary();
  const [reference] = referenceObjects('tutorial-canary.yaml');

  test('snapshot', () => {
    expect(canary).toMatchSnapshot();
  });

  test('is a flagger.app/v1beta1 Canary named after its target, in its namespace', () => {
    expect(canary.apiVersion).toBe('flagger.app/v1beta1');
    expect(canary.metadata).toEqual({ name: 'podinfo', namespace: 'test' });
    expect([construct.apexServiceName, construct.primaryServiceName, construct.canaryServiceName]).toEqual(['podinfo', 'podinfo-primary', 'podinfo-canary']);
    expect(ApiObject.of(construct).kind).toBe('Canary');
  });

  test('targetRef, autoscalerRef and progressDeadlineSeconds are the tutorial\'s, derived from the constructs', () => {
    expect(canary.spec.targetRef).toEqual(reference.spec.targetRef);
    expect(canary.spec.autoscalerRef).toEqual(reference.spec.autoscalerRef);
    expect(canary.spec.progressDeadlineSeconds).toBe(reference.spec.progressDeadlineSeconds);
  });

  test('service port, targetPort and retries are the tutorial\'s', () => {
    for (const field of ['port', 'targetPort', 'retries']) {
      expect(canary.spec.service[field]).toEqual(reference.spec.service[field]);
    }
  });

  test('TLS is left to Istio\'s automatic mTLS, and the tutorial\'s DISABLE stays reachable', () => {
    // GIVEN the tutorial, which turns mesh mTLS to podinfo off
    expect(reference.spec.service.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
    // THEN by default there is no traffic policy at all
    expect(canary.spec.service).not.toHaveProperty('trafficPolicy');
    // AND the tutorial's value is one prop away
    const { canary: tutorial } = synthCanary({ trafficPolicy: { tls: { mode: TlsMode.DISABLE } } });
    expect(tutorial.spec.service.trafficPolicy).toEqual(reference.spec.service.trafficPolicy);
  });

  test('by default Flagger\'s VirtualService is a delegate: no hosts, no gateways', () => {
    expect(canary.spec.service.delegation).toBe(true);
    expect(canary.spec.service).not.toHaveProperty('hosts');
    expect(canary.spec.service).not.toHaveProperty('gateways');
    expect(construct.delegation).toBe(true);
  });

  test('the analysis is the tutorial\'s, except the 1m request-duration window', () => {
    const { metrics, webhooks, ...analysis } = canary.spec.analysis;
    const { metrics: referenceMetrics, webhooks: _referenceWebhooks, ...referenceAnalysis } = reference.spec.analysis;
    expect(analysis).toEqual(referenceAnalysis);
    expect(metrics[0]).toEqual(referenceMetrics[0]);
    expect(metrics[1]).toEqual({ ...referenceMetrics[1], interval: '1m' });
    expect(webhooks.map((webhook: Json) => webhook.name)).toEqual(['acceptance-test', 'load-test-warmup', 'load-test']);
  });

  test('the tutorial\'s gateway mode binds Flagger\'s VirtualService to the Gateway and the mesh', () => {
    const { canary: routed } = synthCanary(({ gateway }) => ({ gateways: [gateway], hosts: ['app.example.com'] }));
    expect(routed.spec.service.gateways).toEqual(['istio-system/public-gateway', 'mesh']);
    expect(routed.spec.service.hosts).toEqual(['app.example.com']);
    expect(routed.spec.service).not.toHaveProperty('delegation');
  });

  test('gateway mode without the mesh matches the tutorial exactly', () => {
    const { canary: routed } = synthCanary(({ gateway }) => ({ gateways: [gateway], hosts: ['app.example.com'], includeMesh: false }));
    expect(routed.spec.service.gateways).toEqual(reference.spec.service.gateways);
    expect(routed.spec.service.hosts).toEqual(reference.spec.service.hosts);
  });

  test('analysis, metrics, ports and policies can be overridden', () => {
    const { canary: custom } = synthCanary({
      port: 80,
      targetPortName: 'http',
      trafficPolicy: { tls: { mode: TlsMode.ISTIO_MUTUAL } },
      progressDeadline: Duration.minutes(10),
      retries: { attempts: 1, perTryTimeout: Duration.seconds(3), retryOn: '5xx' },
      strategy: CanaryStrategy.weights([1, 5, 25, 50]),
      analysis: {
        interval: Duration.seconds(30), threshold: 2,
        metrics: [CanaryMetric.requestSuccessRate({ min: 99.9, interval: Duration.minutes(2) }), CanaryMetric.requestDuration({ max: Duration.seconds(1) })],
      },
      webhooks: [],
    });
    expect(custom.spec.service).toMatchObject({ port: 80, targetPort: 'http', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, retries: { attempts: 1, perTryTimeout: '3s', retryOn: '5xx' } });
    expect(custom.spec.progressDeadlineSeconds).toBe(600);
    expect(custom.spec.analysis).toEqual({
      interval: '30s', threshold: 2, stepWeights: [1, 5, 25, 50],
      metrics: [
        { name: 'request-success-rate', thresholdRange: { min: 99.9 }, interval: '2m' },
        { name: 'request-duration', thresholdRange: { max: 1000 }, interval: '1m' },
      ],
    });
  });

  test('long intervals render as minutes, the only form the CRD accepts besides seconds', () => {
    // GIVEN hour-long windows, which Go would write as 1h and the CRD pattern ^[0-9]+(m|s) rejects
    const { canary: slow, objects } = synthCanary({
      analysis: { interval: Duration.hours(1), metrics: [CanaryMetric.requestSuccessRate({ interval: Duration.minutes(90) })] },
      webhooks: [],
    });
    // THEN
    expect(slow.spec.analysis.interval).toBe('60m');
    expect(slow.spec.analysis.metrics[0].interval).toBe('90m');
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('a missing target is named, not a TypeError', () => {
    const chart = newChart();
    expect(() => new Canary(chart, 'canary', { target: undefined as any })).toThrow(/canary: target is undefined; pass the workload Flagger should take over, e.g. CanaryTarget.fromDeployment/);
  });

  test('JavaScript callers of the first release may still pass the cdk8s-plus Deployment and HPA themselves', () => {
    const { canary: legacy } = synthCanary(({ podinfo }) => ({ target: podinfo.deployment as any, autoscaler: podinfo.autoscaler as any }));
    expect(legacy.spec.targetRef).toEqual(canary.spec.targetRef);
    expect(legacy.spec.autoscalerRef).toEqual(canary.spec.autoscalerRef);
  });

  test('the deprecated analysis weights still work, and clash with a strategy', () => {
    const { canary: legacy } = synthCanary({ analysis: { stepWeights: [5, 10, 50] } });
    expect(legacy.spec.analysis.stepWeights).toEqual([5, 10, 50]);
    expect(() => synthCanary({ strategy: CanaryStrategy.progressive(), analysis: { maxWeight: 30 } }))
      .toThrow(/canary: analysis.maxWeight is 30; the strategy sets the weights; move them into it/);
  });

  test('a target without container ports is refused with the fix', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'bare', { metadata: { namespace: 'test' }, containers: [{ image: 'nginx' }] });
    expect(() => new Canary(chart, 'canary', { target: CanaryTarget.fromDeployment(deployment) })).toThrow(/canary: targetPort is 9898; test\/bare declares no container ports; give its container a port/);
  });

  test('webhooks alone may gate a canary with no metrics', () => {
    const { canary: gated } = synthCanary({ analysis: { metrics: [] } });
    expect(gated.spec.analysis.metrics).toEqual([]);
  });

  test('a target without a namespace is refused', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'bare', { containers: [{ image: 'nginx', portNumber: 80 }] });
    expect(() => new Canary(chart, 'canary', { target: CanaryTarget.fromDeployment(deployment), port: 80 })).toThrow(/canary: target.metadata.namespace is undefined; create test\/bare with metadata.namespace/);
  });

  test('an autoscaler of another workload is refused', () => {
    expect(() => synthCanary(() => {
      const chart = newChart();
      const other = new Podinfo(chart, 'other', { namespace: new MeshNamespace(chart, 'ns') });
      return { autoscaler: CanaryAutoscaler.fromHorizontalPodAutoscaler(other.autoscaler) };
    })).toThrow(/canary: autoscaler is "test\/other\/Autoscaler"; that autoscaler scales test\/other\/Deployment; pass the one whose target is test\/podinfo\/Deployment/);
  });

  test.each<[string, Overrides, RegExp]>([
    ['port', { port: 0 }, /canary: port is 0; use a whole number from 1 to 65535/],
    ['targetPort number', { targetPort: 8080 }, /canary: targetPort is 8080; test\/podinfo\/Deployment exposes 9898 \(http\), 9797 \(http-metrics\), 9999 \(grpc\)/],
    ['targetPort name', { targetPortName: 'web' }, /canary: targetPortName is "web"; .* exposes 9898 \(http\)/],
    ['targetPort as a string', { targetPort: 'http' as any }, /canary: targetPort is "http"; a port name goes in targetPortName/],
    ['interval', { analysis: { interval: Duration.millis(500) } }, /canary: analysis.interval is 0.5s; use a whole number of seconds/],
    ['interval under 10s', { analysis: { interval: Duration.seconds(5) } }, /canary: analysis.interval is 5s; use a whole number of seconds, at least 10s/],
    ['empty metrics without webhooks', { analysis: { metrics: [] }, webhooks: [] }, /canary: analysis.metrics is \[\]; list at least one metric \(or add a webhook that checks the canary\)/],
    ['tls mode', { trafficPolicy: { tls: { mode: 'STRICT' as any } } }, /canary: trafficPolicy.tls.mode is "STRICT"; use TlsMode.ISTIO_MUTUAL, DISABLE, SIMPLE or MUTUAL, or leave tls unset/],
    ['threshold', { analysis: { threshold: 0 } }, /canary: analysis.threshold is 0; use a whole number from 1/],
    ['maxWeight', { analysis: { maxWeight: 101 } }, /canary: analysis.maxWeight is 101; use a whole number from 1 to 100/],
    ['stepWeight', { analysis: { stepWeight: 0 } }, /canary: analysis.stepWeight is 0/],
    ['stepWeight above maxWeight', { analysis: { stepWeight: 60, maxWeight: 50 } }, /canary: analysis.stepWeight is 60; it must not exceed maxWeight \(50\)/],
    ['overshooting stepWeight', { analysis: { stepWeight: 20, maxWeight: 50 } }, /canary: analysis.stepWeight is 20; it does not divide maxWeight \(50\), so the last step overshoots to 60%/],
    ['stepWeights order', { analysis: { stepWeights: [10, 5, 20] } }, /canary: analysis.stepWeights is \[10,5,20\]; weights must increase strictly/],
    ['stepWeights range', { analysis: { stepWeights: [10, 120] } }, /canary: analysis.stepWeights\[1\] is 120/],
    ['stepWeights empty', { analysis: { stepWeights: [] } }, /canary: analysis.stepWeights is \[\]; list at least one weight/],
    ['stepWeights with stepWeight', { analysis: { stepWeights: [10, 20], stepWeight: 10 } }, /set either stepWeights, or stepWeight and maxWeight, not both/],
    ['metric min', { analysis: { metrics: [CanaryMetric.requestSuccessRate({ min: 101 })] } }, /canary: analysis.metrics\[0\].min is 101; use a number from 0 to 100/],
    ['metric max', { analysis: { metrics: [CanaryMetric.requestDuration({ max: Duration.millis(0) })] } }, /canary: analysis.metrics\[0\].max is 0/],
    ['metric interval', { analysis: { metrics: [CanaryMetric.requestDuration({ interval: Duration.millis(100) })] } }, /canary: analysis.metrics\[0\].interval is 0.1s/],
    ['duplicate metric', { analysis: { metrics: [CanaryMetric.requestDuration(), CanaryMetric.requestDuration()] } }, /canary: analysis.metrics is \["request-duration","request-duration"\]; "request-duration" is listed twice/],
    ['duplicate webhook', ({ loadTester }) => ({ webhooks: [loadTester.loadTest({ warmUp: false }), loadTester.loadTest({ warmUp: false })] }), /canary: webhooks is \["load-test","load-test"\]; "load-test" is listed twice; give each a distinct name option/],
    ['hosts without gateways', { hosts: ['app.example.com'] }, /canary: hosts is \["app.example.com"\]; hosts need gateways/],
    ['includeMesh without gateways', { includeMesh: false }, /canary: includeMesh is false; includeMesh applies only with gateways/],
    ['empty gateways', { gateways: [] }, /canary: gateways is \[\]; list at least one IstioGateway/],
    ['gateways without hosts', ({ gateway }) => ({ gateways: [gateway] }), /canary: hosts is undefined; list the hosts the gateways serve/],
    ['bad host', ({ gateway }) => ({ gateways: [gateway], hosts: ['App.Example.com'] }), /canary: hosts\[0\] is "App.Example.com"/],
    ['progressDeadline', { progressDeadline: Duration.days(2) }, /canary: progressDeadline is 172800; use a whole number from 1 to 86400/],
    ['retries', { retries: { attempts: -1 } }, /canary: retries.attempts is -1/],
  ])('rejects a bad %s with the field and the fix', (_name, overrides, message) => {
    expect(() => synthCanary(overrides)).toThrow(message);
  });
});
