import { describeObject, finding, LintContext, RuleInfo, RuleSet } from '../lint-context';
import { containerPorts } from '../services';
import { Finding } from '../types';

const info: RuleInfo = {
  id: 'target-port-not-exposed',
  severity: 'error',
  title: "service.targetPort (or service.port when it is unset) is not a port of the target's containers",
  symptom: 'The Services Flagger creates send traffic to a port nothing listens on: requests fail with 503 '
    + '(`upstream connect error or disconnect/reset before headers`), the success rate drops and the canary is rolled back.',
};

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    const target = context.index.target(canary);
    if (!target || (target.object.kind !== 'Deployment' && target.object.kind !== 'DaemonSet')) continue;
    const declared = canary.service.targetPort;
    const targetPort = declared === undefined || declared === 0 || declared === '' ? canary.port : declared;
    if (targetPort === undefined) continue;
    const ports = containerPorts(target);
    const field = declared === undefined ? `service.targetPort is not set, so Flagger uses service.port ${canary.port}, which` : `service.targetPort ${JSON.stringify(declared)}`;
    const isName = typeof targetPort === 'string' && !/^\d+$/.test(targetPort);
    // Containers that declare no ports may still listen on a numbered port; only a name must be declared.
    if (ports.length === 0) {
      if (isName) {
        findings.push(finding(info, canary.sourced, `${field} is a port name, but the containers of ${describeObject(target.object)} declare no ports.`,
          `add a containerPort named ${targetPort} to the container, or use a port number.`));
      }
      continue;
    }
    const matches = isName ? ports.some((p) => p.name === targetPort) : ports.some((p) => p.number === Number(targetPort));
    if (matches) continue;
    const listed = ports.map((p) => (p.name ? `${p.name}/${p.number}` : `${p.number}`)).join(', ');
    findings.push(finding(info, canary.sourced,
      `${field} is not a ${isName ? 'port name' : 'containerPort'} of ${describeObject(target.object)} (its container ports: ${listed}).`,
      `set service.targetPort to one of: ${ports.map((p) => (isName && p.name ? p.name : p.number)).join(', ')}`));
  }
  return findings;
}

export const targetPortRules: RuleSet = { rules: [info], check };
