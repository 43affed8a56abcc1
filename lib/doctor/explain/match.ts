/**
 * From log entries to explained messages: each entry matched against the catalogue (each distinct text
 * once), assigned to its canary, copies dropped, and diagnosed with what the cross-reference adds.
 */
import { isEvent, LogEntry, splitCanaryRef } from '../input/logs';
import { DiagnosisContext, MatchedMessage, matchMessage } from './catalogue';
import { CrossReference, ExplainedMessage } from './report';

/** Where Flagger and its Prometheus run, filled into the diagnoses' commands. */
export type ClusterSettings = Pick<DiagnosisContext, 'flaggerNamespace' | 'prometheusNamespace' | 'prometheusService'>;

export interface Matched {
  /** Every recognised message, in input order, each once. */
  readonly messages: ExplainedMessage[];
  /** Recognised messages dropped as copies of others. */
  readonly duplicates: number;
  /** Lines that held a recognised message, copies included. */
  readonly recognisedLines: number;
}

/** Matches, assigns, deduplicates and diagnoses the entries. */
export function explainEntries(entries: readonly LogEntry[], settings: ClusterSettings, xref: CrossReference | undefined): Matched {
  // Logs repeat a few messages many times: each distinct text is matched once.
  const matches = new Map<string, MatchedMessage | undefined>();
  const matchOnce = (text: string): MatchedMessage | undefined => {
    if (!matches.has(text)) matches.set(text, matchMessage(text));
    return matches.get(text);
  };
  const matched = entries
    .map((entry) => ({ entry, match: matchOnce(entry.message) }))
    .filter((item): item is { entry: LogEntry; match: MatchedMessage } => item.match !== undefined);

  const allKeys = resolveCanaryKeys(matched.map(({ entry, match }) => canaryOf(entry, match.fields)));
  const { kept, duplicates } = withoutDuplicates(matched.map(({ entry }, index) => ({ entry, key: allKeys[index] })));
  // A log repeats the same few messages thousands of times: each distinct one is diagnosed once, and its
  // context, diagnosis and evidence objects are shared by every repeat.
  const diagnosed = new Map<string, Pick<ExplainedMessage, 'context' | 'diagnosis' | 'evidence' | 'headline' | 'problemKey'>>();
  const messages: ExplainedMessage[] = kept.map(({ index, entry }) => {
    const { match } = matched[index];
    const key = allKeys[index];
    // The fields come from the text, so canary and text identify the diagnosis.
    const identity = `${key ?? ''}\n${entry.message}`;
    let shared = diagnosed.get(identity);
    if (!shared) {
      const ref = key ? splitCanaryRef(key) : undefined;
      const facts = ref ? xref?.canary(ref.name, ref.namespace) : undefined;
      const target = match.fields.target ? splitCanaryRef(match.fields.target).name : facts?.target ?? ref?.name ?? '<target>';
      const base: DiagnosisContext = {
        canary: ref?.name ?? '<canary>',
        namespace: ref?.namespace ?? facts?.namespace ?? '<namespace>',
        target,
        ...settings,
        fields: match.fields,
      };
      const context: DiagnosisContext = xref ? { ...base, fields: { ...xref.fields(match.spec, base), ...match.fields } } : base;
      shared = {
        context,
        diagnosis: match.spec.diagnose(context),
        evidence: xref && key ? xref.evidence(match.spec, context) : [],
        headline: match.spec.headline(context),
        problemKey: `${match.spec.id}:${match.spec.problemKey?.(context) ?? ''}`,
      };
      diagnosed.set(identity, shared);
    }
    return { entry, spec: match.spec, ...(key ? { canaryKey: key } : {}), ...shared };
  });
  const recognisedLines = new Set(matched.map((m) => `${m.entry.file ?? ''}:${m.entry.line}`)).size;
  return { messages, duplicates, recognisedLines };
}

/**
 * Drops a message seen twice: a log line with the same canary, time and text (the same log given
 * twice, or overlapping extracts), or an event with the same canary, text and last-seen age (the
 * Events of `kubectl describe canary` beside `kubectl get events`). Of two copies of an event the one
 * that says more is kept: describe prints `x5 over 7m`, `kubectl get events` does not. Lines without
 * a time cannot be told apart from real repeats, so they are all kept.
 */
