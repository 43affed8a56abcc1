import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { k8s } from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import { CanaryAutoscaler, CanaryTarget } from './canary-target';
import { IMeshNamespace } from './mesh-namespace';
import { finishWorkload, limitEphemeralStorage, nonRootPod, restrictedContainer } from './internal/pod-security';
import { checkDnsLabel, checkInteger, invalidProp } from './internal/validate';

/** The image the tutorial starts from. The trigger, `podinfod=ghcr.io/stefanprodan/podinfo:6.0.2`, needs another tag. */
export const PODINFO_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';

/** Properties of `Podinfo`. */
export interface PodinfoProps {
  /** The mesh namespace the workload runs in. */
  readonly namespace: IMeshNamespace;

  /**
   * Name of the Deployment, the HPA and the `app` label. Flagger derives `<name>-primary`
   * and `<name>-canary` from it.
   *
   * @default "podinfo"
   */
  readonly name?: string;

  /**
   * Container image.
   *
   * @default "ghcr.io/stefanprodan/podinfo:6.0.0"
   */
  readonly image?: string;

  /**
   * Colour of podinfo's UI (`PODINFO_UI_COLOR`).
   *
   * @default "#34577c"
   */
  readonly uiColor?: string;

  /**
   * Fewest replicas the HPA keeps.
   *
   * @default 2
   */
  readonly minReplicas?: number;

  /**
   * Most replicas the HPA scales to.
   *
   * @default 4
   */
  readonly maxReplicas?: number;

  /**
   * Average CPU utilisation, in percent of the 100m request, that the HPA aims for.
   *
   * @default 99
   */
  readonly cpuUtilization?: number;

  /**
   * Numeric user the container runs as. The image declares `USER app`, a name, and the kubelet
   * refuses `runAsNonRoot` without a number.
   *
   * @default 10001
   */
  readonly runAsUser?: number;
}

/** Ports of podinfo's container, as in Flagger's `kustomize/podinfo`. */
const PODINFO_PORTS = { http: 9898, httpMetrics: 9797, grpc: 9999 } as const;

/** Size limit of each of podinfo's two `emptyDir` volumes, `/data` and `/tmp`. */
const SCRATCH_SIZE = Size.mebibytes(64);

/**
 * podinfo, the tutorial's application: a Deployment and its HPA, as in Flagger's `kustomize/podinfo`.
 *
 * The Deployment has no `spec.replicas`: the HPA and Flagger own the count, and a re-apply would
 * otherwise fight them. Its selector is `app: <name>`, one of the labels Flagger accepts.
 */
export class Podinfo extends Construct {
  /** Name of the Deployment, the HPA and the `app` label. */
  public readonly name: string;
  /** Namespace of the Deployment and the HPA. */
  public readonly namespace: string;
  /** Name of the container, as `kubectl set image` needs it. */
  public readonly containerName = 'podinfod';
  /** The port Flagger's Services and the load test use. */
  public readonly httpPort: number = PODINFO_PORTS.http;
  /** podinfo's Deployment. */
  public readonly deployment: kplus.Deployment;
  /** podinfo's HorizontalPodAutoscaler. */
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;
  /** The PodDisruptionBudget of the primary's pods, which serve the traffic. */
  public readonly disruptionBudget: ApiObject;

