import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import { checkDnsLabel, invalidProp } from './internal/validate';

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
   * Extra labels on the namespace.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Namespace with Istio sidecar injection turned on.
 *
 * Without injection there is no Envoy sidecar, so Istio reports no `reporter="destination"` metrics
 * for the workloads, and Flagger halts every analysis with "no values found for istio metric".
 *
 * Objects created inside it should call `addToNamespace`: the namespace then synthesizes before
 * them, so `kubectl apply -f dist/` never fails with "namespaces not found".
 */
export class MeshNamespace extends Construct {
  /** The namespace's name. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'test');

    const labels: Record<string, string> = { ...props.labels };
    if (props.istioRevision !== undefined) {
      checkDnsLabel(this, 'istioRevision', props.istioRevision);
      labels['istio.io/rev'] = props.istioRevision;
    } else {
      labels['istio-injection'] = 'enabled';
    }
    for (const key of ['istio-injection', 'istio.io/rev']) {
      if (props.labels?.[key] !== undefined) {
        throw invalidProp(this, `labels["${key}"]`, props.labels[key], 'leave sidecar injection to MeshNamespace; set istioRevision for a revisioned control plane.');
      }
    }

    this.apiObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: { name: this.name, labels },
    });
  }

  /** Makes `object` synthesize after this namespace. */
  public addToNamespace(...objects: Construct[]): void {
    for (const object of objects) object.node.addDependency(this.apiObject);
  }
}
