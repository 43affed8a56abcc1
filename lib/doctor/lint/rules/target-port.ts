import { CanaryView, describeObject, finding, LintContext, RuleInfo, RuleSet } from '../../model/manifest-index';
import { containerPorts } from '../../model/services';
import { Finding } from '../../model/object';

const info: RuleInfo = {
  id: 'target-port-not-exposed',
  severity: 'error',
  title: "service.targetPort (or service.port when it is unset) is not a port of the target's containers",
  symptom: 'The Services Flagger creates send traffic to a port nothing listens on: requests fail with 503 '
    + '(`upstream connect error or disconnect/reset before headers`), the success rate drops and the canary is rolled back.',
};

const portInfo: RuleInfo = {
  id: 'service-port-invalid',
  severity: 'error',
  title: 'service.port is missing, not a whole number, or not a valid port',
  symptom: 'The API server rejects the Canary (the CRD requires service.port, a number), or Flagger cannot decode it, '
    + 'or Flagger cannot create its Services: `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535`.',
};

function checkPort(canary: CanaryView): Finding[] {
  const say = (message: string, hint = 'set spec.service.port to the port the Services should listen on, e.g. 9898.') =>
    [finding(portInfo, canary.sourced, message, hint)];
  if (canary.spec.service === undefined || canary.spec.service === null) {
    return say(`Canary ${canary.namespace}/${canary.name} has no spec.service, so Flagger creates its Services with port 0, which the API server refuses; `
      + 'the Canary never initializes.', 'add spec.service with port, e.g. {port: 9898}.');
  }
  const port = canary.service.port;
  if (port === undefined || port === null) return say('spec.service.port is missing; the Flagger CRD requires it, so the API server rejects the Canary.');
  if (typeof port !== 'number') {
    return say(`spec.service.port ${JSON.stringify(port)} is not a number; the CRD's type is number, so the API server rejects the Canary.`,
      `write it without quotes${typeof port === 'string' && /^\d+$/.test(port) ? `: port: ${port}` : ', e.g. port: 9898'}.`);
  }
  if (!Number.isInteger(port)) {
    return say(`spec.service.port ${port} is not a whole number; Flagger reads it as a Go int32 and cannot decode the Canary, so it never acts on it.`);
  }
  if (port < 1 || port > 65535) {
    return say(`spec.service.port ${port} is not between 1 and 65535, so the API server refuses the Services Flagger creates and the Canary never initializes.`);
  }
  return [];
}

function check(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const canary of context.index.canaries) {
    findings.push(...checkPort(canary));
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
    const listed = ports.map((p) => [p.name, p.number].filter((v) => v !== undefined).join('/') || '(unnamed, not a number)').join(', ');
    const choices = [...new Set(ports.map((p) => (isName ? p.name : p.number)).filter((v) => v !== undefined))];
    findings.push(finding(info, canary.sourced,
      `${field} is not a ${isName ? 'port name' : 'containerPort'} of ${describeObject(target.object)} (its container ports: ${listed}).`,
      choices.length > 0 ? `set service.targetPort to one of: ${choices.join(', ')}`
        : `give the container ${isName ? `a port named ${targetPort}` : `containerPort: ${targetPort} (a number)`}.`));
  }
  return findings;
}

export const targetPortRules: RuleSet = { rules: [info, portInfo], check };
