import { MeshNamespace, PODINFO_IMAGE, Podinfo } from '../../lib';
import { validateStrictly } from '../support/schemas';
import { findObject, Json, newChart, referenceObjects, Testing } from '../support/objects';

function synthPodinfo(props: Partial<ConstructorParameters<typeof Podinfo>[2]> = {}): { objects: Json[]; podinfo: Podinfo } {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const podinfo = new Podinfo(chart, 'podinfo', { namespace, ...props });
  return { objects: Testing.synth(chart), podinfo };
}

describe('Podinfo', () => {
  const { objects, podinfo } = synthPodinfo();
  const deployment = findObject(objects, 'Deployment', 'podinfo');
  const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'podinfo');
  const container = deployment.spec.template.spec.containers[0];
  const [referenceDeployment, referenceHpa] = referenceObjects('kustomize-podinfo.yaml');
  const referenceContainer = referenceDeployment.spec.template.spec.containers[0];

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('the container is podinfod on 6.0.0, so the tutorial trigger to 6.0.2 changes it', () => {
    expect(container.name).toBe('podinfod');
    expect(podinfo.containerName).toBe('podinfod');
    expect(container.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.0');
    expect(PODINFO_IMAGE).not.toMatch(/6\.0\.2$/);
  });

  test.each(['command', 'ports', 'livenessProbe', 'readinessProbe', 'resources', 'env', 'imagePullPolicy'])(
    'container %s carries the reference facts', (field) => {
      // failureThreshold: 3 is the Kubernetes default that cdk8s-plus writes out; ephemeral-storage is our hardening
      const withoutDefaults = (value: Json) => JSON.parse(JSON.stringify(value, (key, v) => (key === 'failureThreshold' && v === 3 ? undefined : key === 'ephemeral-storage' ? undefined : v)));
      expect(withoutDefaults(container[field])).toEqual(referenceContainer[field]);
    });

  test('ephemeral storage is requested and limited; the limit holds both emptyDirs and the rotated log', () => {
    expect(container.resources.requests['ephemeral-storage']).toBe('32Mi');
    expect(container.resources.limits['ephemeral-storage']).toBe('256Mi');
  });

  test('a PodDisruptionBudget guards the primary\'s pods, which Flagger labels app: podinfo-primary and which serve the traffic', () => {
    const budget = findObject(objects, 'PodDisruptionBudget', 'podinfo-primary');
    expect(budget.apiVersion).toBe('policy/v1');
    expect(budget.metadata.namespace).toBe('test');
    expect(budget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'podinfo-primary' } } });
    expect(podinfo.disruptionBudget.name).toBe('podinfo-primary');
  });

  test('every object validates strictly', () => {
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('pod annotations, labels and selector match the reference; the selector uses app, which Flagger requires', () => {
    expect(deployment.spec.template.metadata).toEqual(referenceDeployment.spec.template.metadata);
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'podinfo' } });
    expect(deployment.metadata.labels).toEqual({ app: 'podinfo' });
  });

  test('rollout settings match the reference', () => {
    for (const field of ['minReadySeconds', 'progressDeadlineSeconds', 'revisionHistoryLimit']) {
      expect(deployment.spec[field]).toEqual(referenceDeployment.spec[field]);
    }
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(1);
  });

  test('has no spec.replicas: the HPA and Flagger own the count', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  test('the HPA is the reference one: autoscaling/v2, 2 to 4 replicas at 99% CPU, no behavior block', () => {
    expect(hpa.apiVersion).toBe(referenceHpa.apiVersion);
    expect(hpa.spec).toEqual(referenceHpa.spec);
  });

  test('runs as a numeric non-root user, read-only, with no privileges and no token', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('/data and /tmp are writable emptyDir volumes, as podinfo needs them, each limited to 64Mi', () => {
    const pod = deployment.spec.template.spec;
    expect(container.volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('no cdk8s construct-address label leaks into the pod template', () => {
    expect(JSON.stringify(deployment)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('name, image, colour and scaling can be overridden', () => {
    const custom = synthPodinfo({ name: 'shop', image: 'example.com/shop:1.0', uiColor: '#000000', minReplicas: 3, maxReplicas: 9, cpuUtilization: 70, runAsUser: 2000 });
    const shop = findObject(custom.objects, 'Deployment', 'shop');
    const shopHpa = findObject(custom.objects, 'HorizontalPodAutoscaler', 'shop');
    expect(shop.spec.selector.matchLabels).toEqual({ app: 'shop' });
    expect(shop.spec.template.spec.containers[0]).toMatchObject({
      image: 'example.com/shop:1.0', env: [{ name: 'PODINFO_UI_COLOR', value: '#000000' }],
    });
    expect(shop.spec.template.spec.containers[0].command).toContain('--grpc-service-name=shop');
    expect(shop.spec.template.spec.securityContext.runAsUser).toBe(2000);
    expect(shopHpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 9, metrics: [{ resource: { target: { averageUtilization: 70 } } }] });
  });

  test.each([
    [{ name: 'Podinfo' }, /podinfo: name is "Podinfo"/],
    [{ image: '' }, /podinfo: image is ""; use an image reference/],
    [{ image: 'podinfo 6.0.0' }, /podinfo: image is "podinfo 6.0.0"/],
    [{ minReplicas: 0 }, /podinfo: minReplicas is 0; use a whole number from 1/],
    [{ maxReplicas: 2.5 }, /podinfo: maxReplicas is 2.5/],
    [{ minReplicas: 5, maxReplicas: 4 }, /podinfo: minReplicas is 5; it must not exceed maxReplicas \(4\)/],
    [{ cpuUtilization: 0 }, /podinfo: cpuUtilization is 0/],
    [{ runAsUser: 0 }, /podinfo: runAsUser is 0; use a whole number from 1 .* non-root/],
  ])('rejects %j with the field and the fix', (props, message) => {
    expect(() => synthPodinfo(props)).toThrow(message);
  });
});
