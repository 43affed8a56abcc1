/**
 * How Flagger v1.44.0 reads the Canary fields that have a default: each rule once, for lint, plan and
 * explain alike (`canary.go`, `scheduler_metrics.go`, `webhook.go`).
 */
import { asString } from '../model/yaml';
import { parseGoDuration } from '../util/duration';
import { BUILTIN_METRICS, METRIC_INTERVAL, WEBHOOK_TIMEOUT_MS, WEBHOOK_TYPE } from './defaults';

/** `spec.analysis.webhooks[].type` in the Flagger CRD; empty means rollout. */
export const WEBHOOK_TYPES: readonly string[] = ['', 'confirm-rollout', 'pre-rollout', 'rollout', 'confirm-promotion', 'post-rollout', 'event', 'rollback', 'confirm-traffic-increase'];

/** A webhook's type: `rollout` when it has none. */
export function webhookTypeOf(webhook: Record<string, unknown>): string {
  return asString(webhook.type) || WEBHOOK_TYPE;
}

/**
 * The window of a metric's query, as Flagger passes it on: the metric's `interval`. When that is empty
 * (Go cannot tell empty from unset), a metric Flagger queries itself, built in or by an inline `query`,
 * gets 1m; a MetricTemplate gets the empty interval (undefined here).
 */
export function metricWindow(metric: Record<string, unknown>): string | undefined {
  const written = asString(metric.interval) ?? '';
  if (written !== '') return written;
  return BUILTIN_METRICS.includes(asString(metric.name) ?? '') || metric.templateRef === undefined ? METRIC_INTERVAL : undefined;
}

/** The timeout of a webhook call: its `timeout`, or 10s when that is shorter than two characters. */
export interface WebhookTimeout {
  /** As written, or `10s` for the default. */
  readonly text: string;
  /** Undefined when Go cannot parse it: every call then fails. */
  readonly ms?: number;
  readonly isDefault: boolean;
}

export function webhookTimeoutOf(webhook: Record<string, unknown>): WebhookTimeout {
  const written = asString(webhook.timeout) ?? '';
  if (written.length < 2) return { text: `${WEBHOOK_TIMEOUT_MS / 1000}s`, ms: WEBHOOK_TIMEOUT_MS, isDefault: true };
  return { text: written, ms: parseGoDuration(written), isDefault: false };
}
