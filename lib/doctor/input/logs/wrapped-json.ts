/**
 * JSON records that a paste broke into several lines: a terminal or an issue form wrapped them at a
 * fixed width, so the record continues on the next line, exactly, with nothing lost. A line that starts
 * a record but is not one waits for the lines after it; when they complete a record, the joined text is
 * read as one line. Lines that do not complete one within a few lines are read one by one, as if
 * nothing had waited.
 */

/** Lines joined at most into one record. */
const MAX_JOINED = 32;

/** A line ready to be read: its text, its number, and how many lines of the input it stands for. */
export interface ReadyLine {
  readonly text: string;
  readonly number: number;
  readonly span: number;
}

/** Where a record starts: `{"`, maybe after a `kubectl logs --timestamps` or `--prefix` prefix. */
function recordStart(line: string): number {
  const start = line.indexOf('{"');
  return start >= 0 && start < 80 && !line.slice(0, start).includes('"') ? start : -1;
}

function isRecord(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

export class WrappedJson {
  private held: Array<{ text: string; number: number }> = [];
  private heldLength = 0;

  constructor(private readonly maxLine: number) {}

  /** The next line; returns the lines ready to be read, in order. */
  offer(text: string, number: number): ReadyLine[] {
    if (this.held.length === 0) return this.fresh(text, number);
    if (recordStart(text) >= 0 || text.trim() === '' || this.held.length >= MAX_JOINED || this.heldLength + text.length > this.maxLine) {
      return [...this.release(), ...this.fresh(text, number)];
    }
    this.held.push({ text, number });
    this.heldLength += text.length;
    const joined = this.held.map((line) => line.text).join('');
    if (!isRecord(joined.slice(recordStart(joined)))) return [];
    const ready: ReadyLine = { text: joined, number: this.held[0].number, span: this.held.length };
    this.held = [];
    this.heldLength = 0;
    return [ready];
  }

  /** The input ended: what still waits is read line by line. */
  end(): ReadyLine[] {
    return this.release();
  }

  private fresh(text: string, number: number): ReadyLine[] {
    const start = recordStart(text);
    if (start < 0 || text.trimEnd().endsWith('}') || isRecord(text.slice(start))) return [{ text, number, span: 1 }];
    this.held = [{ text, number }];
    this.heldLength = text.length;
    return [];
  }

  private release(): ReadyLine[] {
    const lines = this.held.map(({ text, number }) => ({ text, number, span: 1 }));
    this.held = [];
    this.heldLength = 0;
    return lines;
  }
}
