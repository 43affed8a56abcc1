/**
 * Objects the Canaries reference that are not in the linted manifests. A repository rarely holds
 * everything: the namespace is created with kubectl, the loadtester and the mesh team's Gateway come
 * from Helm or another kustomization. Whether such an object is an error depends on how complete the
 * manifests are (`LintOptions.completeness`) and on what is declared to exist elsewhere
 * (`assumePresent`, `externalNamespaces`, a construct's `fromName`).
 */
import { ManifestIndex } from '../model/manifest-index';
import { objectId, SourcedObject } from '../model/object';
import { Completeness, ExternalObjectRef, report, Report, RuleInfo } from './rule';

/** An object a rule looks for and did not find in the manifests. */
export interface Reference {
  readonly kind: string;
  /** '' for a Namespace. */
  readonly namespace: string;
  readonly name: string;
  /** A near miss of it is in the manifests (the rule's "did you mean"): likely a typo, not an object installed elsewhere. */
  readonly nearMiss?: boolean;
}

/** What lint says about a referenced object that is not in the manifests. */
export type Verdict =
  /** Declared to exist elsewhere: nothing. */
  | { readonly verdict: 'declared' }
  /** The manifests should hold it: the rule's finding, with why appended. */
  | { readonly verdict: 'missing'; readonly why: string }
  /** Assumed to be installed separately: a note. */
  | { readonly verdict: 'assumed'; readonly why: string };

/** kubectl's short names for the kinds `--assume-present` is likely to name. */
const KIND_ALIASES: Record<string, string> = {
  svc: 'service', ns: 'namespace', deploy: 'deployment', ds: 'daemonset', hpa: 'horizontalpodautoscaler', gw: 'gateway',
  vs: 'virtualservice', so: 'scaledobject', mt: 'metrictemplate',
};

const CLUSTER_SCOPED_KINDS = new Set(['namespace']);

function kindKey(kind: string): string {
  const lower = kind.toLowerCase();
  return KIND_ALIASES[lower] ?? lower;
}

/** The syntax `--assume-present` and the `assumePresent` options take, for messages. */
export const OBJECT_REF_SYNTAX = 'KIND/NAMESPACE/NAME (KIND/NAME for a Namespace; NAME may be *), e.g. Service/test/flagger-loadtester';

/** Reads `KIND/NAMESPACE/NAME` (or `Namespace/NAME`); undefined when it is not of that form. */
export function parseObjectRef(text: string): ExternalObjectRef | undefined {
  const parts = text.trim().split('/');
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(kindKey(parts[0]));
  if (parts.length === 2 && clusterScoped && parts[0] && parts[1]) return { kind: parts[0], namespace: '', name: parts[1] };
  if (parts.length !== 3 || !parts[0] || !parts[2] || (!parts[1] && !clusterScoped)) return undefined;
  return { kind: parts[0], namespace: clusterScoped ? '' : parts[1], name: parts[2] };
}

const STRICT_HINT = 'pass --complete to report every missing object as an error';

/** Judges referenced objects that are not in the manifests. */
export class Presence {
  private readonly completeness: Completeness;
  private readonly declared: readonly ExternalObjectRef[];
  private readonly externalNamespaces: ReadonlySet<string>;

  constructor(private readonly index: ManifestIndex, options: {
    readonly completeness?: Completeness;
    readonly assumePresent?: readonly ExternalObjectRef[];
    readonly externalNamespaces?: readonly string[];
  } = {}) {
    this.completeness = options.completeness ?? 'auto';
    this.declared = options.assumePresent ?? [];
    this.externalNamespaces = new Set(options.externalNamespaces ?? []);
  }

  /** The declaration of an object as present elsewhere, if any (with the hosts of a Gateway). */
  declaration(kind: string, namespace: string, name: string): ExternalObjectRef | undefined {
    const wanted = kindKey(kind);
    return this.declared.find((d) => kindKey(d.kind) === wanted && (d.namespace === namespace || CLUSTER_SCOPED_KINDS.has(wanted))
      && (d.name === name || d.name === '*'));
  }

  /** Whether the object is declared to exist outside the manifests, by itself or by its namespace. */
  isDeclared(ref: Reference): boolean {
    if (this.declaration(ref.kind, ref.namespace, ref.name)) return true;
    const namespace = CLUSTER_SCOPED_KINDS.has(kindKey(ref.kind)) ? ref.name : ref.namespace;
    return this.externalNamespaces.has(namespace);
  }

  judge(ref: Reference): Verdict {
    if (this.isDeclared(ref)) return { verdict: 'declared' };
    if (this.completeness === 'complete') return { verdict: 'missing', why: '' };
    if (ref.nearMiss) return { verdict: 'missing', why: '' };
    if (this.completeness === 'partial') return { verdict: 'assumed', why: 'It is assumed to be installed separately (--partial).' };
    if (ref.namespace && this.index.namespaceObject(ref.namespace)) {
      return { verdict: 'missing', why: `Namespace ${ref.namespace} is defined in these manifests, so they should hold it too.` };
    }
    return {
      verdict: 'assumed',
      why: ref.namespace
        ? `It is assumed to be installed separately: Namespace ${ref.namespace} is not defined in these manifests, and nothing in them is a near miss of the name.`
        : 'It is assumed to be created separately (kubectl create namespace, another kustomization): no Namespace of a similar name is in these manifests.',
    };
  }
}

/** The `Kind/namespace/name` to declare a reference with. */
function declarationOf(ref: Reference): string {
  return ref.namespace ? objectId(ref.kind, ref.namespace, ref.name) : `${ref.kind}/${ref.name}`;
}

/**
 * A rule's report that `ref` is not in the manifests, as the presence rules judge it: nothing when it is
 * declared present, the rule's finding when the manifests should hold it, a note when it is assumed to be
 * installed separately. `message` says what is missing; `hint` how to fix it when it should be there.
 */
export function reportMissing(presence: Presence, rule: RuleInfo, object: SourcedObject, ref: Reference, message: string, hint: string): Report[] {
  const verdict = presence.judge(ref);
  if (verdict.verdict === 'declared') return [];
  if (verdict.verdict === 'missing') return [report(rule, object, verdict.why ? `${message} ${verdict.why}` : message, hint)];
  return [report(rule, object, `${message} ${verdict.why}`,
    `if it is installed separately, nothing to do (--assume-present ${declarationOf(ref)} silences this note; ${STRICT_HINT}); otherwise ${hint}`, 'info')];
}
