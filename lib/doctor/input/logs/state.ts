/** The state of one input's parse, shared by the readers of each format. */
import type { EventColumns } from './events';
import { DescribedCanary, LogEntry, LogSummary, WorkloadFact } from './entry';

/**
 * The table the lines are in: the Events of `kubectl describe`, a `kubectl get events` table, a `kubectl
 * get pods` table (with -A or without), or none.
 */
export type Section = 'none' | 'describe-events' | 'events-table' | 'pods-table' | 'pods-table-all';

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
  /** Lines the entry being read spans (a wrapped JSON record). */
  span = 1;
  /** The current block (entry.ts), and the way its entries were read. */
  private block = 0;
  private blockReader?: string;
  /** Entries pushed so far: a line read without one is structure, which ends a block. */
  pushed = 0;

  constructor(
    private readonly sink: (entry: LogEntry) => void,
    private readonly file: string | undefined,
    private readonly factSink?: (fact: WorkloadFact) => void,
  ) {}

  /** An entry read from the current line; `reader` tells the ways of reading apart that share a format. */
  push(entry: Omit<LogEntry, 'file'>, reader: string = entry.format): void {
    if (reader !== this.blockReader) {
      this.block++;
      this.blockReader = reader;
    }
    this.pushed++;
    // The readers build a fresh object per entry: it is completed in place, not copied (a log has millions).
    const full = entry as Mutable<LogEntry>;
    if (this.file !== undefined) full.file = this.file;
    if (this.span > 1) full.span = this.span;
    full.block = this.block;
    this.sink(full);
  }

  /** The line gave no entry: the block ends (a header, a prompt, a table of something else). */
  endBlock(): void {
    this.blockReader = undefined;
  }

  fact(fact: WorkloadFact): void {
    this.factSink?.(fact);
  }

  summary(lines: number): LogSummary {
    return {
      lines,
      skipped: { empty: this.empty, malformed: this.malformed, structure: this.structure },
      describedCanaries: this.described.map((canary) => ({ ...canary })),
    };
  }
}
