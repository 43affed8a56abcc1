import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as flagger from '../../imports/flagger.app';

/** What a webhook needs to know about the Canary it is added to. */
export interface CanaryWebhookContext {
  /** The Canary construct, for error messages. */
  readonly scope: IConstruct;
  /** Name of the Canary's apex Service; Flagger adds `-canary` and `-primary`. */
  readonly serviceName: string;
  readonly namespace: string;
  /** `service.port` of the Canary. */
  readonly port: number;
  /** `analysis.interval` of the Canary. */
  readonly interval: Duration;
}

/**
 * One or more Flagger webhooks, resolved against the Canary they are added to, so their URLs are
 * derived from the Canary's own Services and port instead of being typed by hand.
 */
export interface ICanaryWebhook {
  bind(context: CanaryWebhookContext): flagger.CanarySpecAnalysisWebhooks[];
}

/** The in-cluster URL of the Canary's `<name>-canary` Service, which only reaches the new revision. */
export function canaryServiceUrl(context: CanaryWebhookContext, path = '/'): string {
  return `http://${context.serviceName}-canary.${context.namespace}:${context.port}${path}`;
}
