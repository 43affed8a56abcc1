/**
 * Distinct problems: messages grouped by family and key as they arrive, each group remembering its first
 * and last message and how often it was seen (never every message); then ordered, what counted towards
 * the last run's failure first, with notes from the rest of the input (a transient, a wait that resolved
 * itself, load tests failing in the same input).
 */
import { Problem } from './report';
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

  get size(): number {
    return this.groups.size;
  }

  /** The problems, in order of first appearance; `skip` leaves out keys another stream already has. */
  problems(counted: ReadonlySet<string>, skip?: ProblemCollector): Problem[] {
    const problems: Problem[] = [];
    const groups = [...this.groups.entries()].sort(([, a], [, b]) => a.first.seq - b.first.seq);
    for (const [key, group] of groups) {
      if (skip?.has(key)) continue;
      const { first, last } = group;
      const headline = group.differ && first.spec.grouped ? first.spec.grouped.headline(first.context) : first.headline;
      problems.push({
        id: first.spec.id,
        kind: first.spec.kind,
        headline: headline.replace(/^halt: /, ''),
        example: first,
        occurrences: group.occurrences,
        first: first.entry,
        last: last.entry,
        counted: counted.has(key),
        notes: [],
      });
    }
    return problems;
  }

  /** Where the last message of a problem sits in this stream's story, once the story is built. */
  lastPosition(key: string): number | undefined {
    return this.groups.get(key)?.last.storyPos;
  }
}

/** What counted towards the last run's failure comes first, then the rest in order of appearance. */
export function countedFirst(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => Number(b.counted) - Number(a.counted));
}

/** The story a canary's runs were built from: which messages belong to it, and where it last advanced. */
export interface StoryFacts {
  /** Where the problem's last message sits in the story; undefined when it is not part of it. */
  readonly positionOf: (problem: Problem) => number | undefined;
  readonly lastAdvance: number;
}

/**
 * Adds what the rest of the story says about each problem: a halt seen once
 * on the first tick and followed by progress is the transient, a readiness
 * wait that was followed by progress resolved itself, and failing load tests
 * in the same input confirm the first cause of "no values found".
 */
export function withNotes(problems: readonly Problem[], story: StoryFacts): Problem[] {
  const advancedAfter = (problem: Problem): boolean => {
    const position = story.positionOf(problem);
    return position !== undefined && story.lastAdvance > position;
  };
  const loadProblems = problems.filter((p) => p.example.spec.failsLoadTest);
  const annotated = problems.map((problem): Problem => {
    const notes: string[] = [];
    if (problem.example.spec.findsNoTraffic) {
      if (problem.occurrences === 1 && advancedAfter(problem)) {
        notes.push('Seen once, and the analysis advanced afterwards: most likely the transient on the first tick (the last cause). Nothing to fix unless it repeats.');
      }
      for (const load of loadProblems) {
        notes.push(`The same input shows the load test failing (${load.headline}): that confirms the first cause, no load traffic.`);
      }
    }
    if (problem.example.spec.role === 'readiness' && advancedAfter(problem)) {
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
