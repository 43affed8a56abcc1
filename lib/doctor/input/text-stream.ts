/**
 * Text from a stream of bytes, and lines from a stream of text, without holding more than one line:
 * what a reader of logs needs to go through an input of any length in bounded memory.
 */
import { TextDecoder } from 'util';

/** Characters kept of one line by default; the rest of a longer line is dropped, so no line grows without end. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/** One line of an input, without its line break. */
export interface TextLine {
  /** The line, at most the maximum line length. */
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** The line was longer and was cut at the maximum length. */
  readonly truncated: boolean;
}

/** The encoding a byte order mark announces: UTF-16 (PowerShell's `>` writes UTF-16LE), else UTF-8. */
function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/**
 * Decodes chunks of bytes as they come: UTF-8, or UTF-16 when the input starts with its byte order
 * mark; the byte order mark is dropped, and a character split between two chunks is decoded whole.
 * Chunks that are already text pass through.
 */
export async function* decodeTextStream(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    if (decoder) {
      yield decoder.decode(chunk, { stream: true });
      continue;
    }
    // The first two bytes decide the encoding; a pipe may deliver them one at a time.
    head = concat(head, chunk);
    if (head.length < 2) continue;
    decoder = new TextDecoder(encodingOf(head));
    yield decoder.decode(head, { stream: true });
  }
  // Without a decoder the input had fewer than two bytes, all still in `head`.
  const rest = decoder ? decoder.decode() : new TextDecoder('utf-8').decode(head);
  if (rest !== '') yield rest;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Splits text that arrives in pieces into lines at `\r\n`, `\n` or a lone `\r`, a break split between
 * two pieces included. A final line break does not start another line; empty text has no lines. Each
 * line keeps at most `maxLineLength` characters, so memory stays bounded whatever the input.
 */
export async function* splitLines(pieces: AsyncIterable<string>, maxLineLength = DEFAULT_MAX_LINE_LENGTH): AsyncGenerator<TextLine, void, undefined> {
  let current = '';
  let truncated = false;
  let started = false;
  let number = 0;
  // The last piece ended with `\r`: a `\n` that starts the next one ends the same line.
  let afterCarriageReturn = false;
  const append = (text: string) => {
    if (text === '') return;
    started = true;
    if (truncated) return;
    if (current.length + text.length > maxLineLength) {
      current += text.slice(0, maxLineLength - current.length);
      truncated = true;
    } else {
      current += text;
    }
  };
  const take = (): TextLine => {
    const line = { text: current, number: ++number, truncated };
    current = '';
    truncated = false;
    started = false;
    return line;
  };
  for await (const piece of pieces) {
    if (piece === '') continue;
    let start: number = afterCarriageReturn && piece[0] === '\n' ? 1 : 0;
    afterCarriageReturn = false;
    const lineBreak = /\r\n|\n|\r/g;
    lineBreak.lastIndex = start;
    for (let match = lineBreak.exec(piece); match; match = lineBreak.exec(piece)) {
      append(piece.slice(start, match.index));
      yield take();
      start = lineBreak.lastIndex;
      afterCarriageReturn = match[0] === '\r' && start === piece.length;
    }
    append(piece.slice(start));
  }
  if (started) yield take();
}
