/**
 * What an explain gathers about one canary while the input streams by, and the report made of it at the
 * end: its logs and its events each have a story (ordered in a window, folded into runs) and problems;
 * the logs tell the story when there are any, the events only add problems then.
 */
import { DescribedCanary, LogEntry, splitCanaryRef } from '../input/logs';
import { ProblemCollector, ranked, Resolutions, withNotes } from './problems';
import { CanaryReport, Problem } from './report';
import { isAdvance } from './roles';
import { RunFolder, RunLimits, StoryMessage, StoryWindow } from './runs';
import { verdictOf } from './verdict';

/** One kind of a canary's messages (its logs, or its events): their story, runs and problems. */
class Stream {
  readonly folder: RunFolder;
  readonly window: StoryWindow;
  readonly problems = new ProblemCollector();
  readonly resolutions = new Resolutions();

  constructor(kind: 'logs' | 'events', limits: RunLimits & { readonly window: number }) {
    this.folder = new RunFolder(limits);
    this.window = new StoryWindow(kind, limits.window, (message, first) => {
      this.resolutions.add(message, message.storyPos ?? -1);
      this.folder.add(message, first);
    }, (message) => isAdvance(message.spec));
  }
}

/** What the rest of the explain knows when a canary's report is made. */
export interface ReportContext {
  readonly described: readonly DescribedCanary[];
  readonly threshold?: number;
  /** Combined events of the input that matched no message. */
  readonly unrecognisedCombined: readonly LogEntry[];
  /** A problem's example rebuilt with what the whole input told about its canary (its target). */
  readonly refresh: (message: StoryMessage) => StoryMessage;
  readonly workloadNotes: (deployment: string) => string[];
}

export class CanaryState {
  readonly logs: Stream;
  readonly events: Stream;
  readonly combined: LogEntry[] = [];

  constructor(readonly key: string, readonly firstSeq: number, limits: RunLimits & { readonly window: number }) {
    this.logs = new Stream('logs', limits);
    this.events = new Stream('events', limits);
  }

  /** Adds a message in input order (events after every log line). */
  add(message: StoryMessage, isEvent: boolean): void {
    if (isEvent) {
      this.events.problems.add(message);
      // A canary with logs: the logs tell the story, its events only add problems.
      if (this.logs.window.size === 0) this.events.window.push(message);
    } else {
      this.logs.problems.add(message);
      this.logs.window.push(message);
    }
    if (message.entry.combined) this.combined.push(message.entry);
  }

  /** The input ended: its runs, problems and verdict. */
  report(context: ReportContext): CanaryReport {
    const fromLogs = this.logs.window.size > 0;
    const story = fromLogs ? this.logs : this.events;
    story.window.flush();
    const ref = splitCanaryRef(this.key);
    const { runs, omittedRuns } = story.folder.finish();
    const lastRun = runs[runs.length - 1];
    const counted = new Set(lastRun?.halts.map((item) => item.message.problemKey) ?? []);
    const fromStory = story.problems.problems(counted, undefined, context.refresh);
    const others = fromLogs ? this.events.problems.problems(counted, this.logs.problems, context.refresh) : [];
    const inStory = new Set<Problem>(fromStory);
    const problems = withNotes([...fromStory, ...others], {
      positionOf: (problem) => (inStory.has(problem) ? story.problems.last(problem.example.problemKey)?.storyPos : undefined),
      lastAdvance: story.window.lastAdvance,
      resolutions: story.resolutions,
      workloadNotes: context.workloadNotes,
    });
    const { threshold } = context;
    const described = context.described.find((d) => d.name === ref.name && (d.namespace === undefined || d.namespace === ref.namespace));
    const combined = [
      ...this.combined,
      ...context.unrecognisedCombined.filter((entry) => entry.canary === ref.name && (entry.namespace === undefined || entry.namespace === ref.namespace)),
    ];
    return {
      key: this.key,
      name: ref.name,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      runs,
      ...(omittedRuns > 0 ? { omittedRuns } : {}),
      verdict: verdictOf({ runs, ...(described ? { described } : {}), ...(threshold !== undefined ? { threshold } : {}), combined }),
      problems: ranked(problems),
      ...(described ? { described } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    };
  }
}
