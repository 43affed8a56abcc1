/** Istio's VirtualService delegation: root VirtualServices whose `http` routes hand over to another one. */
import { namespaceOf, SourcedObject } from './object';
import { asList, asMap, asString, mapAt } from './yaml';

/** A route of a root VirtualService that delegates to the VirtualService `namespace/name`. */
export interface Delegation {
  readonly root: SourcedObject;
  readonly name: string;
  readonly namespace: string;
}

/** The delegations of the given VirtualServices, in order. An empty delegate namespace is the root's own, as in Istio. */
export function delegationsOf(virtualServices: readonly SourcedObject[]): Delegation[] {
  const found: Delegation[] = [];
  for (const root of virtualServices) {
    for (const route of asList(asMap(root.object.spec).http)) {
      const delegate = mapAt(route, 'delegate');
      const name = asString(delegate.name);
      if (!name) continue;
      found.push({ root, name, namespace: asString(delegate.namespace) || namespaceOf(root.object) });
    }
  }
  return found;
}

/** The root VirtualServices that delegate to `namespace/name`, each once, in order. */
export function rootsDelegatingTo(delegations: readonly Delegation[], namespace: string, name: string): SourcedObject[] {
  return [...new Set(delegations.filter((d) => d.name === name && d.namespace === namespace).map((d) => d.root))];
}
