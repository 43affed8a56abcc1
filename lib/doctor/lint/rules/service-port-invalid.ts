import { CanaryView } from '../../model/canary-view';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'service-port-invalid',
  severity: 'error',
  title: 'service.port is missing, not a whole number, or not a valid port',
  symptom: 'The API server rejects the Canary (the CRD requires service.port, a number), or Flagger cannot decode it, '
    + 'or Flagger cannot create its Services: `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535`.',
};

function checkPort(canary: CanaryView): Report[] {
  const say = (message: string, hint = 'set spec.service.port to the port the Services should listen on, e.g. 9898.') =>
    [report(info, canary.sourced, message, hint)];
  // A Knative Service routes between its revisions itself: Flagger creates no Services for it (KubernetesNoopRouter).
  if (canary.providerInfo.family === 'knative' || canary.targetRef?.apiVersion.startsWith('serving.knative.dev/')) return [];
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

export const servicePortInvalid: RuleSet = canaryRules([info], checkPort);
