import * as kplus from 'cdk8s-plus-25';
import { IConstruct } from 'constructs';
import * as flagger from '../../../imports/flagger.app';
import type { CanaryAnalysisOptions, CanaryProps } from '../canary';
import { CanaryStrategy } from '../canary-strategy';
import { CanaryAutoscaler, CanaryTarget, CanaryTargetKind } from '../canary-target';
import { CanaryWebhookConfig, WebhookType } from '../canary-webhook';
import { ResolvedAutoscaler, ResolvedTarget } from './specs';
import { checkUrl } from './urls';
import { canaryDuration, checkHostname, checkInteger, checkPort, invalidProp } from './validate';

// The parts of a Canary's spec that need checking against each other: its target and autoscaler,
// its strategy, its ports, its gateways and its webhooks.

/** JavaScript callers of the first release passed the cdk8s-plus workload itself; it is still accepted. */
export function resolveTarget(scope: IConstruct, target: CanaryTarget): ResolvedTarget {
  const value = target as unknown;
  if (value instanceof kplus.Deployment) return CanaryTarget.fromDeployment(value)._resolve(scope);
  if (value instanceof kplus.DaemonSet) return CanaryTarget.fromDaemonSet(value)._resolve(scope);
  if (!(value instanceof CanaryTarget)) {
    throw invalidProp(scope, 'target', value === undefined ? undefined : String(value),
      'pass the workload Flagger should take over, e.g. CanaryTarget.fromDeployment(podinfo.deployment).');
  }
  return value._resolve(scope);
}

export function resolveAutoscaler(scope: IConstruct, autoscaler: CanaryAutoscaler, target: ResolvedTarget): ResolvedAutoscaler {
  const value = autoscaler as unknown;
  const resolved = value instanceof kplus.HorizontalPodAutoscaler ? CanaryAutoscaler.fromHorizontalPodAutoscaler(value)._resolve(scope)
    : value instanceof CanaryAutoscaler ? value._resolve(scope)
      : undefined;
  if (!resolved) {
    throw invalidProp(scope, 'autoscaler', String(value), 'use CanaryAutoscaler.fromHorizontalPodAutoscaler(hpa), fromApiObject(object) or fromName({...}).');
  }
  if (target.kind === CanaryTargetKind.DAEMON_SET) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, 'a DaemonSet runs one pod per node and has no autoscaler; drop it.');
  }
  if (resolved.scalesConstruct && target.construct && resolved.scalesConstruct !== target.construct) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `that autoscaler scales ${resolved.scalesConstruct.node.path}; pass the one whose target is ${target.describe}.`);
  }
  if (resolved.scales && (resolved.scales.name !== target.name || (resolved.scales.kind && resolved.scales.kind !== target.kind))) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `that autoscaler scales ${resolved.scales.kind} ${resolved.scales.name}; pass the one whose target is ${target.describe}.`);
  }
  if (resolved.namespace !== undefined && resolved.namespace !== target.namespace) {
    throw invalidProp(scope, 'autoscaler', resolved.describe, `it is in namespace ${resolved.namespace}, the target in ${target.namespace}; Flagger looks for it beside the Canary.`);
  }
  return resolved;
}

export function resolveStrategy(scope: IConstruct, props: CanaryProps, analysis: CanaryAnalysisOptions): CanaryStrategy {
  const legacy = { maxWeight: analysis.maxWeight, stepWeight: analysis.stepWeight, stepWeights: analysis.stepWeights };
  const legacyFields = Object.entries(legacy).filter(([, value]) => value !== undefined).map(([key]) => key);
  if (props.strategy !== undefined) {
    if (!(props.strategy instanceof CanaryStrategy)) {
      throw invalidProp(scope, 'strategy', String(props.strategy), 'use a CanaryStrategy factory, e.g. CanaryStrategy.progressive({ stepWeight: 10, maxWeight: 50 }).');
    }
    if (legacyFields.length > 0) {
      throw invalidProp(scope, `analysis.${legacyFields[0]}`, (legacy as Record<string, unknown>)[legacyFields[0]], 'the strategy sets the weights; move them into it and drop analysis.maxWeight, stepWeight and stepWeights.');
    }
    return props.strategy;
  }
  if (legacy.stepWeights !== undefined) {
    if (legacy.stepWeight !== undefined || legacy.maxWeight !== undefined) {
      throw invalidProp(scope, 'analysis.stepWeights', legacy.stepWeights, 'set either stepWeights, or stepWeight and maxWeight, not both.');
    }
    return CanaryStrategy.weights(legacy.stepWeights);
  }
  return CanaryStrategy.progressive({ maxWeight: legacy.maxWeight, stepWeight: legacy.stepWeight });
}

