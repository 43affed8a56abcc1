/**
 * Kubernetes objects as the engine sees them: parsed YAML with where it came from, and its identity
 * (kind, namespace, name) read once, the way kubectl reads it.
 */
import { asString } from './yaml';

/** A parsed Kubernetes object, as it appears in YAML or in `Chart.toJson()`. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Where an object came from. All fields are optional: objects from a construct tree have no file. */
export interface ObjectSource {
  /** Path of the file the object was read from, as given by the user. */
  readonly file?: string;
  /** 1-based line of the document's first line in that file. */
  readonly line?: number;
  /** 0-based position of the object in `kubectl apply -f` order over all inputs. */
  readonly order: number;
  /** Construct path, when the object came from a cdk8s construct tree. */
  readonly path?: string;
}

/** An object with its source. */
export interface SourcedObject {
  readonly object: KubeObject;
  readonly source: ObjectSource;
}

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'PriorityClass', 'IngressClass', 'APIService', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'GatewayClass', 'ClusterIssuer',
]);

export function kindOf(object: KubeObject): string {
  return asString(object.kind) ?? '';
}

export function nameOf(object: KubeObject): string {
  return asString(object.metadata?.name) ?? '';
}

/** The namespace an object lands in: its own, or `default` (what `kubectl apply -f` does without `-n`); '' when cluster-scoped. */
export function namespaceOf(object: KubeObject): string {
  if (CLUSTER_SCOPED.has(kindOf(object))) return '';
  return asString(object.metadata?.namespace) || 'default';
}

/** The API group of an `apiVersion`: `apps` of `apps/v1`, '' for the core group (`v1`). */
export function apiGroupOf(apiVersion: unknown): string {
  const text = asString(apiVersion) ?? '';
  return text.includes('/') ? text.slice(0, text.indexOf('/')) : '';
}

/** `Kind/namespace/name`, or `Kind/name` when the namespace is '' (a cluster-scoped object). */
export function objectId(kind: string, namespace: string, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** The `Kind/namespace/name` of an object, with the namespace it lands in. */
export function idOf(object: KubeObject): string {
  return objectId(kindOf(object), namespaceOf(object), nameOf(object));
}
