import { k8s } from 'cdk8s-plus-25';
import { Construct, IConstruct } from 'constructs';
import { ExternalObjects } from './internal/external-objects';
import { checkDnsLabel, invalidProp } from './internal/validate';

/** A namespace with Istio sidecar injection, that workloads, Canaries and routes are created in. */
export interface IMeshNamespace extends IConstruct {
  /** The namespace's name. */
  readonly name: string;
  /**
   * Makes each of `objects` synthesize after the Namespace, so `kubectl apply -f dist/` never
   * fails with "namespaces not found". Does nothing for a namespace another app creates.
   */
  addToNamespace(...objects: IConstruct[]): void;
}

/** How Istio sets up the traffic redirection of the sidecars, which decides the Pod Security level that works. */
export enum SidecarNetworkSetup {
  /**
   * Istio's default install: each pod gets the `istio-init` init container, which needs the
   * NET_ADMIN and NET_RAW capabilities. Neither Pod Security level `baseline` nor `restricted`
   * allows them, so the namespace can only enforce `privileged`.
   */
  INIT_CONTAINER = 'init-container',
  /**
   * The Istio CNI node agent sets up the redirection, and pods need no capabilities: the namespace
   * enforces `baseline`, the level Istio documents for it.
   */
  ISTIO_CNI = 'istio-cni',
}

/** Properties of a `MeshNamespace`. */
export interface MeshNamespaceProps {
  /**
   * Name of the namespace.
   *
   * @default "test", as in the tutorial
   */
  readonly name?: string;

  /**
   * Istio revision label (`istio.io/rev`) for clusters that run a revisioned control plane.
   * When unset, the namespace is labelled `istio-injection: enabled`.
   *
   * @default - `istio-injection: enabled`
   */
  readonly istioRevision?: string;

  /**
   * How the cluster's Istio redirects pod traffic, which decides the Pod Security Admission level
   * the namespace enforces: `privileged` with the `istio-init` container (what `setup.sh` and
   * `istioctl install` without CNI give), `baseline` with Istio CNI. Either way the namespace
   * warns and audits at `restricted`, which this project's own workloads meet, so a regression
   * in them shows up in `kubectl apply` warnings.
   *
   * @default SidecarNetworkSetup.INIT_CONTAINER
   */
  readonly sidecarNetworkSetup?: SidecarNetworkSetup;

  /**
   * Extra labels on the namespace.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

const ENFORCE_LEVEL: Record<SidecarNetworkSetup, string> = {
  [SidecarNetworkSetup.INIT_CONTAINER]: 'privileged',
  [SidecarNetworkSetup.ISTIO_CNI]: 'baseline',
};

const MANAGED_LABELS = ['istio-injection', 'istio.io/rev', 'pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/warn', 'pod-security.kubernetes.io/audit'];

/**
 * A Namespace with Istio sidecar injection turned on, and Pod Security Admission labels at the
 * strictest level its sidecars allow.
 *
 * Without injection there is no Envoy sidecar, so Istio reports no `reporter="destination"` metrics
 * for the workloads, and Flagger halts every analysis with "no values found for istio metric".
 *
 * Objects created inside it should call `addToNamespace`: the namespace then synthesizes before
 * them, so `kubectl apply -f dist/` never fails with "namespaces not found".
 */
export class MeshNamespace extends Construct implements IMeshNamespace {
  /**
   * A namespace another app creates (with sidecar injection on). It is recorded as an external
   * object of the app, so the synth-time lint does not report it missing.
   */
  public static fromName(scope: Construct, id: string, name: string): IMeshNamespace {
    return new ImportedMeshNamespace(scope, id, name);
  }

  /** The namespace's name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'test');

    for (const key of MANAGED_LABELS) {
      if (props.labels?.[key] !== undefined) {
        throw invalidProp(this, `labels["${key}"]`, props.labels[key], key.startsWith('pod-security')
          ? 'MeshNamespace sets the Pod Security labels from sidecarNetworkSetup; set that instead.'
          : 'leave sidecar injection to MeshNamespace; set istioRevision for a revisioned control plane.');
      }
    }
    const setup = props.sidecarNetworkSetup ?? SidecarNetworkSetup.INIT_CONTAINER;
    if (!Object.values(SidecarNetworkSetup).includes(setup)) {
      throw invalidProp(this, 'sidecarNetworkSetup', setup, 'use SidecarNetworkSetup.INIT_CONTAINER or SidecarNetworkSetup.ISTIO_CNI.');
    }
    const labels: Record<string, string> = { ...props.labels };
    if (props.istioRevision !== undefined) {
      checkDnsLabel(this, 'istioRevision', props.istioRevision);
      labels['istio.io/rev'] = props.istioRevision;
    } else {
      labels['istio-injection'] = 'enabled';
    }
    labels['pod-security.kubernetes.io/enforce'] = ENFORCE_LEVEL[setup];
    labels['pod-security.kubernetes.io/warn'] = 'restricted';
    labels['pod-security.kubernetes.io/audit'] = 'restricted';

    new k8s.KubeNamespace(this, 'Resource', { metadata: { name: this.name, labels } });
  }

  /** Makes each of `objects` synthesize after this namespace. */
  public addToNamespace(...objects: IConstruct[]): void {
    for (const object of objects) object.node.addDependency(this.node.defaultChild!);
  }
}

class ImportedMeshNamespace extends Construct implements IMeshNamespace {
  public readonly name: string;

  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', name);
    ExternalObjects.of(this).add({ kind: 'Namespace', namespace: '', name: this.name, path: this.node.path });
  }

  public addToNamespace(..._objects: IConstruct[]): void {
    // The namespace exists before this app is applied: nothing to order.
  }
}
