/**
 * Turns what a user pastes or pipes in into log entries: Flagger's JSON-lines logs (zap JSON, also when
 * the paste wrapped its lines), the same logs in zap's console encoding (colours included), klog lines,
 * bare messages and `jq .msg` output, the Events section of `kubectl describe canary` (also its rows
 * alone, and with their spaces collapsed), and `kubectl get events` (or `kubectl events`) tables; and,
 * read but not messages, `kubectl get pods` tables, shell prompts and Go stack traces. Each format has
 * its reader; a LogParser tries them in turn on every line, one line at a time, so an input of any size
 * streams through it. Anything else is skipped and counted.
 *
 * Pure and total: any string in, never an exception out.
 */
import { stripEscapes } from './ansi';
import { readDescribe } from './describe';
import { cleanMessage, LogEntry, LogSummary, ParsedLog, WorkloadFact } from './entry';
import { readEventRow } from './event-rows';
import { readEventsTable } from './events';
import { readJqString } from './jq';
import { readKlog } from './klog';
import { LineSplitter, MAX_LINE, stripBom } from './lines';
import { readPodsTable } from './pods';
import { readPrompt } from './prompt';
import { readStackTrace } from './stack-trace';
import { ParseState } from './state';
import { WrappedJson } from './wrapped-json';
import { readZapConsole } from './zap-console';
import { looksLikeJson, readZapJson } from './zap-json';

export type { DescribedCanary, EntryFormat, EntryLevel, LogEntry, LogSummary, ParsedLog, SkippedCounts, WorkloadFact } from './entry';
export { isEvent, normaliseTime, parseKubectlAge, splitCanaryRef } from './entry';
export { decodeLogBytes, LineReader, MAX_LINE } from './lines';

/** The readers, most specific first: each reads the line and returns true, or leaves it to the next. */
const READERS: ReadonlyArray<(state: ParseState, line: string, lineNumber: number) => boolean> = [
  readZapJson,
  readDescribe,
  readEventsTable,
  readEventRow,
  readPodsTable,
  readKlog,
  readZapConsole,
  readJqString,
  readPrompt,
  readStackTrace,
];

/** Reads one input line by line; entries go to `sink` as they are read, facts about workloads to `facts`. */
export class LogParser {
  private readonly state: ParseState;
  private readonly wrapped = new WrappedJson(MAX_LINE);
  private lines = 0;

  constructor(sink: (entry: LogEntry) => void, file?: string, facts?: (fact: WorkloadFact) => void) {
    this.state = new ParseState(sink, file, facts);
  }

  /** The next line, without its line break. */
  read(line: string): void {
    this.lines++;
    const text = stripEscapes(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
    for (const ready of this.wrapped.offer(text, this.lines)) this.readReady(ready.text, ready.number, ready.span);
  }

  /** The input ended: how many lines it had and what became of them. */
  end(): LogSummary {
    for (const ready of this.wrapped.end()) this.readReady(ready.text, ready.number, ready.span);
    return this.state.summary(this.lines);
  }

  private readReady(text: string, number: number, span: number): void {
    const state = this.state;
    const pushed = state.pushed;
    state.span = span;
    readLine(state, text, number);
    state.span = 1;
    // A line read as something else than a message (a header, a prompt, a table row) ends the block.
    if (state.pushed === pushed && text.trim() !== '') state.endBlock();
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
  const facts: WorkloadFact[] = [];
  const parser = new LogParser((entry) => entries.push(entry), file, (fact) => facts.push(fact));
  if (typeof text === 'string' && text !== '') {
    const splitter = new LineSplitter((line) => parser.read(line));
    splitter.push(stripBom(repairUtf16ReadAsUtf8(text)));
    splitter.end();
  }
  const summary = parser.end();
  return { entries, facts, ...summary };
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
