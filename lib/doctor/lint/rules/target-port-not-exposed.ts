import { CanaryView } from '../../model/canary-view';
import { idOf } from '../../model/object';
import { containerPorts } from '../../model/workload';
import { canaryRules, LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'target-port-not-exposed',
  severity: 'error',
  title: "service.targetPort (or service.port when it is unset) is not a port of the target's containers",
  symptom: 'The Services Flagger creates send traffic to a port nothing listens on: requests fail with 503 '
    + '(`upstream connect error or disconnect/reset before headers`), the success rate drops and the canary is rolled back.',
};

function check(canary: CanaryView, context: LintContext): Report[] {
  const target = context.index.target(canary);
  if (!target || (target.object.kind !== 'Deployment' && target.object.kind !== 'DaemonSet')) return [];
  const declared = canary.service.targetPort;
  const targetPort = declared === undefined || declared === 0 || declared === '' ? canary.port : declared;
  if (targetPort === undefined) return [];
  const ports = containerPorts(target);
  const field = declared === undefined ? `service.targetPort is not set, so Flagger uses service.port ${canary.port}, which` : `service.targetPort ${JSON.stringify(declared)}`;
  const isName = typeof targetPort === 'string' && !/^\d+$/.test(targetPort);
  // Containers that declare no ports may still listen on a numbered port; only a name must be declared.
  if (ports.length === 0) {
    return isName ? [report(info, canary.sourced, `${field} is a port name, but the containers of ${idOf(target.object)} declare no ports.`,
      `add a containerPort named ${targetPort} to the container, or use a port number.`)] : [];
  }
  const matches = isName ? ports.some((p) => p.name === targetPort) : ports.some((p) => p.number === Number(targetPort));
  if (matches) return [];
  const listed = ports.map((p) => [p.name, p.number].filter((v) => v !== undefined).join('/') || '(unnamed, not a number)').join(', ');
  const choices = [...new Set(ports.map((p) => (isName ? p.name : p.number)).filter((v) => v !== undefined))];
  return [report(info, canary.sourced,
    `${field} is not a ${isName ? 'port name' : 'containerPort'} of ${idOf(target.object)} (its container ports: ${listed}).`,
    choices.length > 0 ? `set service.targetPort to one of: ${choices.join(', ')}`
      : `give the container ${isName ? `a port named ${targetPort}` : `containerPort: ${targetPort} (a number)`}.`)];
}

export const targetPortNotExposed: RuleSet = canaryRules([info], check);
