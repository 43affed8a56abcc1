/**
 * Turns what a user pastes or pipes in into log entries: Flagger's JSON-lines logs (zap JSON), the same
 * logs in zap's console encoding, klog lines, bare messages, the Events section of `kubectl describe
 * canary`, and `kubectl get events` (or `kubectl events`) tables. Each format has its reader; a
 * LogParser tries them in turn on every line, one line at a time, so an input of any size streams
 * through it. Anything else is skipped and counted.
 *
 * Pure and total: any string in, never an exception out.
 */
import { readDescribe } from './describe';
import { cleanMessage, LogEntry, LogSummary, ParsedLog } from './entry';
import { readEventsTable } from './events';
import { readKlog } from './klog';
import { LineSplitter, MAX_LINE, stripBom } from './lines';
import { ParseState } from './state';
import { readZapConsole } from './zap-console';
import { looksLikeJson, readZapJson } from './zap-json';

export type { DescribedCanary, EntryFormat, EntryLevel, LogEntry, LogSummary, ParsedLog, SkippedCounts } from './entry';
export { isEvent, normaliseTime, parseKubectlAge, splitCanaryRef } from './entry';
export { decodeLogBytes, LineReader, MAX_LINE } from './lines';

/** The readers, most specific first: each reads the line and returns true, or leaves it to the next. */
const READERS: ReadonlyArray<(state: ParseState, line: string, lineNumber: number) => boolean> = [
  readZapJson,
  readDescribe,
  readEventsTable,
  readKlog,
  readZapConsole,
];

/** Reads one input line by line; entries go to `sink` as they are read. */
export class LogParser {
  private readonly state: ParseState;
  private lines = 0;

  constructor(sink: (entry: LogEntry) => void, file?: string) {
    this.state = new ParseState(sink, file);
  }

  /** The next line, without its line break. */
  read(line: string): void {
    this.lines++;
    readLine(this.state, line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line, this.lines);
  }

  /** The input ended: how many lines it had and what became of them. */
  end(): LogSummary {
    return this.state.summary(this.lines);
  }
}

/**
 * UTF-16 text that was read as UTF-8 (a pipe from PowerShell): the byte order mark became two
 * replacement characters and every ASCII character is followed (LE) or preceded (BE) by a NUL.
 * The ASCII survives; the rest was lost in the decoding.
 */
function repairUtf16ReadAsUtf8(text: string): string {
  if (!text.startsWith('\ufffd\ufffd') || !(text[2] === '\u0000' || text[3] === '\u0000')) return text;
  return text.slice(2).replace(/\u0000/g, '');
}

/** Parses one input held whole. `file` is only recorded on the entries. */
export function parseLogInput(text: string, file?: string): ParsedLog {
  const entries: LogEntry[] = [];
  const parser = new LogParser((entry) => entries.push(entry), file);
  if (typeof text === 'string' && text !== '') {
    const splitter = new LineSplitter((line) => parser.read(line));
    splitter.push(stripBom(repairUtf16ReadAsUtf8(text)));
    splitter.end();
  }
  return { entries, ...parser.end() };
}

function readLine(state: ParseState, line: string, lineNumber: number): void {
  if (line.trim() === '') {
    state.empty++;
    return;
  }
  if (READERS.some((read) => read(state, line, lineNumber))) return;
  if (looksLikeJson(line)) {
    state.malformed++;
    return;
  }
  const message = cleanMessage(line);
  if (message === '') {
    state.malformed++;
    return;
  }
  state.push({ format: 'text', line: lineNumber, count: 1, message });
}
