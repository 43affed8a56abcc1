import { CanaryView } from '../../model/canary-view';
import { idOf, nameOf, SourcedObject } from '../../model/object';
import { providerIsKnown, providerText } from '../../model/provider';
import { podSpecOf } from '../../model/workload';
import { asList, asMap, asString, mapAt } from '../../model/yaml';
import { closest } from '../../util/suggest';
import { formatValue, plural } from '../../util/text';
import { reportMissing } from '../presence';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const missingInfo: RuleInfo = {
  id: 'namespace-missing',
  severity: 'error',
  title: "The Canary's namespace is not in the manifests",
  symptom: '`kubectl apply` fails with `namespaces "test" not found`, or the namespace exists without the labels the mesh needs.',
};

const injectionInfo: RuleInfo = {
  id: 'namespace-injection',
  severity: 'error',
  title: "The namespace of an Istio Canary lacks istio-injection=enabled (or istio.io/rev), or injection is disabled, and its pods carry no sidecar already",
  symptom: 'Pods run without the Envoy sidecar, so Istio records no metrics and applies no weights: '
    + '`Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic`.',
};

const orderInfo: RuleInfo = {
  id: 'namespace-order',
  severity: 'error',
  title: 'A Namespace comes after objects in it, in `kubectl apply -f DIR` order (lexical file order, then document order) within its folder',
  symptom: 'The first `kubectl apply -f DIR` fails those objects with `namespaces "test" not found`; only a second apply succeeds.',
};

const INJECT = 'sidecar.istio.io/inject';

/** How each mesh wants a namespace marked for injection, for the hint of namespace-missing. */
const MESH_LABELS: Readonly<Record<string, string>> = {
  istio: ' labelled istio-injection: enabled',
  linkerd: ' annotated linkerd.io/inject: enabled',
  kuma: ' labelled kuma.io/sidecar-injection: enabled',
};

function podInjection(target: SourcedObject | undefined): string | undefined {
  if (!target) return undefined;
  const metadata = mapAt(target.object.spec, 'template', 'metadata');
  return asString(asMap(metadata.labels)[INJECT]) ?? asString(asMap(metadata.annotations)[INJECT]);
}

/** The pod template already carries Istio's sidecar, injected before apply (`istioctl kube-inject`, a kustomize patch). */
function hasInjectedSidecar(target: SourcedObject | undefined): boolean {
  if (!target) return false;
  const annotations = asMap(mapAt(target.object.spec, 'template', 'metadata').annotations);
  if (annotations['sidecar.istio.io/status'] !== undefined) return true;
  return asList(podSpecOf(target.object)?.containers).some((container) => asString(asMap(container).name) === 'istio-proxy');
}

function missingNamespace(context: LintContext, canary: CanaryView): Report[] {
  const { index } = context;
  const namespace = canary.namespace;
  const near = closest(namespace, index.namespaceObjects.map((n) => nameOf(n.object)));
  return reportMissing(context.presence, missingInfo, canary.sourced, { kind: 'Namespace', namespace: '', name: namespace, nearMiss: near !== undefined },
    `Canary ${namespace}/${canary.name} is in namespace ${namespace}, which has no Namespace object in the manifests${near ? ` (Namespaces: ${near})` : ''}.`,
    near ? `did you mean namespace ${near} ?` : `add a Namespace ${namespace}${MESH_LABELS[canary.providerInfo.source === 'default' ? '' : canary.providerInfo.family ?? ''] ?? ''} before the other objects.`);
}

/** Why the pods of an Istio Canary get no sidecar, if they do not. */
function injectionProblem(namespace: string, labels: Record<string, unknown>, pod: string | undefined, canary: CanaryView): string | undefined {
  const injection = asString(labels['istio-injection']);
  const revision = asString(labels['istio.io/rev']);
  if (pod === 'false') return `the pod template of the target ${canary.targetRef?.kind} ${canary.targetRef?.name} sets ${INJECT}: "false"`;
  if (injection === 'disabled') return `Namespace ${namespace} is labelled istio-injection=disabled`;
  if (injection === 'enabled' || revision || pod === 'true') return undefined;
  // Ambient mode: ztunnel and waypoints, no sidecar to inject.
  if (labels['istio.io/dataplane-mode'] === 'ambient') return undefined;
  const present = Object.entries(labels).map(([k, v]) => `${k}=${formatValue(v)}`);
  return injection !== undefined
    ? `Namespace ${namespace} is labelled istio-injection=${injection}, which is not "enabled"`
    : `Namespace ${namespace} has neither istio-injection=enabled nor istio.io/rev (labels: ${present.length ? present.join(', ') : 'none'})`;
}

