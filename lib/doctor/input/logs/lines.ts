/**
 * An input's bytes (or text) as lines, read piece by piece so that a log of any size is never held
 * whole: UTF-8, or UTF-16 when it starts with a byte order mark (PowerShell's `>` writes UTF-16LE);
 * lines end at `\n`, `\r\n` or `\r`, and a line longer than MAX_LINE keeps its first MAX_LINE
 * characters (the rest is dropped as it arrives, so one endless line cannot fill the memory).
 */
import { TextDecoder } from 'util';

/** Longest line kept; beyond this a line is truncated so no pattern runs on megabytes. */
export const MAX_LINE = 64 * 1024;

/**
 * Decodes a whole input: UTF-8, or UTF-16 when it starts with a byte order mark. A UTF-8 byte order
 * mark is dropped.
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

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * UTF-16 text that was read as UTF-8 (a pipe from PowerShell): the byte order mark became two
 * replacement characters and every ASCII character is followed (LE) or preceded (BE) by a NUL.
 * The ASCII survives; the rest was lost in the decoding.
 */
function isUtf16ReadAsUtf8(start: string): boolean {
  return start.startsWith('\ufffd\ufffd') && (start[2] === '\u0000' || start[3] === '\u0000');
}

/** Splits text that arrives in pieces into lines, as `text.split(/\r\n|\n|\r/)` would, without a last empty line. */
export class LineSplitter {
  private pending = '';
  private truncated = false;
  /** The last piece ended with `\r`: a `\n` at the start of the next one belongs to it. */
  private afterCr = false;

  constructor(private readonly emit: (line: string) => void) {}

  push(piece: string): void {
    let start = 0;
    if (this.afterCr && piece.startsWith('\n')) start = 1;
    this.afterCr = false;
    let lf = piece.indexOf('\n', start);
    let cr = piece.indexOf('\r', start);
    while (lf >= 0 || cr >= 0) {
      const index = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      this.append(piece.slice(start, index));
      this.flushLine();
      start = index + 1;
      if (index === cr) {
        if (start < piece.length) {
          if (piece.charCodeAt(start) === 10) start++;
        } else {
          this.afterCr = true;
        }
        cr = piece.indexOf('\r', start);
      }
      if (lf >= 0 && lf < start) lf = piece.indexOf('\n', start);
    }
    this.append(piece.slice(start));
  }

  /** The last line, when the input does not end with a line break. */
  end(): void {
    if (this.pending !== '' || this.truncated) this.flushLine();
  }

  private append(text: string): void {
    if (this.truncated || text === '') return;
    const room = MAX_LINE - this.pending.length;
    if (text.length > room) {
      this.pending += text.slice(0, room);
      this.truncated = true;
    } else {
      this.pending += text;
    }
  }

  private flushLine(): void {
    const line = this.pending;
    this.pending = '';
    this.truncated = false;
    this.emit(line);
  }
}

/**
 * The lines of an input that arrives in pieces, bytes or text, handed to `emit` as they complete. Bytes
 * are decoded as UTF-8, or as UTF-16 after its byte order mark; text that is UTF-16 read as UTF-8 (a
 * pipe from PowerShell) is repaired.
 */
export class LineReader {
  private readonly splitter: LineSplitter;
  private decoder?: TextDecoder;
  private first = true;
  private dropNul = false;
  /** The first byte, when it arrived alone: the byte order mark needs two. */
  private head?: Uint8Array;

  constructor(emit: (line: string) => void) {
    this.splitter = new LineSplitter(emit);
  }

  push(piece: Uint8Array | string): void {
    if (typeof piece === 'string') {
      this.text(piece);
      return;
    }
    const bytes = this.head ? Buffer.concat([this.head, piece]) : piece;
    this.head = undefined;
    if (!this.decoder) {
      if (bytes.length < 2) {
        this.head = bytes;
        return;
      }
      const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
      this.decoder = new TextDecoder(encoding);
    }
    this.text(this.decoder.decode(bytes, { stream: true }));
  }

  end(): void {
    if (this.head) this.text(new TextDecoder('utf-8').decode(this.head));
    else if (this.decoder) this.text(this.decoder.decode());
    this.splitter.end();
  }

  private text(piece: string): void {
    let text = piece;
    if (this.first) {
      if (text === '') return;
      this.first = false;
      if (isUtf16ReadAsUtf8(text)) {
        this.dropNul = true;
        text = text.slice(2);
      }
      text = stripBom(text);
    }
    this.splitter.push(this.dropNul ? text.replace(/\u0000/g, '') : text);
  }
}
