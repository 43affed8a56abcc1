/** The state of one input's parse, shared by the readers of each format. */
import type { EventColumns } from './events';
import { DescribedCanary, LogEntry, LogSummary } from './entry';

/** The table the lines are in: the Events of `kubectl describe`, a `kubectl get events` table, or none. */
export type Section = 'none' | 'describe-events' | 'events-table';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class ParseState {
  /** The canaries of `kubectl describe` output, the last one being read. */
  readonly described: Array<Mutable<DescribedCanary>> = [];
  empty = 0;
  malformed = 0;
  structure = 0;
  section: Section = 'none';
  /** The columns of the last `kubectl get events` header. */
  columns?: EventColumns;
  /** In the Status of a described canary. */
  inStatus = false;

  constructor(private readonly sink: (entry: LogEntry) => void, private readonly file: string | undefined) {}

  push(entry: Omit<LogEntry, 'file'>): void {
    this.sink(this.file === undefined ? entry : { ...entry, file: this.file });
  }

  summary(lines: number): LogSummary {
    return {
      lines,
      skipped: { empty: this.empty, malformed: this.malformed, structure: this.structure },
      describedCanaries: this.described.map((canary) => ({ ...canary })),
    };
  }
}
