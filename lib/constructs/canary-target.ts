import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { IConstruct } from 'constructs';
import { ExternalObjects } from './internal/external-objects';
import { ResolvedAutoscaler, ResolvedTarget } from './internal/specs';
import { checkDnsLabel, checkInteger, invalidProp } from './internal/validate';

/** The workload kinds a Canary on Istio can take over. */
export enum CanaryTargetKind {
  /** An `apps/v1` Deployment. */
  DEPLOYMENT = 'Deployment',
  /** An `apps/v1` DaemonSet. Flagger runs it without an autoscaler. */
  DAEMON_SET = 'DaemonSet',
}


/** Options of `CanaryTarget.fromName`. */
export interface CanaryTargetReference {
  /** Kind of the workload. */
  readonly kind: CanaryTargetKind;
  /** Namespace of the workload: the Canary is created there. */
  readonly namespace: string;
  /** Name of the workload. */
  readonly name: string;
}


/**
 * The workload a Canary takes over (`spec.targetRef`): a cdk8s-plus Deployment or DaemonSet, any
 * `ApiObject` of those kinds, or a reference by name to one that another app deploys.
 */
export class CanaryTarget {
  /** A cdk8s-plus-25 Deployment. */
  public static fromDeployment(deployment: kplus.Deployment): CanaryTarget {
    return new CanaryTarget((scope) => {
      if (!(deployment instanceof kplus.Deployment)) throw notA(scope, 'Deployment', deployment);
      return fromWorkload(CanaryTargetKind.DEPLOYMENT, deployment);
    });
  }

  /** A cdk8s-plus-25 DaemonSet. */
  public static fromDaemonSet(daemonSet: kplus.DaemonSet): CanaryTarget {
    return new CanaryTarget((scope) => {
      if (!(daemonSet instanceof kplus.DaemonSet)) throw notA(scope, 'DaemonSet', daemonSet);
      return fromWorkload(CanaryTargetKind.DAEMON_SET, daemonSet);
    });
  }

  /** An `apps/v1` Deployment or DaemonSet written as an `ApiObject` (an L1 or an `Include`d manifest). */
  public static fromApiObject(object: ApiObject): CanaryTarget {
    return new CanaryTarget((scope) => {
      if (!(object instanceof ApiObject)) throw notA(scope, 'ApiObject', object);
      const kind = Object.values(CanaryTargetKind).find((known) => known === object.kind);
      if (object.apiVersion !== 'apps/v1' || !kind) {
        throw invalidProp(scope, 'target', `${object.apiVersion} ${object.kind}`, 'Flagger on Istio takes over an apps/v1 Deployment or DaemonSet; pass one of those.');
      }
      const json = object.toJson();
      const containers: any[] = json?.spec?.template?.spec?.containers ?? [];
      const ports = containers.flatMap((container) => (container.ports ?? []).map((port: any) => ({ number: port.containerPort, name: port.name })));
      return { kind, name: object.name, namespace: object.metadata.namespace, ports, construct: object, describe: object.node.path };
    });
  }

  /**
   * A workload another app deploys. It is recorded as an external object of the app, so the
   * synth-time lint does not report it missing; its ports are unknown, so `targetPort` is not checked.
   */
  public static fromName(reference: CanaryTargetReference): CanaryTarget {
    return new CanaryTarget((scope) => {
      const kind = reference?.kind;
      if (!Object.values(CanaryTargetKind).includes(kind)) {
        throw invalidProp(scope, 'target.kind', kind, 'use CanaryTargetKind.DEPLOYMENT or CanaryTargetKind.DAEMON_SET.');
      }
      const namespace = checkDnsLabel(scope, 'target.namespace', reference.namespace);
      const name = checkDnsLabel(scope, 'target.name', reference.name);
      ExternalObjects.of(scope).add({ kind, namespace, name, path: scope.node.path });
      return { kind, name, namespace, describe: `${kind} ${namespace}/${name}` };
    });
  }

  private constructor(private readonly resolve: (scope: IConstruct) => ResolvedTarget) {}

  /** @internal */
  public _resolve(scope: IConstruct): ResolvedTarget {
    return this.resolve(scope);
  }
}

function fromWorkload(kind: CanaryTargetKind, workload: kplus.Deployment | kplus.DaemonSet): ResolvedTarget {
  const ports = workload.containers.flatMap((container) => (container.ports ?? []).map((port) => ({ number: port.number, name: port.name })));
  return { kind, name: workload.name, namespace: workload.metadata.namespace, ports, construct: workload, describe: workload.node.path };
}

function notA(scope: IConstruct, expected: string, value: unknown): Error {
  return invalidProp(scope, 'target', value === undefined ? undefined : String(value), `pass a ${expected}; CanaryTarget.fromDeployment, fromDaemonSet, fromApiObject and fromName cover the kinds Flagger takes over.`);
}

/** The autoscaler kinds Flagger copies for the primary. */
export enum CanaryAutoscalerKind {
  /** An `autoscaling/v2` HorizontalPodAutoscaler. */
  HORIZONTAL_POD_AUTOSCALER = 'HorizontalPodAutoscaler',
  /** A KEDA `keda.sh/v1alpha1` ScaledObject. */
  SCALED_OBJECT = 'ScaledObject',
}

/** Options of every `CanaryAutoscaler` factory. */
export interface CanaryAutoscalerOptions {
  /**
   * Lowest replica count of the primary's copy of the autoscaler.
   *
   * @default - the autoscaler's own
   */
  readonly primaryMinReplicas?: number;

  /**
   * Highest replica count of the primary's copy of the autoscaler.
   *
   * @default - the autoscaler's own
   */
  readonly primaryMaxReplicas?: number;
}

