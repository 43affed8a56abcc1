import { idOf, nameOf, SourcedObject } from '../../model/object';
import { asMap, asString, mapAt } from '../../model/yaml';
import { formatValue, plural } from '../../util/text';
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
  title: "The Canary's namespace lacks istio-injection=enabled (or istio.io/rev), or injection is disabled",
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

function podInjection(target: SourcedObject | undefined): string | undefined {
  if (!target) return undefined;
  const metadata = mapAt(target.object.spec, 'template', 'metadata');
  return asString(asMap(metadata.labels)[INJECT]) ?? asString(asMap(metadata.annotations)[INJECT]);
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
      reports.push(report(missingInfo, canary.sourced,
        `Canary ${namespace}/${canary.name} is in namespace ${namespace}, which has no Namespace object in the manifests.`,
        `add a Namespace ${namespace}${canary.isIstio ? ' labelled istio-injection: enabled' : ''} before the other objects.`));
      continue;
    }
    if (!canary.isIstio) continue;
    const labels = asMap(namespaceObject.object.metadata?.labels);
    const injection = asString(labels['istio-injection']);
    const revision = asString(labels['istio.io/rev']);
    const pod = podInjection(index.target(canary));
    const key = `injection/${namespace}/${pod}`;
    if (reported.has(key)) continue;
    let problem: string | undefined;
    if (pod === 'false') {
      problem = `the pod template of the target ${canary.targetRef?.kind} ${canary.targetRef?.name} sets ${INJECT}: "false"`;
    } else if (injection === 'disabled') {
      problem = `Namespace ${namespace} is labelled istio-injection=disabled`;
    } else if (injection !== 'enabled' && !revision && pod !== 'true') {
      const present = Object.entries(labels).map(([k, v]) => `${k}=${formatValue(v)}`);
      problem = injection !== undefined
        ? `Namespace ${namespace} is labelled istio-injection=${injection}, which is not "enabled"`
        : `Namespace ${namespace} has neither istio-injection=enabled nor istio.io/rev (labels: ${present.length ? present.join(', ') : 'none'})`;
    }
    if (!problem) continue;
    reported.add(key);
    reports.push(report(injectionInfo, pod === 'false' ? canary.sourced : namespaceObject,
      `${problem}, so the pods of Canary ${namespace}/${canary.name} get no Istio sidecar.`,
      pod === 'false' ? `remove ${INJECT}: "false" from the pod template.` : `label the Namespace: metadata.labels: {istio-injection: enabled}`));
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
