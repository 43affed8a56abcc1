import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { Canary, CanaryAutoscaler, CanaryAutoscalerKind, CanaryTarget, CanaryTargetKind, IngressRoute, IstioGateway, LINT_CONTEXT_DISABLE, MeshNamespace } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { findObject, Json, newChart, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';

function daemonSet(chart: Chart, namespace = 'test'): kplus.DaemonSet {
  const workload = new kplus.DaemonSet(chart, 'agent', {
    metadata: { name: 'node-agent', namespace },
    select: false,
    podMetadata: { labels: { app: 'node-agent' } },
    containers: [{ name: 'agent', image: 'ghcr.io/stefanprodan/podinfo:6.0.0', portNumber: 9898, securityContext: { ensureNonRoot: true, user: 10001 } }],
  });
  workload.select(kplus.LabelSelector.of({ labels: { app: 'node-agent' } }));
  return workload;
}

function synthWith(build: (chart: Chart, namespace: MeshNamespace) => { target: CanaryTarget; autoscaler?: CanaryAutoscaler }, lint = true): Json[] {
  const app = Testing.app();
  if (!lint) app.node.setContext(LINT_CONTEXT_DISABLE, true);
  const chart = new Chart(app, 'test');
  const namespace = new MeshNamespace(chart, 'ns');
  const canary = new Canary(chart, 'canary', { ...build(chart, namespace), webhooks: [] });
  namespace.addToNamespace(canary);
  new IngressRoute(chart, 'route', { canary, gateway: new IstioGateway(chart, 'gw') });
  const objects = Testing.synth(chart);
  expect(validateStrictly(objects)).toEqual([]);
  return objects;
}

describe('CanaryTarget', () => {
  test('a cdk8s-plus DaemonSet, without an autoscaler', () => {
    const objects = synthWith((chart) => ({ target: CanaryTarget.fromDaemonSet(daemonSet(chart)) }));
    const canary = findObject(objects, 'Canary', 'node-agent');
    expect(canary).toMatchSnapshot();
    expect(canary.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent' });
    expect(canary.spec).not.toHaveProperty('autoscalerRef');
  });

  test('any ApiObject of those kinds, e.g. an included manifest, with its ports checked', () => {
    const objects = synthWith((chart, namespace) => {
      const deployment = new ApiObject(chart, 'web', {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'test' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 9898 }] }] } },
        },
      });
      const hpa = new ApiObject(chart, 'web-hpa', {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'test' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
      });
      namespace.addToNamespace(deployment, hpa);
      return { target: CanaryTarget.fromApiObject(deployment), autoscaler: CanaryAutoscaler.fromApiObject(hpa, { primaryMinReplicas: 2, primaryMaxReplicas: 6 }) };
    });
    const canary = findObject(objects, 'Canary', 'web');
    expect(canary.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(canary.spec.autoscalerRef).toEqual({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web', primaryScalerReplicas: { minReplicas: 2, maxReplicas: 6 } });
  });

  test('a workload and autoscaler another app deploys, by name, recorded as external', () => {
    let chartRef: Chart | undefined;
    const objects = synthWith((chart) => {
      chartRef = chart;
      return {
        target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'test', name: 'checkout' }),
        autoscaler: CanaryAutoscaler.fromName({ kind: CanaryAutoscalerKind.SCALED_OBJECT, namespace: 'test', name: 'checkout' }),
      };
    }, false);
    expect(findObject(objects, 'Canary', 'checkout').spec.autoscalerRef).toEqual({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'checkout' });
    expect(ExternalObjects.of(chartRef!).list()).toEqual([
      { kind: 'Deployment', namespace: 'test', name: 'checkout', path: 'test/canary' },
      { kind: 'ScaledObject', namespace: 'test', name: 'checkout', path: 'test/canary' },
    ]);
  });

  test.each<[string, (chart: Chart) => { target: CanaryTarget; autoscaler?: CanaryAutoscaler }, RegExp]>([
    ['a StatefulSet', (chart) => ({ target: CanaryTarget.fromApiObject(new ApiObject(chart, 'db', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'test' } })) }),
      /test\/canary: target is "apps\/v1 StatefulSet"; Flagger on Istio takes over an apps\/v1 Deployment or DaemonSet/],
    ['an autoscaler for a DaemonSet', (chart) => ({ target: CanaryTarget.fromDaemonSet(daemonSet(chart)), autoscaler: CanaryAutoscaler.fromName({ namespace: 'test', name: 'node-agent' }) }),
      /test\/canary: autoscaler is "HorizontalPodAutoscaler test\/node-agent"; a DaemonSet runs one pod per node and has no autoscaler/],
    ['an autoscaler of another workload', (chart) => ({
      target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'test', name: 'web' }),
      autoscaler: CanaryAutoscaler.fromApiObject(new ApiObject(chart, 'hpa', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'test' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' } } })),
    }), /test\/canary: autoscaler is "test\/hpa"; that autoscaler scales Deployment api; pass the one whose target is Deployment test\/web/],
    ['an autoscaler in another namespace', () => ({
      target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'test', name: 'web' }),
      autoscaler: CanaryAutoscaler.fromName({ namespace: 'other', name: 'web' }),
    }), /test\/canary: autoscaler is "HorizontalPodAutoscaler other\/web"; it is in namespace other, the target in test/],
    ['a v1 HPA', (chart) => ({
      target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'test', name: 'web' }),
      autoscaler: CanaryAutoscaler.fromApiObject(new ApiObject(chart, 'hpa', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' } })),
    }), /test\/canary: autoscaler is "autoscaling\/v1 HorizontalPodAutoscaler"; Flagger copies an autoscaling\/v2 HorizontalPodAutoscaler/],
    ['an unknown kind', () => ({ target: CanaryTarget.fromName({ kind: 'Job' as any, namespace: 'test', name: 'x' }) }), /test\/canary: target.kind is "Job"; use CanaryTargetKind.DEPLOYMENT or CanaryTargetKind.DAEMON_SET/],
    ['a bad name', () => ({ target: CanaryTarget.fromName({ kind: CanaryTargetKind.DEPLOYMENT, namespace: 'test', name: 'Web' }) }), /test\/canary: target.name is "Web"/],
    ['primary replicas the wrong way round', (chart) => ({ target: CanaryTarget.fromDaemonSet(daemonSet(chart)), autoscaler: CanaryAutoscaler.fromName({ namespace: 'test', name: 'x', primaryMinReplicas: 5, primaryMaxReplicas: 2 }) }),
      /test\/canary: autoscaler.primaryMinReplicas is 5; it must not exceed primaryMaxReplicas \(2\)/],
    ['a Deployment passed as a DaemonSet', (chart) => ({ target: CanaryTarget.fromDaemonSet(new kplus.Deployment(chart, 'd', { containers: [{ image: 'x' }] }) as any) }), /test\/canary: target is "test\/d"; pass a DaemonSet/],
  ])('rejects %s with the construct path, the field and the fix', (_name, build, message) => {
    expect(() => synthWith(build, false)).toThrow(message);
  });
});