function checkCanaryNamespaces(context: LintContext): Report[] {
  const { index } = context;
  const reports: Report[] = [];
  const reported = new Set<string>();
  for (const canary of index.canaries) {
    const namespace = canary.namespace;
    const namespaceObject = index.namespaceObject(namespace);
    if (!namespaceObject) {
      if (namespace === 'default' || reported.has(`missing/${namespace}`)) continue;
      reported.add(`missing/${namespace}`);
      reports.push(...missingNamespace(context, canary));
      continue;
    }
    // Only the Istio provider needs the sidecar; a sidecar already in the pod template needs no injection.
    const provider = canary.providerInfo;
    if (provider.family !== 'istio') continue;
    const target = index.target(canary);
    if (hasInjectedSidecar(target)) continue;
    const pod = podInjection(target);
    const key = `injection/${namespace}/${pod}`;
    if (reported.has(key)) continue;
    const problem = injectionProblem(namespace, asMap(namespaceObject.object.metadata?.labels), pod, canary);
    if (!problem) continue;
    reported.add(key);
    reports.push(report(injectionInfo, pod === 'false' ? canary.sourced : namespaceObject,
      `${problem}, so the pods of Canary ${namespace}/${canary.name} get no Istio sidecar, which its ${providerText(provider)} needs.`,
      pod === 'false' ? `remove ${INJECT}: "false" from the pod template.` : `label the Namespace: metadata.labels: {istio-injection: enabled}`,
      providerIsKnown(provider) ? injectionInfo.severity : 'warning'));
  }
  return reports;
}

/**
 * The folder of a file: objects of one folder are applied together, in order, by `kubectl apply -f DIR`.
 * Objects with neither a file nor a construct path have no known apply order: undefined.
 */
function folderOf(sourced: SourcedObject): string | undefined {
  const file = sourced.source.file;
  if (file === undefined) return sourced.source.path === undefined ? undefined : '';
  return file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'), 0));
}

function checkOrder(context: LintContext): Report[] {
  const { index } = context;
  const reports: Report[] = [];
  if (index.namespaceObjects.length === 0) return reports;
  // The first Namespace of each name and folder. Folders given separately may well be applied separately
  // (the namespace first), so only objects of the Namespace's own folder count.
  const namespaceOrder = new Map<string, number>();
  for (const n of index.namespaceObjects) {
    const folder = folderOf(n);
    if (folder === undefined) continue;
    const key = `${folder}\u0000${nameOf(n.object)}`;
    if (!namespaceOrder.has(key)) namespaceOrder.set(key, n.source.order);
  }
  // First object and count per folder and namespace, in one pass over the objects in order.
  const first = new Map<string, SourcedObject>();
  const before = new Map<string, number>();
  for (const sourced of index.objects) {
    const namespace = asString(sourced.object.metadata?.namespace);
    const folder = folderOf(sourced);
    if (!namespace || folder === undefined || sourced.object.kind === 'Namespace') continue;
    const key = `${folder}\u0000${namespace}`;
    const order = namespaceOrder.get(key);
    if (order === undefined || sourced.source.order >= order) continue;
    if (!first.has(key)) first.set(key, sourced);
    before.set(key, (before.get(key) ?? 0) + 1);
  }
  for (const namespaceObject of index.namespaceObjects) {
    const name = nameOf(namespaceObject.object);
    const key = `${folderOf(namespaceObject)}\u0000${name}`;
    const earliest = first.get(key);
    if (!earliest || namespaceOrder.get(key) !== namespaceObject.source.order) continue;
    const count = before.get(key) ?? 0;
    const where = earliest.source.file ? ` in ${earliest.source.file}` : '';
    reports.push(report(orderInfo, namespaceObject,
      `Namespace ${name} comes after ${plural(count, 'object')} in it in \`kubectl apply -f\` order (the first: ${idOf(earliest.object)}${where}).`,
      namespaceObject.source.file && namespaceObject.source.file !== earliest.source.file
        ? `move the Namespace into a file that sorts before ${earliest.source.file}, e.g. 00-namespace.yaml, or to the top of that file.`
        : 'move the Namespace document above the objects in it.'));
  }
  return reports;
}

function check(context: LintContext): Report[] {
  return [...checkCanaryNamespaces(context), ...checkOrder(context)];
}

export const namespaceRules: RuleSet = { rules: [missingInfo, injectionInfo, orderInfo], check };
