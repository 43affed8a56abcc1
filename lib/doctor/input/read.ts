/**
 * Reading one input file with a size limit, the same way for manifests and logs. Whatever the path
 * names is read as a stream of bytes: a regular file, a FIFO (`<(kustomize build)` is one), or a
 * character device such as /dev/stdin. The limit is enforced while reading, so a huge or endless
 * input (`/dev/zero`) costs at most the limit in memory and then fails with a sentence. A folder is
 * refused here; the manifest reader lists it instead. Every failure is an InputError that names the
 * file and says why in one sentence.
 */
import { constants as bufferConstants } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';

/** The most bytes read from one input by default: 64 MiB, well beyond any real set of manifests or a day of Flagger's logs. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** The longest string V8 can hold, in characters. */
const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

/** Bytes read at a time. */
const CHUNK_BYTES = 64 * 1024;

/**
 * An input that cannot be read or parsed: the message is the file (and line, 1-based), then one
 * sentence saying why. `code` is the system's error code (`EACCES`...) when a system call failed.
 */
export class InputError extends Error {
  constructor(readonly file: string, readonly reason: string, readonly line?: number, readonly code?: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}

export interface ReadOptions {
  /** Working directory that a relative path resolves against. @default process.cwd() */
  readonly cwd?: string;
  /** The most bytes read; more is an InputError. @default DEFAULT_MAX_BYTES */
  readonly maxBytes?: number;
}

/** A size, exactly: `64 MiB`, `2047 bytes`, and for a size of no whole unit past 1 MiB, `100000000 bytes (95.4 MiB)`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let unit = -1;
  let value = bytes;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit < 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const rounded = `${Number(value.toFixed(1))} ${units[unit]}`;
  if (Number.isInteger(value)) return rounded;
  return unit === 0 ? `${bytes} bytes` : `${bytes} bytes (${rounded})`;
}

/** The error for an input that goes on past `maxBytes`. */
export function tooLargeError(file: string, maxBytes: number): InputError {
  return new InputError(file, `larger than ${formatBytes(maxBytes)}, the size limit per input (--max-bytes).`);
}

/** Why reading failed, in words: `permission denied`, `no such file or folder`... */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'ENXIO': return 'it is a socket, or a device that is not there';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'EIO': return 'input/output error';
    default: return firstLine(error instanceof Error ? error.message : String(error));
  }
}

/** An InputError for a failed system call on `file`: `cannot read: permission denied.` */
export function cannotRead(file: string, error: unknown): InputError {
  return new InputError(file, `cannot read: ${readFailure(error)}.`, undefined, (error as NodeJS.ErrnoException)?.code);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The bytes of `file`, chunk by chunk, as the caller asks for them. Throws an InputError when the
 * file cannot be opened or read, is a folder, or goes on past `maxBytes`.
 */
export function* fileChunks(file: string, options: ReadOptions = {}): Generator<Uint8Array, void, undefined> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(path.resolve(options.cwd ?? process.cwd(), file), 'r');
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    let isFolder: boolean;
    try {
      isFolder = fs.fstatSync(fd).isDirectory();
    } catch (error) {
      throw cannotRead(file, error);
    }
    if (isFolder) throw new InputError(file, 'cannot read: it is a folder.', undefined, 'EISDIR');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (;;) {
      let count: number;
      try {
        count = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        // A FIFO or device opened non-blocking by someone else: wait for data as a blocking read would.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 10);
          continue;
        }
        throw cannotRead(file, error);
      }
      if (count === 0) return;
      total += count;
      if (total > maxBytes) throw tooLargeError(file, maxBytes);
      // A copy of what was read: the buffer is reused, and a short read must not pin a whole chunk.
      yield Buffer.from(buffer.subarray(0, count));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of `file`, decoded as UTF-8. Throws an InputError as `fileChunks` does. */
export function readTextFile(file: string, options: ReadOptions = {}): string {
  const text = new TextCollector(file);
  for (const chunk of fileChunks(file, options)) text.add(chunk);
  return text.end();
}

/**
 * Collects the UTF-8 text of an input's chunks as they are read, a character split between two
 * chunks included, and refuses more than one JavaScript string can hold.
 */
export class TextCollector {
  private readonly decoder = new StringDecoder('utf8');
  private readonly parts: string[] = [];
  private bytes = 0;

  constructor(private readonly file: string) {}

  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    // UTF-8 never takes fewer bytes than characters, so this many bytes always fit in a string.
    if (this.bytes > MAX_STRING_LENGTH) {
      throw new InputError(this.file, `larger than ${formatBytes(MAX_STRING_LENGTH)}, the longest text that can be parsed at once.`);
    }
    this.parts.push(this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  }

  end(): string {
    this.parts.push(this.decoder.end());
    return this.parts.join('');
  }
}