export function resolveTargetPort(scope: IConstruct, props: CanaryProps, port: number, target: ResolvedTarget): number | string {
  const value = props.targetPort as unknown;
  if (typeof value === 'string') {
    throw invalidProp(scope, 'targetPort', value, `a port name goes in targetPortName: "${value}".`);
  }
  if (props.targetPort !== undefined && props.targetPortName !== undefined) {
    throw invalidProp(scope, 'targetPortName', props.targetPortName, 'set targetPort or targetPortName, not both.');
  }
  const targetPort: number | string = props.targetPortName ?? props.targetPort ?? port;
  const field = props.targetPortName !== undefined ? 'targetPortName' : 'targetPort';
  if (typeof targetPort === 'number') checkPort(scope, field, targetPort);
  const ports = target.ports;
  if (ports === undefined) return targetPort;
  if (ports.length === 0) {
    throw invalidProp(scope, field, targetPort, `${target.describe} declares no container ports; give its container a port (e.g. ports: [{ name: 'http', number: 9898 }]) for the Services Flagger creates.`);
  }
  const known = ports.map((port) => `${port.number}${port.name ? ` (${port.name})` : ''}`).join(', ');
  if (!ports.some((port) => (typeof targetPort === 'number' ? port.number === targetPort : port.name === targetPort))) {
    throw invalidProp(scope, field, targetPort, `${target.describe} exposes ${known}; use one of those${typeof targetPort === 'string' ? ' names' : ''}.`);
  }
  return targetPort;
}

export function renderGateways(scope: IConstruct, props: CanaryProps): Pick<flagger.CanarySpecService, 'delegation' | 'gateways' | 'hosts'> {
  if (props.gateways === undefined) {
    if (props.hosts !== undefined) {
      throw invalidProp(scope, 'hosts', props.hosts, 'hosts need gateways; with delegation (no gateways) put the hosts on the root VirtualService (IngressRoute) instead.');
    }
    if (props.includeMesh !== undefined) {
      throw invalidProp(scope, 'includeMesh', props.includeMesh, 'includeMesh applies only with gateways; with delegation set it on the IngressRoute.');
    }
    return { delegation: true };
  }
  if (props.gateways.length === 0) {
    throw invalidProp(scope, 'gateways', [], 'list at least one IstioGateway, or leave gateways unset to use delegation.');
  }
  const hosts = props.hosts ?? [];
  if (hosts.length === 0) {
    throw invalidProp(scope, 'hosts', props.hosts, 'list the hosts the gateways serve, e.g. ["app.example.com"].');
  }
  hosts.forEach((host, index) => checkHostname(scope, `hosts[${index}]`, host));
  const gateways = props.gateways.map((gateway) => gateway.reference);
  if (props.includeMesh ?? true) gateways.push('mesh');
  return { gateways, hosts: [...hosts] };
}

export function renderWebhook(scope: IConstruct, config: CanaryWebhookConfig): flagger.CanarySpecAnalysisWebhooks {
  const field = `webhooks["${config.name}"]`;
  if (typeof config.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/.test(config.name)) {
    throw invalidProp(scope, 'webhooks', config.name, 'name each webhook with up to 63 letters, digits, spaces, ".", "_" and "-".');
  }
  if (!Object.values(WebhookType).includes(config.type)) {
    throw invalidProp(scope, `${field}.type`, config.type, `use a WebhookType: ${Object.values(WebhookType).join(', ')}.`);
  }
  const metadata = config.metadata;
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== 'string') {
      throw invalidProp(scope, `${field}.metadata["${key}"]`, value, `Flagger's CRD takes only strings; write ${JSON.stringify(String(value))}.`);
    }
  }
  return {
    name: config.name,
    type: config.type as unknown as flagger.CanarySpecAnalysisWebhooksType,
    url: checkUrl(scope, `${field}.url`, config.url),
    timeout: config.timeout === undefined ? undefined : canaryDuration(scope, `${field}.timeout`, config.timeout),
    retries: config.retries === undefined ? undefined : checkInteger(scope, `${field}.retries`, config.retries, 0, 100),
    muteAlert: config.muteAlert,
    disableTls: config.disableTls,
    metadata: metadata && Object.keys(metadata).length > 0 ? { ...metadata } : undefined,
  };
}

export function checkPortName(scope: IConstruct, name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15) {
    throw invalidProp(scope, 'portName', name, 'use an IANA service name: at most 15 lowercase letters, digits and "-", e.g. "http" or "grpc".');
  }
  return name;
}

export function percentOrUndefined(scope: IConstruct, field: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkInteger(scope, field, value, 1, 100, 'a percentage');
}

export function rejectDuplicates(scope: IConstruct, field: string, names: string[], fix: string): void {
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw invalidProp(scope, field, names, `"${duplicate}" is listed twice; ${fix}.`);
}
