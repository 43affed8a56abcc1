import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { CanaryWebhook, WebhookEndpoint, WebhookType } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { Json } from '../support/objects';
import { CanaryParts, synthCanary } from './canary-fixture';

function receiver(parts: CanaryParts): kplus.Service {
  const service = new kplus.Service(parts.chart, 'receiver', { metadata: { name: 'receiver', namespace: 'test' }, ports: [{ port: 8080 }] });
  service.selectLabel('app', 'receiver');
  return service;
}

describe('CanaryWebhook', () => {
  test('every webhook type, to a Service of the app, a Service another team owns, or any URL', () => {
    const { canary } = synthCanary((parts) => {
      const events = WebhookEndpoint.fromService(receiver(parts), { path: '/events' });
      return {
        webhooks: [
          CanaryWebhook.confirmRollout({ name: 'start gate', endpoint: WebhookEndpoint.fromServiceName('gates', 'approver', { path: '/approve' }), retries: 5, muteAlert: true }),
          CanaryWebhook.preRollout({ name: 'helm test', endpoint: WebhookEndpoint.fromServiceName('flagger', 'flagger-helmtester'), timeout: Duration.minutes(3), metadata: { type: 'helmv3', cmd: 'test podinfo -n test' } }),
          CanaryWebhook.rollout({ name: 'k6', endpoint: WebhookEndpoint.fromServiceName('flagger', 'k6-loadtester', { path: '/launch-test' }), timeout: Duration.minutes(5) }),
          CanaryWebhook.confirmTrafficIncrease({ name: 'traffic gate', endpoint: events }),
          CanaryWebhook.confirmPromotion({ name: 'promotion gate', endpoint: events }),
          CanaryWebhook.postRollout({ name: 'notify', endpoint: WebhookEndpoint.fromUrl('https://bot.example.com/flagger'), disableTls: true }),
          CanaryWebhook.rollback({ name: 'rollback gate', endpoint: events }),
          CanaryWebhook.event({ name: 'events', endpoint: events, metadata: { environment: 'test', cluster: 'kind' } }),
        ],
      };
    }, { lint: false });
    expect(canary.spec.analysis.webhooks).toMatchSnapshot();
    expect(canary.spec.analysis.webhooks.map((webhook: Json) => [webhook.type, webhook.url])).toEqual([
      ['confirm-rollout', 'http://approver.gates/approve'],
      ['pre-rollout', 'http://flagger-helmtester.flagger/'],
      ['rollout', 'http://k6-loadtester.flagger/launch-test'],
      ['confirm-traffic-increase', 'http://receiver.test:8080/events'],
      ['confirm-promotion', 'http://receiver.test:8080/events'],
      ['post-rollout', 'https://bot.example.com/flagger'],
      ['rollback', 'http://receiver.test:8080/events'],
      ['event', 'http://receiver.test:8080/events'],
    ]);
    expect(canary.spec.analysis.webhooks[0]).toEqual({ name: 'start gate', type: 'confirm-rollout', url: 'http://approver.gates/approve', retries: 5, muteAlert: true });
    expect(canary.spec.analysis.webhooks[5]).toMatchObject({ disableTLS: true });
  });

  test('a Service of the app is resolved by the synth-time lint with no finding', () => {
    const { canary } = synthCanary((parts) => ({ webhooks: [CanaryWebhook.event({ name: 'events', endpoint: WebhookEndpoint.fromService(receiver(parts)) })] }));
    expect(canary.spec.analysis.webhooks[0].url).toBe('http://receiver.test:8080/');
  });

  test('a Service another team owns is recorded as external, by the Canary that refers to it', () => {
    const { construct } = synthCanary(() => ({ webhooks: [CanaryWebhook.event({ name: 'events', endpoint: WebhookEndpoint.fromServiceName('obs', 'events', { port: 8080 }) })] }), { lint: false });
    expect(ExternalObjects.of(construct).list()).toEqual([{ kind: 'Service', namespace: 'obs', name: 'events', path: 'test/canary' }]);
  });

  test('every type Flagger knows has a builder', () => {
    expect(Object.values(WebhookType).sort()).toEqual(['confirm-promotion', 'confirm-rollout', 'confirm-traffic-increase', 'event', 'post-rollout', 'pre-rollout', 'rollback', 'rollout']);
  });

  test.each<[string, (parts: CanaryParts) => Json, RegExp]>([
    ['muteAlert on a non-confirm webhook', () => ({ webhooks: [CanaryWebhook.rollout({ name: 'x', endpoint: WebhookEndpoint.fromUrl('http://x.y/'), muteAlert: true } as any)] }), /test\/canary: webhooks\["x"\].muteAlert is true; Flagger alerts only for confirm webhooks, not rollout/],
    ['a metadata number', () => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromUrl('http://x.y/'), metadata: { retries: 3 as any } })] }), /test\/canary: webhooks\["x"\].metadata\["retries"\] is 3; Flagger's CRD takes only strings; write "3"/],
    ['a relative URL', () => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromUrl('x.y/events') })] }), /test\/canary: webhooks\["x"\].endpoint is "x.y\/events"; use an absolute http/],
    ['a string endpoint', () => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: 'http://x.y/' as any })] }), /test\/canary: webhooks\["x"\].endpoint is "http:\/\/x.y\/"; use WebhookEndpoint.fromService/],
    ['a Service port it does not have', (parts) => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromService(receiver(parts), { port: 80 }) })] }), /test\/canary: webhooks\["x"\].endpoint.port is 80; test\/receiver exposes 8080; use one of those/],
    ['a Service without a namespace', (parts) => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromService(new kplus.Service(parts.chart, 'bare', { ports: [{ port: 80 }] })) })] }), /test\/canary: webhooks\["x"\].endpoint.service is "test\/bare"; give the Service metadata.namespace/],
    ['a bad Service name', () => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromServiceName('obs', 'Events') })] }), /test\/canary: webhooks\["x"\].endpoint.name is "Events"/],
    ['a webhook name with a quote', () => ({ webhooks: [CanaryWebhook.event({ name: 'it\'s', endpoint: WebhookEndpoint.fromUrl('http://x.y/') })] }), /test\/canary: webhooks is "it's"; name each webhook with up to 63 letters/],
    ['a retry count', () => ({ webhooks: [CanaryWebhook.event({ name: 'x', endpoint: WebhookEndpoint.fromUrl('http://x.y/'), retries: -1 })] }), /test\/canary: webhooks\["x"\].retries is -1/],
    ['not a webhook', () => ({ webhooks: [{ name: 'x' } as any] }), /test\/canary: webhooks\[0\] is "\[object Object\]"; use a webhook builder/],
  ])('rejects %s with the construct path, the field and the fix', (_name, props, message) => {
    expect(() => synthCanary(props, { lint: false })).toThrow(message);
  });
});
