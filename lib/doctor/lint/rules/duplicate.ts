import { isDeepStrictEqual } from 'util';
import { CanaryView } from '../../model/canary-view';
import { apiGroupOf, kindOf, nameOf, namespaceOf, objectId, SourcedObject } from '../../model/object';
import { asMap, asStrings } from '../../model/yaml';
import { parseGatewayRef } from './gateway';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const targetInfo: RuleInfo = {
  id: 'duplicate-canary-target',
  severity: 'error',
  title: 'Two Canaries target the same workload',
  symptom: 'Both Canaries create the same primary Deployment and Services and fight over the traffic weights; rollouts flap and '
    + 'promote or roll back unpredictably.',
};

const objectInfo: RuleInfo = {
  id: 'duplicate-object',
  severity: 'error',
  title: 'Two different objects with the same kind, namespace and name',
  symptom: '`kubectl apply` applies both to one object, so the later silently replaces the earlier; which one a GitOps tool keeps depends on its order.',
};

const hostInfo: RuleInfo = {
  id: 'duplicate-virtualservice-host',
  severity: 'error',
  title: 'Two root VirtualServices (a Canary\'s own counts) claim the same host on the same gateway',
  symptom: 'For a gateway Istio merges them in no defined order, so the catch-all route of one shadows the other; for the mesh it keeps only one '
    + '(`istioctl analyze`: `ConflictingMeshGatewayVirtualServiceHosts`). Requests reach the other\'s service, or the canary\'s weights are ignored.',
};

/** Where an object comes from, for messages: its file and line, or its construct path. */
export function placeOf(sourced: SourcedObject): string {
  const { file, line, path } = sourced.source;
  if (path) return path;
  if (file) return line !== undefined ? `${file}:${line}` : file;
  return 'the manifests';
}

function checkTargets(context: LintContext): Report[] {
  const reports: Report[] = [];
  const owners = new Map<string, CanaryView>();
  for (const canary of context.index.canaries) {
    const ref = canary.targetRef;
    if (!ref || !ref.name) continue;
    const key = `${canary.namespace}/${ref.kind}/${ref.name}`;
    const first = owners.get(key);
    if (!first) {
      owners.set(key, canary);
      continue;
    }
    // The same Canary given twice is one object to the API server; duplicate-object reports it when the copies differ.
    if (first.name === canary.name) continue;
    reports.push(report(targetInfo, canary.sourced,
      `Canary ${canary.namespace}/${canary.name} (${placeOf(canary.sourced)}) targets ${ref.kind} ${canary.namespace}/${ref.name}, `
      + `which Canary ${first.namespace}/${first.name} (${placeOf(first.sourced)}) already targets.`,
      `keep one Canary per workload: delete one of them, or point it at another ${ref.kind}.`));
  }
  return reports;
}

function checkObjects(context: LintContext): Report[] {
  const reports: Report[] = [];
  const first = new Map<string, SourcedObject>();
  for (const sourced of context.index.objects) {
    const name = nameOf(sourced.object);
    if (!name) continue;
    const kind = kindOf(sourced.object);
    const key = `${apiGroupOf(sourced.object.apiVersion)}/${kind}/${namespaceOf(sourced.object)}/${name}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, sourced);
      continue;
    }
    const same = isDeepStrictEqual(earlier.object, sourced.object);
    // The same document twice (a file and its copy) is one object to the API server; two constructs that
    // synthesize it are two things meant, where one is redundant or was meant to be another object.
    if (same && !(earlier.source.path && sourced.source.path && earlier.source.path !== sourced.source.path)) continue;
    reports.push(report(objectInfo, sourced,
      `${objectId(kind, namespaceOf(sourced.object), name)} (${placeOf(sourced)}) is also defined${same ? '' : ', differently,'} at ${placeOf(earlier)}: `
      + (same ? 'two constructs synthesize the same object.' : 'the one applied last replaces the other.'),
      'keep one definition: delete one, or give one another name.'));
  }
  return reports;
}

interface Claim {
  readonly owner: SourcedObject;
  /** The VirtualService, `namespace/name`: two Canaries with one apex write the same one (duplicate-canary-target's). */
  readonly virtualService: string;
  readonly what: string;
}

/** A host as Istio reads it: a short name is a Service of the VirtualService's namespace. */
function normalizeHost(host: string, namespace: string): string {
  const lower = host.toLowerCase();
  return lower.includes('.') || lower === '*' ? lower : `${lower}.${namespace}.svc.cluster.local`;
}

function gatewayKeys(gateways: readonly string[], namespace: string): string[] {
  if (gateways.length === 0) return ['mesh'];
  return gateways.map((ref) => {
    if (ref === 'mesh') return 'mesh';
    const parsed = parseGatewayRef(ref, namespace);
    return parsed ? `${parsed.namespace}/${parsed.name}` : ref;
  });
}

function checkHosts(context: LintContext): Report[] {
  const { index } = context;
  const claims = new Map<string, Claim>();
  const reports: Report[] = [];
  const claim = (owner: SourcedObject, virtualService: string, what: string, hosts: readonly string[], gateways: readonly string[], namespace: string) => {
    for (const gateway of gatewayKeys(gateways, namespace)) {
      for (const host of new Set(hosts.map((h) => normalizeHost(h, namespace)))) {
        const key = `${gateway}\u0000${host}`;
        const earlier = claims.get(key);
        if (!earlier) {
          claims.set(key, { owner, virtualService, what });
          continue;
        }
        if (earlier.owner === owner || earlier.virtualService === virtualService) continue;
        reports.push(report(hostInfo, owner,
          `${what} (${placeOf(owner)}) claims host ${host} on gateway ${gateway}, which ${earlier.what} (${placeOf(earlier.owner)}) already claims: `
          + `${gateway === 'mesh' ? 'for the mesh Istio applies only one of them' : 'Istio merges them in no defined order, so one catch-all route shadows the other'}.`,
          'serve each host on each gateway from one root VirtualService: merge the routes, delegate from one to the other, or use another host.'));
      }
    }
  };
  for (const canary of index.canaries) {
    if (!canary.isIstio || canary.service.delegation === true || !canary.apex) continue;
    claim(canary.sourced, `${canary.namespace}/${canary.apex}`, `the VirtualService Flagger generates for Canary ${canary.namespace}/${canary.name}`,
      [...asStrings(canary.service.hosts), canary.apex], asStrings(canary.service.gateways), canary.namespace);
  }
  for (const vs of index.virtualServices) {
    const spec = asMap(vs.object.spec);
    const hosts = asStrings(spec.hosts);
    // A delegate has no hosts; a VirtualService Flagger will take over is virtualservice-takeover's.
    if (hosts.length === 0 || index.generatedService(namespaceOf(vs.object), nameOf(vs.object))?.role === 'apex') continue;
    claim(vs, `${namespaceOf(vs.object)}/${nameOf(vs.object)}`, `VirtualService ${namespaceOf(vs.object)}/${nameOf(vs.object)}`, hosts, asStrings(spec.gateways), namespaceOf(vs.object));
  }
  return reports;
}

export const duplicateRules: RuleSet = {
  rules: [targetInfo, objectInfo, hostInfo],
  check: (context) => [...checkTargets(context), ...checkObjects(context), ...checkHosts(context)],
};
