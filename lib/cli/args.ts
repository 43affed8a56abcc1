/**
 * The one argument parser of the CLI's subcommands, on node:util's `parseArgs`: `--name value` or
 * `--name=value` for each option (all of them take a value and may repeat), `-h`/`--help`, positional
 * words, and `--` to end the options. A value written apart that starts with `-` is taken for a
 * missing value, as `parseArgs` does in strict mode: `--format --manifests x` says that --format needs
 * a value, and `--manifests=-x` passes a value that starts with a dash.
 */
import { parseArgs } from 'node:util';
import { SCRAPE_INTERVAL_MS } from '../doctor/flagger/defaults';
import { parseScrapeInterval, SCRAPE_INTERVAL_SYNTAX } from '../doctor/flagger/prometheus';
import { DEFAULT_MAX_BYTES } from '../doctor/input/read';
import { UsageError } from './io';

/** An option; it takes a value unless it is a `flag`. `check` throws a UsageError for a value it refuses. */
export interface OptionSpec {
  readonly check?: (value: string) => void;
  /** A switch without a value, such as `--partial`; its value is recorded as 'true'. */
  readonly flag?: boolean;
}

export interface CommandArgs {
  readonly help: boolean;
  readonly positionals: readonly string[];
  /** The values of each option, in the order given. */
  readonly values: Readonly<Record<string, readonly string[]>>;
}

/**
 * Parses a subcommand's arguments. The first bad one throws a UsageError; those that need the usage
 * to be understood end with `usage`, which the CLI replaces with a pointer to `--help`.
 */
export function parseCommandArgs(args: readonly string[], options: Readonly<Record<string, OptionSpec>>, usage: string): CommandArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, spec.flag ? { type: 'boolean', multiple: true } as const : { type: 'string', multiple: true } as const])),
    },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  let help = false;
  const positionals: string[] = [];
  const values: Record<string, string[]> = Object.fromEntries(Object.keys(options).map((name) => [name, []]));
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
    } else if (token.kind === 'option') {
      const spec = token.name === 'help' ? undefined : options[token.name];
      if (token.name === 'help' && token.value === undefined) {
        help = true;
        continue;
      }
      if (!spec) throw new UsageError(`unknown option '${args[token.index]}'.\n\n${usage}`);
      if (spec.flag) {
        if (token.value !== undefined) throw new UsageError(`--${token.name} takes no value.\n\n${usage}`);
        values[token.name].push('true');
        continue;
      }
      const value = token.value;
      if (value === undefined || value === '' || (!token.inlineValue && value.length > 1 && value.startsWith('-'))) {
        throw new UsageError(`--${token.name} needs a value.\n\n${usage}`);
      }
      spec.check?.(value);
      values[token.name].push(value);
    }
  }
  return { help, positionals, values };
}

/** The last value given to an option, if any. */
export function lastValue(args: CommandArgs, name: string): string | undefined {
  const given = args.values[name] ?? [];
  return given[given.length - 1];
}

export type Format = 'text' | 'json';

/** `--format text|json`. */
export const FORMAT_OPTION: OptionSpec = {
  check: (value) => {
    if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not '${value}'.`);
  },
};

/** The output format: the last `--format`, text by default. */
export function formatOf(args: CommandArgs): Format {
  return lastValue(args, 'format') === 'json' ? 'json' : 'text';
}

/** `--scrape-interval DURATION`. */
export const SCRAPE_INTERVAL_OPTION: OptionSpec = {
  check: (value) => {
    if (parseScrapeInterval(value) === undefined) throw new UsageError(`--scrape-interval must be ${SCRAPE_INTERVAL_SYNTAX}, not '${value}'.`);
  },
};

/** The Prometheus scrape interval in milliseconds: the last `--scrape-interval`, 15s by default. */
export function scrapeIntervalOf(args: CommandArgs): number {
  const value = lastValue(args, 'scrape-interval');
  return (value === undefined ? undefined : parseScrapeInterval(value)) ?? SCRAPE_INTERVAL_MS;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, 'k': 1e3, 'K': 1e3, 'M': 1e6, 'G': 1e9, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3,
};

/**
 * A size in bytes as Kubernetes writes quantities: `1048576`, `64Mi`, `100M`; a trailing `B` is
 * allowed (`64MiB`). Undefined when it is not one, or not a whole positive number of bytes.
 */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+)(k|K|M|G|Ki|Mi|Gi)?B?$/.exec(text);
  if (!match) return undefined;
  const bytes = Number(match[1]) * SIZE_UNITS[match[2] ?? ''];
  return bytes >= 1 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `--max-bytes SIZE`: the most bytes read from one input. */
export const MAX_BYTES_OPTION: OptionSpec = {
  check: (value) => {
    if (parseSize(value) === undefined) throw new UsageError(`--max-bytes must be a size in bytes such as 64Mi, 100M or 1048576, not '${value}'.`);
  },
};

/** The most bytes read from one input: the last `--max-bytes`, 64 MiB by default. */
export function maxBytesOf(args: CommandArgs): number {
  const value = lastValue(args, 'max-bytes');
  return (value === undefined ? undefined : parseSize(value)) ?? DEFAULT_MAX_BYTES;
}
