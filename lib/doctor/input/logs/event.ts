/** A Kubernetes event as an entry: its age and repeat count, and whether the aggregator combined it with others. */
import { cleanMessage, EntryFormat, EntryLevel, LogEntry, parseKubectlAge, WorkloadFact } from './entry';

const EVENT_LEVELS: Record<string, EntryLevel> = { Normal: 'info', Warning: 'warning' };

/** client-go's event aggregator (tools/record/events_cache.go) prefixes the latest message with this. */
const COMBINED_PREFIX = /^\(combined from similar events\):\s*/;
/** Older Kubernetes releases replaced the message altogether. */
const COMBINED_WITHOUT_MESSAGE = '(events with common reason combined)';

/** Where an event row came from and what it is about. */
export interface EventSource {
  readonly canary?: string;
  readonly namespace?: string;
  /** The object of an event that is not a canary's (`pod/podinfo-7b9c6d8f5-x2kqp`), and the event's reason. */
  readonly object?: string;
  readonly reason?: string;
}

/** An event row: `type` Normal or Warning, `age` as kubectl prints it (`2m (x3 over 7m)`). */
export function eventEntry(lineNumber: number, format: EntryFormat, type: string, age: string, text: string, source: EventSource = {}): Omit<LogEntry, 'file'> {
  const { canary, namespace } = source;
  const cleaned = cleanMessage(text);
  const isCombined = COMBINED_PREFIX.test(cleaned) || cleaned === COMBINED_WITHOUT_MESSAGE;
  const message = cleaned.replace(COMBINED_PREFIX, '');
  const ageParts = /^(\S+)(?:\s\(x(\d+)\sover\s(\S+)\))?$/.exec(age.trim());
  const ageMs = ageParts ? parseKubectlAge(ageParts[1]) : undefined;
  const count = ageParts?.[2] ? Math.max(1, Number(ageParts[2])) : 1;
  const firstAge = ageParts?.[3];
  const inferredNamespace = namespace ?? (canary ? namespaceFromMessage(canary, message) : undefined);
  return {
    format,
    line: lineNumber,
    count: isCombined ? 1 : count,
    message,
    age: age.trim(),
    ...(ageMs !== undefined ? { ageMs } : {}),
    ...(isCombined ? { combined: { events: count, ...(firstAge ? { firstAge } : {}) } } : firstAge ? { firstAge } : {}),
    level: EVENT_LEVELS[type] ?? 'info',
    ...(canary ? { canary } : {}),
    ...(inferredNamespace ? { namespace: inferredNamespace } : {}),
    ...(source.object && !canary ? { object: source.object } : {}),
    ...(source.reason ? { reason: source.reason } : {}),
  };
}

/** Reasons of events that tell of a workload in trouble, whatever their type. */
const TROUBLE = /BackOff|Failed|Unhealthy|Evicted|OOM|Killing|Error|Exceeded|Insufficient/;

/** What an event of a pod, ReplicaSet or Deployment says about it, for the notes on readiness problems. */
export function eventFact(type: string, object: string, reason: string, message: string): WorkloadFact {
  return { object, text: `${reason}: ${cleanMessage(message).replace(/\s+/g, ' ')}`, warning: type === 'Warning' || TROUBLE.test(reason) };
}

/** Finds `<canary>.<namespace>` in a message, as Flagger writes canary and workload references. */
function namespaceFromMessage(canary: string, message: string): string | undefined {
  const escaped = canary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'])${escaped}\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?=$|[\\s:"',])`).exec(message)?.[1];
}
