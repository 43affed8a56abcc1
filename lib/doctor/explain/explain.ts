/**
 * From log entries to a diagnosis: which Flagger messages were seen, per canary the timeline of each
 * run, a verdict, and the distinct problems with their causes, checks and fixes. Pure: no I/O, no
 * manifests (those come in through a `CrossReference`, see cross-reference.ts).
 */
import { FLAGGER_NAMESPACE, PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE } from '../flagger/defaults';
import { DescribedCanary, LogEntry, ParsedLog, splitCanaryRef } from '../input/logs';
import { combinedEventsByCanary, explainEntries } from './match';
import { problemMessages, problemsOf, withNotes } from './problems';
import { CanaryReport, ExplainedMessage, ExplainOptions, ExplainReport } from './report';
import { buildRuns, storyOf } from './runs';
import { verdictOf } from './verdict';

/** Explains parsed logs and events, read together: each canary's runs, verdict and problems, and every recognised message. */
export function explain(inputs: readonly ParsedLog[], options: ExplainOptions = {}): ExplainReport {
  const xref = options.crossReference;
  const settings = {
    flaggerNamespace: options.flaggerNamespace ?? xref?.flaggerNamespace ?? FLAGGER_NAMESPACE,
    prometheusNamespace: options.prometheusNamespace ?? xref?.prometheusNamespace ?? PROMETHEUS_NAMESPACE,
    prometheusService: options.prometheusService ?? xref?.prometheusService ?? PROMETHEUS_SERVICE,
  };
  const entries = inputs.flatMap((input) => input.entries);
  const { messages, duplicates, recognisedLines } = explainEntries(entries, settings, xref);

  const described = inputs.flatMap((input) => input.describedCanaries);
  const combinedEvents = combinedEventsByCanary(messages, entries);
  const byCanary = new Map<string, ExplainedMessage[]>();
  for (const message of messages) {
    if (!message.canaryKey) continue;
    const list = byCanary.get(message.canaryKey);
    if (list) list.push(message);
    else byCanary.set(message.canaryKey, [message]);
  }
  const canaries = [...byCanary.entries()].map(([key, list]) => {
    const ref = splitCanaryRef(key);
    const facts = xref?.canary(ref.name, ref.namespace);
    const status = described.find((d) => d.name === ref.name && (d.namespace === undefined || d.namespace === ref.namespace));
    return canaryReport(key, list, status, facts?.threshold, combinedEvents(key));
  });

  const lines = inputs.reduce((sum, input) => sum + input.lines, 0);
  const empty = inputs.reduce((sum, input) => sum + input.skipped.empty, 0);
  const malformed = inputs.reduce((sum, input) => sum + input.skipped.malformed, 0);
  const structure = inputs.reduce((sum, input) => sum + input.skipped.structure, 0);
  const unrecognised = Math.max(0, lines - recognisedLines - empty - malformed - structure);
  return {
    canaries,
    general: problemsOf(messages.filter((m) => !m.canaryKey), new Set()),
    messages,
    duplicates,
    lines,
    skipped: { empty, malformed, unrecognised, total: empty + malformed + unrecognised, structure },
  };
}

/** One canary's report from its messages: runs, problems (what failed the last run first) and verdict. */
function canaryReport(
  key: string, messages: ExplainedMessage[], described: DescribedCanary | undefined, threshold: number | undefined, combined: readonly LogEntry[],
): CanaryReport {
  const ref = splitCanaryRef(key);
  const story = storyOf(messages);
  const runs = buildRuns(story);
  const lastRun = runs[runs.length - 1];
  const counted = new Set(lastRun?.items.filter((item) => item.failedChecks).map((item) => item.message.problemKey) ?? []);
  const problems = withNotes(problemsOf(problemMessages(messages), counted), story.messages);
  return {
    key,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    runs,
    verdict: verdictOf({ runs, ...(described ? { described } : {}), ...(threshold !== undefined ? { threshold } : {}), combined }),
    problems,
    ...(described ? { described } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
}
