import { PROVIDER_NAMES } from '../../flagger/providers';
import { CanaryView } from '../../model/canary-view';
import { closest } from '../../util/suggest';
import { canaryRules, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'provider-unknown',
  severity: 'error',
  title: 'spec.provider (or -mesh-provider) is not a provider Flagger knows, e.g. gatewayapi without its version',
  symptom: 'Flagger logs `unknown mesh router provider \'gatewayapi\', using istio` and routes the Canary with Istio VirtualServices, '
    + 'which fail where Istio is not installed, or shift traffic nobody reads.',
};

function check(canary: CanaryView): Report[] {
  const provider = canary.providerInfo;
  if (provider.family !== undefined || provider.source === 'evidence' || provider.source === 'default') return [];
  const near = provider.name.startsWith('gatewayapi') ? 'gatewayapi:v1' : closest(provider.name, PROVIDER_NAMES);
  return [report(info, provider.source === 'spec' ? canary.sourced : canary.flagger.deployment ?? canary.sourced,
    `${provider.reason} is "${provider.name}", which Flagger v1.44 does not know: its router factory falls back to the Istio router for Canary ${canary.namespace}/${canary.name}.`,
    `${near ? `did you mean ${near} ? ` : ''}Flagger's providers are ${PROVIDER_NAMES.join(', ')}.`)];
}

export const providerUnknown: RuleSet = canaryRules([info], check);
