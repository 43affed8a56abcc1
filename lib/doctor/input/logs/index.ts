/**
 * Turns what a user pastes or pipes in into log entries: Flagger's JSON-lines logs (zap JSON), the same
 * logs in zap's console encoding, klog lines, bare messages, the Events section of `kubectl describe
 * canary`, and `kubectl get events` (or `kubectl events`) tables. Each format has its reader; this module
 * tries them in turn on every line. Anything else is skipped and counted.
 *
 * Pure and total: any string in, never an exception out.
 */
import { readDescribe } from './describe';
import { cleanMessage, ParsedLog } from './entry';
import { readEventsTable } from './events';
import { readKlog } from './klog';
import { ParseState } from './state';
import { readZapConsole } from './zap-console';
import { looksLikeJson, readZapJson } from './zap-json';

export type { DescribedCanary, EntryFormat, EntryLevel, LogEntry, ParsedLog, SkippedCounts } from './entry';
export { isEvent, normaliseTime, parseKubectlAge, splitCanaryRef } from './entry';

/** Longest line looked at; beyond this a line is truncated so no pattern runs on megabytes. */
const MAX_LINE = 64 * 1024;

/** The readers, most specific first: each reads the line and returns true, or leaves it to the next. */
const READERS: ReadonlyArray<(state: ParseState, line: string, lineNumber: number) => boolean> = [
  readZapJson,
  readDescribe,
  readEventsTable,
  readKlog,
  readZapConsole,
];

/**
 * Decodes an input file: UTF-8, or UTF-16 when it starts with a byte order mark (PowerShell's `>`
 * writes UTF-16LE). A UTF-8 byte order mark is dropped.
 */
export function decodeLogBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2, 2 + ((buffer.length - 2) & ~1)));
    return swapped.swap16().toString('utf16le');
  }
  return stripBom(buffer.toString('utf8'));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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

/** Parses one input. `file` is only recorded on the entries. */
export function parseLogInput(text: string, file?: string): ParsedLog {
  const state = new ParseState(file);
  if (text === '' || typeof text !== 'string') return state.result(0);
  const lines = stripBom(repairUtf16ReadAsUtf8(text)).split(/\r\n|\n|\r/);
  // A trailing newline does not make an extra empty line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, index) => readLine(state, raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw, index + 1));
  return state.result(lines.length);
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