/** Options of `CanaryAutoscaler.fromName`. */
export interface CanaryAutoscalerReference extends CanaryAutoscalerOptions {
  /**
   * Kind of the autoscaler.
   *
   * @default CanaryAutoscalerKind.HORIZONTAL_POD_AUTOSCALER
   */
  readonly kind?: CanaryAutoscalerKind;
  /** Namespace of the autoscaler, the Canary's. */
  readonly namespace: string;
  /** Name of the autoscaler. */
  readonly name: string;
}


/**
 * The autoscaler of a Canary's target (`spec.autoscalerRef`), which Flagger copies for the primary:
 * a cdk8s-plus HPA, any `ApiObject` HPA or KEDA ScaledObject, or a reference by name.
 */
export class CanaryAutoscaler {
  /** A cdk8s-plus-25 HorizontalPodAutoscaler. */
  public static fromHorizontalPodAutoscaler(hpa: kplus.HorizontalPodAutoscaler, options: CanaryAutoscalerOptions = {}): CanaryAutoscaler {
    return new CanaryAutoscaler((scope) => {
      if (!(hpa instanceof kplus.HorizontalPodAutoscaler)) {
        throw invalidProp(scope, 'autoscaler', hpa === undefined ? undefined : String(hpa), 'pass a cdk8s-plus-25 HorizontalPodAutoscaler.');
      }
      const target = hpa.target as unknown as IConstruct & { readonly name?: string; readonly kind?: string };
      return {
        apiVersion: 'autoscaling/v2', kind: CanaryAutoscalerKind.HORIZONTAL_POD_AUTOSCALER, name: hpa.name, namespace: hpa.metadata.namespace,
        scales: { kind: target.kind ?? '', name: target.name ?? '' }, scalesConstruct: target, construct: hpa, describe: hpa.node.path,
        primaryScalerReplicas: renderReplicas(scope, options),
      };
    });
  }

  /** An `autoscaling/v2` HorizontalPodAutoscaler or a `keda.sh/v1alpha1` ScaledObject written as an `ApiObject`. */
  public static fromApiObject(object: ApiObject, options: CanaryAutoscalerOptions = {}): CanaryAutoscaler {
    return new CanaryAutoscaler((scope) => {
      const known: Record<string, CanaryAutoscalerKind> = {
        'autoscaling/v2 HorizontalPodAutoscaler': CanaryAutoscalerKind.HORIZONTAL_POD_AUTOSCALER,
        'keda.sh/v1alpha1 ScaledObject': CanaryAutoscalerKind.SCALED_OBJECT,
      };
      const kind = object instanceof ApiObject ? known[`${object.apiVersion} ${object.kind}`] : undefined;
      if (!kind) {
        throw invalidProp(scope, 'autoscaler', object instanceof ApiObject ? `${object.apiVersion} ${object.kind}` : String(object),
          'Flagger copies an autoscaling/v2 HorizontalPodAutoscaler or a keda.sh/v1alpha1 ScaledObject; pass one of those.');
      }
      const ref = object.toJson()?.spec?.scaleTargetRef ?? {};
      return {
        apiVersion: object.apiVersion, kind, name: object.name, namespace: object.metadata.namespace,
        scales: { kind: ref.kind ?? 'Deployment', name: ref.name ?? '' }, construct: object, describe: object.node.path,
        primaryScalerReplicas: renderReplicas(scope, options),
      };
    });
  }

  /** An autoscaler another app deploys. It is recorded as an external object of the app. */
  public static fromName(reference: CanaryAutoscalerReference): CanaryAutoscaler {
    return new CanaryAutoscaler((scope) => {
      const kind = reference?.kind ?? CanaryAutoscalerKind.HORIZONTAL_POD_AUTOSCALER;
      if (!Object.values(CanaryAutoscalerKind).includes(kind)) {
        throw invalidProp(scope, 'autoscaler.kind', kind, 'use CanaryAutoscalerKind.HORIZONTAL_POD_AUTOSCALER or SCALED_OBJECT.');
      }
      const namespace = checkDnsLabel(scope, 'autoscaler.namespace', reference.namespace);
      const name = checkDnsLabel(scope, 'autoscaler.name', reference.name);
      ExternalObjects.of(scope).add({ kind, namespace, name, path: scope.node.path });
      return {
        apiVersion: kind === CanaryAutoscalerKind.SCALED_OBJECT ? 'keda.sh/v1alpha1' : 'autoscaling/v2',
        kind, name, namespace, describe: `${kind} ${namespace}/${name}`, primaryScalerReplicas: renderReplicas(scope, reference),
      };
    });
  }

  private constructor(private readonly resolve: (scope: IConstruct) => ResolvedAutoscaler) {}

  /** @internal */
  public _resolve(scope: IConstruct): ResolvedAutoscaler {
    return this.resolve(scope);
  }
}

function renderReplicas(scope: IConstruct, options: CanaryAutoscalerOptions): ResolvedAutoscaler['primaryScalerReplicas'] {
  const min = options?.primaryMinReplicas === undefined ? undefined : checkInteger(scope, 'autoscaler.primaryMinReplicas', options.primaryMinReplicas, 1, 10_000);
  const max = options?.primaryMaxReplicas === undefined ? undefined : checkInteger(scope, 'autoscaler.primaryMaxReplicas', options.primaryMaxReplicas, 1, 10_000);
  if (min !== undefined && max !== undefined && min > max) {
    throw invalidProp(scope, 'autoscaler.primaryMinReplicas', min, `it must not exceed primaryMaxReplicas (${max}).`);
  }
  return min === undefined && max === undefined ? undefined : { minReplicas: min, maxReplicas: max };
}
