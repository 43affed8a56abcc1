/**
 * klog, which client-go writes to Flagger's log: controller errors such as
 * `E0501 10:00:00.123456  1 controller.go:246] "Unhandled Error" err="error syncing 'test/podinfo': ..."`.
 */
import { cleanMessage, EntryLevel } from './entry';
import { ParseState } from './state';

/** klog's header: severity, MMDD, time, thread id, file:line, `]`. */
const KLOG_LINE = /^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w./-]+:\d+\] (.*)$/;
const KLOG_LEVELS: Record<string, EntryLevel> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

/** A structured klog message: `"msg" key="quoted value" key=value ...`; undefined for plain text. */
function klogFields(text: string): { msg: string; err?: string } | undefined {
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (!quoted) return undefined;
  const err = /(?:^|\s)err="((?:[^"\\]|\\.)*)"/.exec(text.slice(quoted[0].length));
  return { msg: unquoteGo(quoted[1]), ...(err ? { err: unquoteGo(err[1]) } : {}) };
}

/** The inside of a Go-quoted string (strconv.Quote), as JSON reads it; `\x..` escapes too. */
function unquoteGo(inner: string): string {
  try {
    return JSON.parse(`"${inner.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string;
  } catch {
    return inner;
  }
}

/** A klog line: the error is the message; klog's date has no year, so the entry has no time. */
export function readKlog(state: ParseState, line: string, lineNumber: number): boolean {
  const match = KLOG_LINE.exec(line.replace(/^\[[^\]]*\]\s+/, ''));
  if (!match) return false;
  const [, severity, rest] = match;
  const fields = klogFields(rest);
  const message = cleanMessage(fields ? fields.err ?? fields.msg : rest);
  if (message === '') return false;
  state.section = 'none';
  state.push({ format: 'klog', line: lineNumber, count: 1, message, level: KLOG_LEVELS[severity] });
  return true;
}
