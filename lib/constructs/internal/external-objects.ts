import { IConstruct } from 'constructs';

/** An object the app refers to but does not synthesize: another team's Gateway, a shared loadtester, an existing namespace. */
export interface ExternalObject {
  readonly kind: string;
  /** Empty for cluster-scoped kinds (Namespace). */
  readonly namespace: string;
  readonly name: string;
  /** The hosts a referenced Gateway serves, when the reference says so. */
  readonly hosts?: readonly string[];
  /** Path of the construct that declared the reference, for messages. */
  readonly path: string;
}

const registries = new WeakMap<IConstruct, ExternalObjects>();

/**
 * The objects an app refers to by name, which other teams own. Constructs such as
 * `IstioGateway.fromName` record them here; the synth-time lint reads them so that a referenced
 * object raises no "missing" finding, while what can still be checked (a host the referenced
 * Gateway serves) is checked.
 *
 * One registry per app (the root of the construct tree).
 */
export class ExternalObjects {
  /** The registry of the app `scope` belongs to. */
  public static of(scope: IConstruct): ExternalObjects {
    const root = scope.node.root;
    let registry = registries.get(root);
    if (!registry) {
      registry = new ExternalObjects();
      registries.set(root, registry);
    }
    return registry;
  }

  private readonly objects = new Map<string, ExternalObject>();

  private constructor() {}

  /**
   * Records a referenced object. Referring to the same object twice is fine, but two references
   * that list different hosts for it cannot both be right: that is an error naming both.
   */
  public add(object: ExternalObject): void {
    const key = identity(object.kind, object.namespace, object.name);
    const known = this.objects.get(key);
    if (!known) {
      this.objects.set(key, { ...object, hosts: object.hosts ? [...object.hosts] : undefined });
      return;
    }
    if (object.hosts && known.hosts && !sameSet(object.hosts, known.hosts)) {
      throw new Error(`${object.path}: hosts is ${JSON.stringify(object.hosts)}; ${known.path} refers to the same ${object.kind} ${object.namespace}/${object.name} with hosts ${JSON.stringify(known.hosts)}; give both references the hosts the ${object.kind} really serves.`);
    }
    // The reference that knows the hosts is the one to name in messages about them.
    if (object.hosts && !known.hosts) this.objects.set(key, { ...known, hosts: [...object.hosts], path: object.path });
  }

  /** The recorded object of that kind, namespace and name, if any. */
  public find(kind: string, namespace: string, name: string): ExternalObject | undefined {
    return this.objects.get(identity(kind, namespace, name));
  }

  /** Every recorded object, in the order they were first referenced. */
  public list(): ExternalObject[] {
    return [...this.objects.values()];
  }
}

function identity(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}
