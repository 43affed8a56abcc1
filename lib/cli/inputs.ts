/**
 * What the subcommands read: manifests (files, folders, `-` for standard input) and logs (files, or
 * standard input). Every input goes through the same checks, in lib/doctor/input/read.ts: at most
 * `maxBytes` (`--max-bytes`, 64 MiB by default) from each file or from standard input, enforced while
 * reading; a FIFO or a device is read like a file, within that limit; a folder given as a log file, a
 * permission denied or any failed read is an InputError naming the input in one sentence, which the CLI
 * prints and exits 2 on.
 *
 * Two ways to read one input (a path, or `-` for standard input):
 * - readInputText: the whole text, for manifests, which are parsed as a whole;
 * - readInputChunks: chunk by chunk as it arrives, for logs, which explain splits into lines as they
 *   come (lib/doctor/input/logs/lines.ts), so memory holds one line whatever the input's length.
 */
import * as fs from 'fs';
import * as path from 'path';
import { manifestFiles, manifestObjects } from '../doctor/input/manifests';
import { cannotRead, DEFAULT_MAX_BYTES, fileChunks, InputError, TextCollector, tooLargeError } from '../doctor/input/read';
import { SourcedObject } from '../doctor/model/object';
import {
  Format, FORMAT_OPTION, formatOf, MAX_BYTES_OPTION, maxBytesOf, parseCommandArgs, SCRAPE_INTERVAL_OPTION, scrapeIntervalOf,
} from './args';
import { CliIO, STDIN_NAME, UsageError } from './io';

export { DEFAULT_MAX_BYTES, InputError, STDIN_NAME };

/** The name of standard input among the paths. */
export const STDIN = '-';

export interface InputOptions {
  /** The most bytes read from one input: a file, or standard input. @default DEFAULT_MAX_BYTES (64 MiB) */
  readonly maxBytes?: number;
}


/** The name an input has in messages: the path as given, `<stdin>` for `-`. */
export function inputName(input: string): string {
  return input === STDIN ? STDIN_NAME : input;
}

/**
 * The bytes of one input (a path, or `-`), chunk by chunk as they are read. Throws an InputError naming
 * it when it cannot be read, is a folder, or goes on past `maxBytes`.
 */
export async function* readInputChunks(input: string, io: CliIO, options: InputOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input !== STDIN) {
    yield* fileChunks(input, { cwd: io.cwd, maxBytes });
    return;
  }
  let total = 0;
  let finished = false;
  const chunks = io.stdin()[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await chunks.next();
      } catch (error) {
        finished = true;
        // A failed read of standard input is about the input; anything else (a terminal, refused) passes on.
        if (typeof (error as NodeJS.ErrnoException)?.code === 'string' && (error as NodeJS.ErrnoException).syscall) throw cannotRead(STDIN_NAME, error);
        throw error;
      }
      if (next.done) {
        finished = true;
        return;
      }
      const bytes = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      total += bytes.byteLength;
      if (total > maxBytes) throw tooLargeError(STDIN_NAME, maxBytes);
      yield bytes;
    }
  } finally {
    // Stopped early (over the limit, or by the reader): release standard input.
    if (!finished) await chunks.return?.();
  }
}

/** The whole text of one input (a path, or `-`), decoded as UTF-8, with the checks of readInputChunks. */
export async function readInputText(input: string, io: CliIO, options: InputOptions = {}): Promise<string> {
  const text = new TextCollector(inputName(input));
  for await (const chunk of readInputChunks(input, io, options)) text.add(chunk);
  return text.end();
}


/**
 * Reads the paths in `kubectl apply -f` order; `-` is standard input (e.g. `kustomize build . | flagger-doctor lint -`),
 * read once however often it is named. Throws an InputError (a ManifestError for manifests) naming the file, and the line
 * when there is one, for input that cannot be read or parsed.
 */
