import * as kplus from 'cdk8s-plus-25';
import { AlertAddress, AlertProvider, AlertProviderType, AlertSeverity, CanaryAlert } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { Json, newChart, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';
import { synthCanary } from './canary-fixture';

describe('AlertProvider', () => {
  test('Slack with its webhook address in a Secret, and the Canary\'s alerts by severity', () => {
    const { canary, objects } = synthCanary(({ chart }) => {
      const secret = new kplus.Secret(chart, 'slack-url', { metadata: { name: 'on-call-url', namespace: 'test' }, stringData: { address: 'https://hooks.slack.com/services/X' } });
      const onCall = new AlertProvider(chart, 'on-call', {
        name: 'on-call', namespace: 'test', type: AlertProviderType.SLACK, address: AlertAddress.fromSecret(secret), channel: 'on-call-alerts', username: 'flagger',
      });
      const teams = AlertProvider.fromName(chart, 'teams', { namespace: 'flagger', name: 'dev-msteams' });
      return { analysis: { alerts: [CanaryAlert.to(onCall, { severity: AlertSeverity.ERROR }), CanaryAlert.to(teams, { name: 'dev MS Teams', severity: AlertSeverity.INFO })] } };
    }, { lint: false });
    const provider = objects.find((object) => object.kind === 'AlertProvider');
    expect(provider).toMatchSnapshot();
    expect(provider.spec).toEqual({ type: 'slack', channel: 'on-call-alerts', username: 'flagger', secretRef: { name: 'on-call-url' } });
    expect(canary.spec.analysis.alerts).toEqual([
      { name: 'on-call', severity: 'error', providerRef: { name: 'on-call', namespace: 'test' } },
      { name: 'dev MS Teams', severity: 'info', providerRef: { name: 'dev-msteams', namespace: 'flagger' } },
    ]);
  });

  test.each<[AlertProviderType, Json]>([
    [AlertProviderType.MS_TEAMS, { type: 'msteams', address: 'https://outlook.office.com/webhook/X' }],
    [AlertProviderType.DISCORD, { type: 'discord', address: 'https://outlook.office.com/webhook/X' }],
    [AlertProviderType.ROCKET, { type: 'rocket', address: 'https://outlook.office.com/webhook/X' }],
    [AlertProviderType.GOOGLE_CHAT, { type: 'gchat', address: 'https://outlook.office.com/webhook/X', proxy: 'http://proxy.internal:3128' }],
  ])('%s with a plain address', (type, expected) => {
    const chart = newChart();
    new AlertProvider(chart, 'p', { name: 'p', namespace: 'test', type, address: AlertAddress.fromUrl('https://outlook.office.com/webhook/X'), proxy: expected.proxy });
    const objects = Testing.synth(chart);
    expect(objects[0].spec).toEqual(expected);
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('Flagger v1.44 has no generic provider: the type list is the CRD\'s enum', () => {
    expect(Object.values(AlertProviderType).sort()).toEqual(['discord', 'gchat', 'msteams', 'rocket', 'slack']);
    expect(() => new AlertProvider(newChart(), 'p', { name: 'p', namespace: 'test', type: 'generic' as any, address: AlertAddress.fromUrl('https://x') }))
      .toThrow(/test\/p: type is "generic"; use an AlertProviderType: slack, msteams, discord, rocket, gchat; for any other receiver, use CanaryWebhook.event/);
  });

  test('a referenced provider is recorded as external', () => {
    const chart = newChart();
    AlertProvider.fromName(chart, 'teams', { namespace: 'flagger', name: 'dev-msteams' });
    expect(ExternalObjects.of(chart).list()).toEqual([{ kind: 'AlertProvider', namespace: 'flagger', name: 'dev-msteams', path: 'test/teams' }]);
  });

  test.each<[string, () => void, RegExp]>([
    ['a channel for MS Teams', () => new AlertProvider(newChart(), 'p', { name: 'p', namespace: 'test', type: AlertProviderType.MS_TEAMS, address: AlertAddress.fromUrl('https://x'), channel: 'general' }), /test\/p: channel is "general"; Flagger's msteams notifier ignores it/],
    ['a Secret in another namespace', () => {
      const chart = newChart();
      const secret = new kplus.Secret(chart, 's', { metadata: { name: 'url', namespace: 'flagger' } });
      new AlertProvider(chart, 'p', { name: 'p', namespace: 'test', type: AlertProviderType.SLACK, address: AlertAddress.fromSecret(secret) });
    }, /test\/p: address is "flagger\/url"; Flagger reads the Secret from the AlertProvider's namespace \(test\)/],
    ['a URL as a string', () => new AlertProvider(newChart(), 'p', { name: 'p', namespace: 'test', type: AlertProviderType.SLACK, address: 'https://x' as any }), /test\/p: address is "https:\/\/x"; use AlertAddress.fromSecret\(secret\), or AlertAddress.fromUrl\(url\)/],
    ['a relative URL', () => new AlertProvider(newChart(), 'p', { name: 'p', namespace: 'test', type: AlertProviderType.SLACK, address: AlertAddress.fromUrl('hooks.slack.com') }), /test\/p: address is "hooks.slack.com"; use an absolute http/],
    ['a severity', () => synthCanary(({ chart }) => ({ analysis: { alerts: [CanaryAlert.to(AlertProvider.fromName(chart, 'x', { namespace: 'test', name: 'x' }), { severity: 'critical' as any })] } }), { lint: false }), /test\/canary: analysis.alerts\[0\].severity is "critical"; use AlertSeverity.INFO, WARN or ERROR/],
    ['two alerts of one name', () => synthCanary(({ chart }) => {
      const provider = AlertProvider.fromName(chart, 'x', { namespace: 'test', name: 'x' });
      return { analysis: { alerts: [CanaryAlert.to(provider), CanaryAlert.to(provider)] } };
    }, { lint: false }), /test\/canary: analysis.alerts is \["x","x"\]; "x" is listed twice; give each a distinct name option/],
  ])('rejects %s with the construct path, the field and the fix', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
