/**
 * The Flagger message catalogue: every message family flagger-doctor explains,
 * matched against Flagger v1.44.0's wordings and older ones.
 */
import { CONFIG_MESSAGES } from './config';
import { METRIC_MESSAGES } from './metrics';
import { PROGRESS_MESSAGES } from './progress';
import { PROVIDER_MESSAGES } from './providers';
import { ROLLBACK_MESSAGES } from './rollback';
import { STARTUP_MESSAGES } from './startup';
import { MessageSpec } from './types';
import { WEBHOOK_MESSAGES } from './webhooks';

export * from './types';
export { classifyWebhookError } from './webhook-error';
export type { WebhookError, WebhookFailure } from './webhook-error';

/** All message families, most specific patterns first. */
export const CATALOGUE: readonly MessageSpec[] = [
  ...PROGRESS_MESSAGES,
  ...METRIC_MESSAGES,
  ...WEBHOOK_MESSAGES,
  ...ROLLBACK_MESSAGES,
  ...CONFIG_MESSAGES,
  ...PROVIDER_MESSAGES,
  ...STARTUP_MESSAGES,
];

/** Longest message text matched; loadtester output can be long and patterns need not see all of it. */
const MAX_MESSAGE = 16 * 1024;

export interface MatchedMessage {
  readonly spec: MessageSpec;
  /** Named groups of the matching pattern (only those that matched). */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Go's error wrapping as Flagger does it (`fmt.Errorf("createPrimaryDeployment failed: %w", err)`):
 * one or more `<function> failed: ` in front of the message that says what went wrong.
 */
const GO_WRAPPERS = /^(?:[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)* failed: )+/;

/**
 * Finds the family of a Flagger message, or undefined when it is not one flagger-doctor knows.
 * The wrapped message is matched first, so a family for the wrapper itself (`reconcileDestinationRule
 * failed: ...`) only catches what no more specific family explains.
 */
export function matchMessage(message: string): MatchedMessage | undefined {
  const text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message;
  const unwrapped = text.replace(GO_WRAPPERS, '');
  return (unwrapped !== text ? matchText(unwrapped) : undefined) ?? matchText(text);
}

function matchText(text: string): MatchedMessage | undefined {
  for (const spec of CATALOGUE) {
    for (const pattern of spec.patterns) {
      const match = pattern.exec(text);
      if (match) {
        const fields: Record<string, string> = {};
        for (const [key, value] of Object.entries(match.groups ?? {})) {
          if (value !== undefined) fields[key.replace(/\d+$/, '')] = value;
        }
        return { spec, fields };
      }
    }
  }
  return undefined;
}

/** Looks a family up by id. */
export function messageSpec(id: string): MessageSpec | undefined {
  return CATALOGUE.find((spec) => spec.id === id);
}