export async function readManifests(paths: readonly string[], io: CliIO, options: InputOptions = {}): Promise<{ objects: SourcedObject[]; files: number }> {
  const objects: SourcedObject[] = [];
  let files = 0;
  // A file named twice, directly or through its folder, is read once, as manifestFiles does within one call.
  const read = new Set<string>();
  const add = (text: string, file: string) => {
    for (const sourced of manifestObjects(text, file, objects.length)) objects.push(sourced);
    files++;
  };
  for (const given of paths) {
    if (given === STDIN) {
      if (!read.has(STDIN)) add(await readInputText(STDIN, io, options), STDIN_NAME);
      read.add(STDIN);
      continue;
    }
    for (const file of manifestFiles([given], io.cwd)) {
      const key = `file:${path.resolve(io.cwd, file)}`;
      if (read.has(key)) continue;
      read.add(key);
      add(await readInputText(file, io, options), file);
    }
  }
  return { objects, files };
}

/** A log input, read piece by piece when the command gets to it. */
export interface LogInput {
  /** The file as given, `-` for standard input among files, none for standard input alone. */
  readonly name?: string;
  readonly pieces: AsyncIterable<Uint8Array | string>;
}

/**
 * The log files, or standard input when none is given; `-` among the files is standard input, read once.
 * Every file is checked before any is read, so a missing one fails before output starts. Inputs are
 * streamed with readInputChunks' checks, never held whole, and have no size limit by default: explain
 * keeps what it learns per distinct message, not per line. A FIFO works; a device or socket is refused.
 */
export async function logInputs(files: readonly string[], io: CliIO, options: InputOptions = { maxBytes: Infinity }): Promise<LogInput[]> {
  if (files.length === 0) return [{ pieces: readInputChunks(STDIN, io, options) }];
  const inputs: LogInput[] = [];
  let stdinRead = false;
  for (const file of files) {
    if (file === STDIN) {
      if (!stdinRead) inputs.push({ name: STDIN, pieces: readInputChunks(STDIN, io, options) });
      stdinRead = true;
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(path.resolve(io.cwd, file));
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${logReadFailure(error as NodeJS.ErrnoException)}.`);
    }
    if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: ${logReadFailure({ code: 'EISDIR' })}.`);
    if (!stat.isFile() && !stat.isFIFO()) throw new UsageError(`cannot read ${file}: it is a device or socket, not a log file.`);
    inputs.push({ name: file, pieces: readInputChunks(file, io, options) });
  }
  return inputs;
}

/** The words explain has always used for a log file it cannot read. */
function logReadFailure(error: { code?: string; reason?: string; message?: string }): string {
  if (error.code === 'ENOENT') return 'no such file';
  if (error.code === 'EISDIR') return 'it is a directory; give the log file itself';
  if (error.code === 'EACCES') return 'permission denied';
  return (error.reason ?? error.message ?? String(error)).replace(/^cannot read: /, '').replace(/\.$/, '');
}

/** What lint and plan start from: their options and the objects of the manifests they name. */
export interface ManifestCommandInput {
  readonly format: Format;
  readonly scrapeIntervalMs: number;
  readonly maxBytes: number;
  readonly paths: readonly string[];
  readonly objects: SourcedObject[];
  readonly files: number;
}

/**
 * Parses `[--format text|json] [--scrape-interval 15s] [--max-bytes 64Mi] PATH...` and reads the manifests;
 * undefined after printing `usage` for --help.
 */
export async function readManifestCommand(argv: readonly string[], io: CliIO, usage: string): Promise<ManifestCommandInput | undefined> {
  const args = parseCommandArgs(argv, { 'format': FORMAT_OPTION, 'scrape-interval': SCRAPE_INTERVAL_OPTION, 'max-bytes': MAX_BYTES_OPTION }, usage);
  if (args.help) {
    io.stdout(usage);
    return undefined;
  }
  if (args.positionals.length === 0) throw new UsageError(`no PATH given.\n\n${usage}`);
  const maxBytes = maxBytesOf(args);
  const { objects, files } = await readManifests(args.positionals, io, { maxBytes });
  return { format: formatOf(args), scrapeIntervalMs: scrapeIntervalOf(args), maxBytes, paths: args.positionals, objects, files };
}
