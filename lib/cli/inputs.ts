/**
 * What the subcommands read: manifests (files, folders, `-` for standard input) and logs (files, or
 * standard input). Unreadable or unparsable input becomes a UsageError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadManifests, manifestFiles, ManifestError, parseManifests } from '../doctor/input/manifests';
import { SourcedObject } from '../doctor/model/object';
import { Format, FORMAT_OPTION, formatOf, parseCommandArgs, SCRAPE_INTERVAL_OPTION, scrapeIntervalOf } from './args';
import { CliIO, UsageError } from './io';

/**
 * Reads the paths in `kubectl apply -f` order; `-` is standard input (e.g. `kustomize build . | flagger-doctor lint -`).
 * Unreadable or unparsable input throws a UsageError naming the file and line.
 */
export async function readManifests(paths: readonly string[], io: CliIO): Promise<{ objects: SourcedObject[]; files: number }> {
  const objects: SourcedObject[] = [];
  let files = 0;
  // A file named twice, directly or through its folder, is read once, as manifestFiles does within one call.
  const read = new Set<string>();
  try {
    for (const given of paths) {
      if (given === '-') {
        objects.push(...parseManifests(await io.readStdin(), '<stdin>', objects.length));
        files++;
        continue;
      }
      const found = manifestFiles([given], io.cwd).filter((file) => {
        const resolved = path.resolve(io.cwd, file);
        if (read.has(resolved)) return false;
        read.add(resolved);
        return true;
      });
      for (const sourced of loadManifests(found, io.cwd)) objects.push({ ...sourced, source: { ...sourced.source, order: objects.length } });
      files += found.length;
    }
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(error.message);
    throw error;
  }
  return { objects, files };
}

/** A log input, read piece by piece when the command gets to it. */
export interface LogInput {
  /** The file as given, `-` for standard input among files, none for standard input alone. */
  readonly name?: string;
  readonly pieces: AsyncIterable<Uint8Array | string>;
}

/** Bytes read from a log file at a time. */
const LOG_PIECE = 1 << 20;

/**
 * The log files, or standard input when none is given; `-` among the files is standard input, read once.
 * Every file is checked before any is read, so a missing one fails before output starts. Inputs are
 * streamed, never held whole: a FIFO works, and any size; a device or socket is refused.
 */
export async function logInputs(files: readonly string[], io: CliIO): Promise<LogInput[]> {
  if (files.length === 0) return [{ pieces: stdinPieces(io) }];
  const inputs: LogInput[] = [];
  let stdinRead = false;
  for (const file of files) {
    if (file === '-') {
      if (!stdinRead) inputs.push({ name: '-', pieces: stdinPieces(io) });
      stdinRead = true;
      continue;
    }
    const resolved = path.resolve(io.cwd, file);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(resolved);
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${reason(error)}.`);
    }
    if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: ${reason({ code: 'EISDIR' })}.`);
    if (!stat.isFile() && !stat.isFIFO()) throw new UsageError(`cannot read ${file}: it is a device or socket, not a log file.`);
    inputs.push({ name: file, pieces: filePieces(file, resolved) });
  }
  return inputs;
}

async function* stdinPieces(io: CliIO): AsyncGenerator<Uint8Array | string> {
  if (io.readStdinStream) yield* io.readStdinStream();
  else yield await io.readStdin();
}

async function* filePieces(file: string, resolved: string): AsyncGenerator<Uint8Array> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(resolved, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${reason(error)}.`);
  }
  try {
    for (;;) {
      let bytesRead: number;
      const buffer = Buffer.allocUnsafe(LOG_PIECE);
      try {
        ({ bytesRead } = await handle.read(buffer, 0, LOG_PIECE, null));
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${reason(error)}.`);
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory; give the log file itself';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** What lint and plan start from: their options and the objects of the manifests they name. */
export interface ManifestCommandInput {
  readonly format: Format;
  readonly scrapeIntervalMs: number;
  readonly paths: readonly string[];
  readonly objects: SourcedObject[];
  readonly files: number;
}

/**
 * Parses `[--format text|json] [--scrape-interval 15s] PATH...` and reads the manifests; undefined after
 * printing `usage` for --help.
 */
export async function readManifestCommand(argv: readonly string[], io: CliIO, usage: string): Promise<ManifestCommandInput | undefined> {
  const args = parseCommandArgs(argv, { 'format': FORMAT_OPTION, 'scrape-interval': SCRAPE_INTERVAL_OPTION }, usage);
  if (args.help) {
    io.stdout(usage);
    return undefined;
  }
  if (args.positionals.length === 0) throw new UsageError(`no PATH given.\n\n${usage}`);
  const { objects, files } = await readManifests(args.positionals, io);
  return { format: formatOf(args), scrapeIntervalMs: scrapeIntervalOf(args), paths: args.positionals, objects, files };
}
