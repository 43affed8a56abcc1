/**
 * What the subcommands read: manifests (files, folders, `-` for standard input) and logs (files, or
 * standard input). Unreadable or unparsable input becomes a UsageError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeLogBytes, parseLogInput, ParsedLog } from '../doctor/input/logs';
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

/** Reads log files, or standard input when none is given; `-` among the files is standard input, read once. */
export async function readLogs(files: readonly string[], io: CliIO): Promise<ParsedLog[]> {
  if (files.length === 0) return [parseLogInput(await io.readStdin())];
  const inputs: ParsedLog[] = [];
  let stdinRead = false;
  for (const file of files) {
    if (file === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      inputs.push(parseLogInput(await io.readStdin(), '-'));
      continue;
    }
    let text: string;
    try {
      text = decodeLogBytes(fs.readFileSync(path.resolve(io.cwd, file)));
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${reason(error)}.`);
    }
    inputs.push(parseLogInput(text, file));
  }
  return inputs;
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
