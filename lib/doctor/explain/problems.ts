/**
 * A canary's distinct problems: its messages grouped by family and key, what counted towards the last
 * run's failure first, with notes from the rest of the input (a transient, a wait that resolved itself,
 * load tests failing in the same input).
 */
import { isEvent, LogEntry } from '../input/logs';
import { ExplainedMessage, Problem } from './report';
import { isAdvance } from './roles';

/**
 * The messages a canary's problems are counted from. Flagger logs every event it records, so when the
 * input has the canary's logs, its events would count the same halts twice: they only add problems the
 * logs do not show (logs that start later, or a Flagger pod that restarted).
 */
export function problemMessages(messages: readonly ExplainedMessage[]): readonly ExplainedMessage[] {
  const logs = messages.filter((m) => !isEvent(m.entry));
  if (logs.length === 0 || logs.length === messages.length) return messages;
  const inLogs = new Set(logs.map((m) => m.problemKey));
  return [...logs, ...messages.filter((m) => isEvent(m.entry) && !inLogs.has(m.problemKey))];
}

/** The first message's headline, or what they measured when their values differ. */
function problemHeadline(list: readonly ExplainedMessage[]): string {
  const { spec, context } = list[0];
  const differ = list.some((message) => message.entry.message !== list[0].entry.message);
  return differ && spec.grouped ? spec.grouped.headline(context) : list[0].headline;
}

export function problemsOf(messages: readonly ExplainedMessage[], counted: ReadonlySet<string>): Problem[] {
  const groups = new Map<string, ExplainedMessage[]>();
  for (const message of messages) {
    if (message.spec.kind === 'progress' || message.spec.inVerdict) continue;
    const key = message.problemKey;
    const list = groups.get(key);
    if (list) list.push(message);
    else groups.set(key, [message]);
  }
  const problems = [...groups.entries()].map(([key, list]): Problem => ({
    id: list[0].spec.id,
    kind: list[0].spec.kind,
    headline: problemHeadline(list).replace(/^halt: /, ''),
    example: list[0],
    occurrences: list.reduce((sum, m) => sum + Math.max(1, m.entry.count), 0),
    first: list[0].entry,
    last: list[list.length - 1].entry,
    counted: counted.has(key),
    notes: [],
  }));
  // What made the last run fail comes first, then the rest in order of appearance.
  return [...problems].sort((a, b) => Number(b.counted) - Number(a.counted));
}

/**
 * Adds what the rest of the story says about each problem: a halt seen once
 * on the first tick and followed by progress is the transient, a readiness
 * wait that was followed by progress resolved itself, and failing load tests
 * in the same input confirm the first cause of "no values found".
 */
export function withNotes(problems: readonly Problem[], story: readonly ExplainedMessage[]): Problem[] {
  const indexOf = (entry: LogEntry): number => story.findIndex((m) => m.entry === entry);
  const advancedAfter = (entry: LogEntry): boolean => {
    const start = indexOf(entry);
    return start >= 0 && story.slice(start + 1).some((m) => isAdvance(m.spec));
  };
  const loadProblems = problems.filter((p) => p.example.spec.failsLoadTest);
  const annotated = problems.map((problem): Problem => {
    const notes: string[] = [];
    if (problem.example.spec.findsNoTraffic) {
      if (problem.occurrences === 1 && advancedAfter(problem.last)) {
        notes.push('Seen once, and the analysis advanced afterwards: most likely the transient on the first tick (the last cause). Nothing to fix unless it repeats.');
      }
      for (const load of loadProblems) {
        notes.push(`The same input shows the load test failing (${load.headline}): that confirms the first cause, no load traffic.`);
      }
    }
    if (problem.example.spec.role === 'readiness' && advancedAfter(problem.last)) {
      notes.push('The rollout advanced after this, so the workload became ready: a normal wait, nothing to fix.');
    }
    return notes.length > 0 ? { ...problem, notes } : problem;
  });
  // Problems that resolved themselves go last.
  return [...annotated].sort((a, b) => Number(isResolved(a)) - Number(isResolved(b)));
}

function isResolved(problem: Problem): boolean {
  return problem.notes.some((note) => note.includes('nothing to fix') || note.includes('Nothing to fix'));
}
