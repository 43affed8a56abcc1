import * as path from 'path';
import { parseGoDuration } from '../doctor/util/duration';
import { DEFAULT_SCRAPE_INTERVAL_MS } from '../doctor/model/manifest-index';
import { loadManifests, manifestFiles, ManifestError, parseManifests } from '../doctor/input/manifests';
import { SourcedObject } from '../doctor/model/object';
import { CliIO, UsageError } from './io';

/** The arguments shared by the commands that read manifests: `lint` and `plan`. */
export interface ManifestArgs {
  readonly format: 'text' | 'json';
  readonly scrapeIntervalMs: number;
  readonly paths: readonly string[];
  readonly help: boolean;
}

/** Parses `[--format text|json] [--scrape-interval 15s] PATH...`; bad usage throws a UsageError ending with `usage`. */
export function parseManifestArgs(args: readonly string[], usage: string): ManifestArgs {
  let format: 'text' | 'json' = 'text';
  let scrapeIntervalMs = DEFAULT_SCRAPE_INTERVAL_MS;
  const paths: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (name !== '--format' && name !== '--scrape-interval') {
      throw new UsageError(`unknown option '${arg}'.\n\n${usage}`);
    }
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw new UsageError(`${name} needs a value.\n\n${usage}`);
    if (name === '--format') {
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not '${value}'.`);
      format = value;
    } else {
      const ms = parseGoDuration(value);
      if (ms === undefined || ms <= 0) {
        throw new UsageError(`--scrape-interval must be a positive Go duration such as 15s or 1m, not '${value}'.`);
      }
      scrapeIntervalMs = ms;
    }
  }
  return { format, scrapeIntervalMs, paths, help };
}

/**
 * Reads the paths in `kubectl apply -f` order; `-` is standard input (e.g. `kustomize build . | flagger-doctor lint -`).
 * Unreadable or unparsable input throws a UsageError naming the file and line.
 */
export async function readManifestArgs(paths: readonly string[], io: CliIO): Promise<{ objects: SourcedObject[]; files: number }> {
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