  constructor(scope: Construct, id: string, props: PodinfoProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'podinfo');
    this.namespace = props.namespace.name;
    const image = props.image ?? PODINFO_IMAGE;
    if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
      throw invalidProp(this, 'image', image, 'use an image reference such as "ghcr.io/stefanprodan/podinfo:6.0.0".');
    }
    const minReplicas = checkInteger(this, 'minReplicas', props.minReplicas ?? 2, 1, 1000);
    const maxReplicas = checkInteger(this, 'maxReplicas', props.maxReplicas ?? 4, 1, 1000);
    if (minReplicas > maxReplicas) {
      throw invalidProp(this, 'minReplicas', minReplicas, `it must not exceed maxReplicas (${maxReplicas}); raise maxReplicas or lower minReplicas.`);
    }
    const cpuUtilization = checkInteger(this, 'cpuUtilization', props.cpuUtilization ?? 99, 1, 1000);
    const runAsUser = checkInteger(this, 'runAsUser', props.runAsUser ?? 10001, 1, 2147483647, 'a non-root numeric user');

    const labels = { app: this.name };
    // The root filesystem is read-only; podinfo writes only to these. A size limit keeps a runaway
    // writer from filling the node's disk: the kubelet evicts the pod instead.
    const data = kplus.Volume.fromEmptyDir(this, 'data', 'data', { sizeLimit: SCRATCH_SIZE });
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: SCRATCH_SIZE });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      select: false,
      podMetadata: {
        labels,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PODINFO_PORTS.httpMetrics) },
      },
      minReady: Duration.seconds(5),
      progressDeadline: Duration.seconds(60),
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxUnavailable: kplus.PercentOrAbsolute.absolute(1) }),
      automountServiceAccountToken: false,
      securityContext: nonRootPod(runAsUser),
      volumes: [data, tmp],
      containers: [{
        name: this.containerName,
        image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: [
          './podinfo',
          `--port=${PODINFO_PORTS.http}`,
          `--port-metrics=${PODINFO_PORTS.httpMetrics}`,
          `--grpc-port=${PODINFO_PORTS.grpc}`,
          `--grpc-service-name=${this.name}`,
          '--level=info',
          '--random-delay=false',
          '--random-error=false',
        ],
        envVariables: { PODINFO_UI_COLOR: kplus.EnvValue.fromValue(props.uiColor ?? '#34577c') },
        ports: [
          { name: 'http', number: PODINFO_PORTS.http, protocol: kplus.Protocol.TCP },
          { name: 'http-metrics', number: PODINFO_PORTS.httpMetrics, protocol: kplus.Protocol.TCP },
          { name: 'grpc', number: PODINFO_PORTS.grpc, protocol: kplus.Protocol.TCP },
        ],
        liveness: kplus.Probe.fromCommand(['podcli', 'check', 'http', `localhost:${PODINFO_PORTS.http}/healthz`], {
          initialDelaySeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(5),
        }),
        readiness: kplus.Probe.fromCommand(['podcli', 'check', 'http', `localhost:${PODINFO_PORTS.http}/readyz`], {
          initialDelaySeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(5),
        }),
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(2000) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(512) },
        },
        securityContext: restrictedContainer(runAsUser),
        volumeMounts: [{ path: '/data', volume: data }, { path: '/tmp', volume: tmp }],
      }],
    });

    this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: this.name, namespace: this.namespace },
      target: this.deployment,
      minReplicas,
      maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(cpuUtilization))],
    });

    this.autoscaler.node.addDependency(this.deployment);
    const workload = finishWorkload(this.deployment, labels);
    workload.addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', 5));
    // Both emptyDirs (2 x 64Mi) count against the limit, and so does the log, which the kubelet
    // rotates at 5 x 10Mi by default: 256Mi holds all of them. The request is what podinfo writes
    // in practice, a few megabytes, with room to spare.
    limitEphemeralStorage(workload, 1, Size.mebibytes(32), Size.mebibytes(256));
    // The cluster's defaults, as in the reference HPA: cdk8s-plus writes its own copy of them.
    ApiObject.of(this.autoscaler).addJsonPatch(JsonPatch.remove('/spec/behavior'));

    // Flagger serves traffic from the pods of `<name>-primary`, which it labels `app: <name>-primary`;
    // the pods of this Deployment are the canary, scaled to zero between runs. So the budget guards
    // the primary. maxUnavailable rather than minAvailable: a drain never blocks, even at one replica.
    this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: `${this.name}-primary`, namespace: this.namespace, labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { app: `${this.name}-primary` } },
      },
    });
    this.disruptionBudget.node.addDependency(this.autoscaler);
    props.namespace.addToNamespace(this);
  }

  /** The Deployment as a Canary's target. */
  public get canaryTarget(): CanaryTarget {
    return CanaryTarget.fromDeployment(this.deployment);
  }

  /** The HPA as a Canary's autoscaler. */
  public get canaryAutoscaler(): CanaryAutoscaler {
    return CanaryAutoscaler.fromHorizontalPodAutoscaler(this.autoscaler);
  }
}