function withoutDuplicates(items: ReadonlyArray<{ entry: LogEntry; key?: string }>): { kept: Array<{ index: number; entry: LogEntry }>; duplicates: number } {
  const kept: Array<{ index: number; entry: LogEntry }> = [];
  // canary and time (or age) first, then the texts seen with them: short keys for large logs.
  const seen = new Map<string, Array<{ message: string; slot: number }>>();
  let duplicates = 0;
  items.forEach(({ entry, key }, index) => {
    const when = isEvent(entry) ? (entry.ageMs !== undefined ? `event ${entry.ageMs}` : undefined) : entry.time;
    if (when === undefined) {
      kept.push({ index, entry });
      return;
    }
    const identity = `${key ?? ''} ${when}`;
    const texts = seen.get(identity);
    const earlier = texts?.find((text) => text.message === entry.message);
    if (!earlier) {
      if (texts) texts.push({ message: entry.message, slot: kept.length });
      else seen.set(identity, [{ message: entry.message, slot: kept.length }]);
      kept.push({ index, entry });
      return;
    }
    duplicates++;
    const other = kept[earlier.slot].entry;
    if (entry.count > other.count || (entry.firstAge !== undefined && other.firstAge === undefined)) kept[earlier.slot] = { index, entry };
  });
  return { kept, duplicates };
}

/**
 * Events that Kubernetes' aggregator combined with events of other messages, by canary. Recognised or
 * not: an event combined without its message still says that messages are missing.
 */
export function combinedEventsByCanary(messages: readonly ExplainedMessage[], entries: readonly LogEntry[]): (key: string) => LogEntry[] {
  const recognised = new Set<LogEntry>();
  const byKey = new Map<string, LogEntry[]>();
  const add = (key: string, entry: LogEntry): void => {
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  };
  for (const message of messages) {
    if (!message.entry.combined) continue;
    recognised.add(message.entry);
    if (message.canaryKey) add(message.canaryKey, message.entry);
  }
  const others = entries.filter((entry) => entry.combined && entry.canary && !recognised.has(entry));
  return (key) => {
    const ref = splitCanaryRef(key);
    const unrecognised = others.filter((entry) => entry.canary === ref.name && (entry.namespace === undefined || entry.namespace === ref.namespace));
    return [...(byKey.get(key) ?? []), ...unrecognised];
  };
}

/** Which canary an entry is about: the input's own canary field first, then the names inside the message. */
function canaryOf(entry: LogEntry, fields: Readonly<Record<string, string>>): { name?: string; namespace?: string } {
  if (entry.canary) return { name: entry.canary, namespace: entry.namespace };
  // Controller errors name the canary by its work-queue key, `namespace/name`.
  const syncKey = /^([a-z0-9-]+)\/(.+)$/.exec(fields.syncKey ?? '');
  if (syncKey) return { name: syncKey[2], namespace: syncKey[1] };
  for (const field of ['ref', 'target', 'object']) {
    const value = fields[field];
    if (value && value.includes('.')) {
      const ref = splitCanaryRef(value);
      return { name: field === 'ref' ? ref.name : ref.name.replace(/-primary$/, ''), namespace: ref.namespace };
    }
  }
  if (fields.primary && fields.ns) return { name: fields.primary.replace(/-primary$/, ''), namespace: fields.ns };
  return {};
}

/**
 * `name.namespace` keys. An entry that only names the canary (events listed
 * without -A) borrows the namespace when exactly one namespace is known for
 * that name.
 */
function resolveCanaryKeys(refs: ReadonlyArray<{ name?: string; namespace?: string }>): Array<string | undefined> {
  const namespaces = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (ref.name && ref.namespace) namespaces.set(ref.name, (namespaces.get(ref.name) ?? new Set()).add(ref.namespace));
  }
  // One string per canary, not one per line.
  const interned = new Map<string, string>();
  const intern = (key: string): string => {
    const known = interned.get(key);
    if (known !== undefined) return known;
    interned.set(key, key);
    return key;
  };
  return refs.map((ref) => {
    if (!ref.name) return undefined;
    if (ref.namespace) return intern(`${ref.name}.${ref.namespace}`);
    const known = namespaces.get(ref.name);
    return intern(known && known.size === 1 ? `${ref.name}.${[...known][0]}` : ref.name);
  });
}
