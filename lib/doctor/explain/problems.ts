/**
 * Distinct problems: messages grouped by family and key as they arrive, each group remembering its first
 * and last message and how often it was seen (never every message); then annotated with what the rest of
 * the input says (a transient, a wait that resolved itself, a later message that shows it gone, load
 * tests failing in the same input, the pods behind a readiness wait) and ordered: what made the last run
 * fail first, what resolved itself last.
 */
import { CATALOGUE } from './catalogue';
import { ExplainedMessage, Problem } from './report';
import { StoryMessage } from './runs';

interface Group {
  readonly first: StoryMessage;
  last: StoryMessage;
  occurrences: number;
  /** Whether a message of the group differs in text from the first (measured values). */
  differ: boolean;
}

/** The problems of one stream of messages (a canary's logs, its events, or Flagger's own messages). */
export class ProblemCollector {
  private readonly groups = new Map<string, Group>();

  /** Adds a message in input order. */
  add(message: StoryMessage): void {
    if (message.spec.kind === 'progress' || message.spec.inVerdict) return;
    const group = this.groups.get(message.problemKey);
    const count = Math.max(1, message.entry.count);
    if (!group) {
      this.groups.set(message.problemKey, { first: message, last: message, occurrences: count, differ: false });
      return;
    }
    group.last = message;
    group.occurrences += count;
    if (message.entry.message !== group.first.entry.message) group.differ = true;
  }

  has(key: string): boolean {
    return this.groups.has(key);
  }

  /** The last message of a problem: its place in the story once the story is built, and in the input. */
  last(key: string): StoryMessage | undefined {
    return this.groups.get(key)?.last;
  }

  /**
   * The problems, in order of first appearance; `skip` leaves out keys another stream already has, and
   * `refresh` rebuilds an example with what the whole input told about its canary.
   */
  problems(counted: ReadonlySet<string>, skip?: ProblemCollector, refresh: (message: StoryMessage) => StoryMessage = (m) => m): Problem[] {
    const problems: Problem[] = [];
    const groups = [...this.groups.entries()].sort(([, a], [, b]) => a.first.seq - b.first.seq);
    for (const [key, group] of groups) {
      if (skip?.has(key)) continue;
      const first = refresh(group.first);
      const headline = group.differ && first.spec.grouped ? first.spec.grouped.headline(first.context) : first.headline;
      problems.push({
        id: first.spec.id,
        kind: first.spec.kind,
        headline: headline.replace(/^halt: /, ''),
        example: first,
        occurrences: group.occurrences,
        first: first.entry,
        last: group.last.entry,
        counted: counted.has(key),
        notes: [],
      });
    }
    return problems;
  }
}

/** Message families that can show another problem gone, and how many of their messages are kept for that. */
const RESOLVERS = new Set(CATALOGUE.flatMap((spec) => spec.resolvedBy?.ids ?? []));
const MAX_RESOLVERS = 64;

/** The last messages that can show a problem gone, with their place (in the story, or in the input). */
export class Resolutions {
  private readonly seen: Array<{ message: ExplainedMessage; position: number }> = [];

  add(message: ExplainedMessage, position: number): void {
    if (!RESOLVERS.has(message.spec.id)) return;
    this.seen.push({ message, position });
    if (this.seen.length > MAX_RESOLVERS) this.seen.shift();
  }

  /** A message after `position` that shows the problem of `example` gone. */
  after(example: ExplainedMessage, position: number | undefined): ExplainedMessage | undefined {
    const by = example.spec.resolvedBy;
    if (!by || position === undefined) return undefined;
    const same = by.same;
    return this.seen.find(({ message, position: at }) => at > position && by.ids.includes(message.spec.id)
      && (!same || message.context.fields[same] === example.context.fields[same]))?.message;
  }
}

/** What the rest of the input says about a canary's problems. */
export interface Surroundings {
  /** Where the problem's last message sits in the story; undefined when it is not part of it. */
  readonly positionOf: (problem: Problem) => number | undefined;
  /** Story position of the last message that shows the rollout advancing. */
  readonly lastAdvance: number;
  readonly resolutions?: Resolutions;
  /** What the input shows about a Deployment's pods. */
  readonly workloadNotes?: (deployment: string) => string[];
}

/**
 * Adds what the rest of the input says about each problem: a halt seen once on the first tick and
 * followed by progress is the transient, a readiness wait that was followed by progress resolved itself,
 * a later message can show it gone, failing load tests in the same input confirm the first cause of
 * "no values found", and the pods of a Deployment that is not ready say why.
 */
export function withNotes(problems: readonly Problem[], around: Surroundings): Problem[] {
  const advancedAfter = (problem: Problem): boolean => {
    const position = around.positionOf(problem);
    return position !== undefined && around.lastAdvance > position;
  };
  const loadProblems = problems.filter((p) => p.example.spec.failsLoadTest);
  return problems.map((problem): Problem => {
    const notes: string[] = [];
    const { spec } = problem.example;
    if (spec.findsNoTraffic) {
      if (problem.occurrences === 1 && advancedAfter(problem)) {
        notes.push('Seen once, and the analysis advanced afterwards: most likely the transient on the first tick (the last cause). Nothing to fix unless it repeats.');
      }
      for (const load of loadProblems) {
        notes.push(`The same input shows the load test failing (${load.headline}): that confirms the first cause, no load traffic.`);
      }
    }
    if (spec.role === 'readiness' && advancedAfter(problem)) {
      notes.push('The rollout advanced after this, so the workload became ready: a normal wait, nothing to fix.');
    }
    const resolved = around.resolutions?.after(problem.example, around.positionOf(problem));
    if (resolved && !notes.some(isResolvedNote)) {
      notes.push(`Later the input shows "${resolved.entry.message}": it resolved itself, nothing to fix unless it comes back.`);
    }
    if (spec.workload && around.workloadNotes) notes.push(...around.workloadNotes(spec.workload(problem.example.context)));
    return notes.length > 0 ? { ...problem, notes } : problem;
  });
}

function isResolvedNote(note: string): boolean {
  return note.includes('nothing to fix') || note.includes('Nothing to fix');
}

/**
 * How urgent a problem is, lower first: what counted towards the last run's failure; what ended it (a
 * progress deadline, a failed promotion); what stops Flagger (a blocking error, a gate, a failed install);
 * the rest; waits for pods to become ready; and what resolved itself.
 */
function rank(problem: Problem): number {
  const { spec } = problem.example;
  if (problem.notes.some(isResolvedNote)) return 5;
  if (problem.counted) return 0;
  if (spec.role === 'end') return 1;
  if (spec.role === 'block' || spec.role === 'wait' || (spec.scope === 'flagger' && spec.kind === 'config')) return 2;
  if (spec.role === 'readiness') return 4;
  return 3;
}

/** The problems by urgency, in order of appearance within each rank. */
export function ranked(problems: readonly Problem[]): Problem[] {
  return problems.map((problem, index) => ({ problem, index, rank: rank(problem) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ problem }) => problem);
}
