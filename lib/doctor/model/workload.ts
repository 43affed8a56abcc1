/** What the engine reads of workloads: their pod spec, pod labels and container ports. */
import { kindOf, KubeObject, SourcedObject } from './object';
import { asList, asMap, asNumber, asString, mapAt } from './yaml';

/** Workload kinds whose pod template is at `spec.template`. */
export const POD_TEMPLATE_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** The pod spec of a workload, Pod or CronJob. */
export function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  const kind = kindOf(object);
  if (kind === 'Pod') return asMap(object.spec);
  if (kind === 'CronJob') return mapAt(object.spec, 'jobTemplate', 'spec', 'template', 'spec');
  if (POD_TEMPLATE_KINDS.has(kind)) return mapAt(object.spec, 'template', 'spec');
  return undefined;
}

/** The labels of a workload's pods (a Pod's own labels). */
export function podLabelsOf(workload: SourcedObject): Record<string, unknown> {
  const object = workload.object;
  if (object.kind === 'Pod') return asMap(object.metadata?.labels);
  return mapAt(object.spec, 'template', 'metadata', 'labels');
}

/** A port a container declares: its number, its name, or both. */
export interface ContainerPort {
  readonly number?: number;
  readonly name?: string;
  readonly container: string;
}

/** Container ports of a workload's pod template: numbers and names. */
export function containerPorts(workload: SourcedObject | undefined): ContainerPort[] {
  if (!workload) return [];
  const podSpec = podSpecOf(workload.object);
  if (!podSpec) return [];
  const ports: ContainerPort[] = [];
  for (const container of asList(podSpec.containers).map(asMap)) {
    for (const port of asList(container.ports).map(asMap)) {
      ports.push({ number: asNumber(port.containerPort), name: asString(port.name), container: asString(container.name) ?? '' });
    }
  }
  return ports;
}
