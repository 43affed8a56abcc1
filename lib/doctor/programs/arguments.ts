/**
 * The command-line options of the programs a loadtester webhook runs (hey, ghz, wrk, curl, wget...):
 * which flags take a value, so that a URL is told apart from a flag's value, and the programs that
 * generate load.
 */
import { HEY_FLAGS } from './hey';

/** Programs that generate load rather than check a result. */
export const LOAD_GENERATORS = new Set(['hey', 'ghz', 'wrk', 'wrk2', 'k6', 'fortio', 'vegeta', 'ab', 'locust', 'jmeter', 'siege', 'oha', 'bombardier']);

export interface ProgramOptions {
  /** Flags that take a value, without dashes. */
  readonly withValue: ReadonlySet<string>;
  /** Single-letter flags may be combined, as in `curl -sSf` (GNU style); Go's flag package does not allow it. */
  readonly combinedShort: boolean;
}

export interface ProgramArgs {
  readonly flags: ReadonlyArray<{ readonly name: string; readonly value?: string }>;
  readonly positional: readonly string[];
}

/** Splits a program's arguments into flags (with their values) and positional words. */
export function parseProgramArgs(args: readonly string[], options: ProgramOptions): ProgramArgs {
  const flags: Array<{ name: string; value?: string }> = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    if (long || !options.combinedShort) {
      const body = arg.replace(/^--?/, '');
      const equals = body.indexOf('=');
      const name = equals === -1 ? body : body.slice(0, equals);
      if (equals !== -1) flags.push({ name, value: body.slice(equals + 1) });
      else if (options.withValue.has(name) && i + 1 < args.length) flags.push({ name, value: args[++i] });
      else flags.push({ name });
      continue;
    }
    // GNU short options: `-sSfd data` is -s -S -f -d data; the first letter that takes a value ends the group.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j];
      if (options.withValue.has(letter)) {
        const rest = arg.slice(j + 1);
        if (rest !== '') flags.push({ name: letter, value: rest });
        else if (i + 1 < args.length) flags.push({ name: letter, value: args[++i] });
        else flags.push({ name: letter });
        break;
      }
      flags.push({ name: letter });
    }
  }
  return { flags, positional };
}

/** The last value given to any of the named flags. */
export function flagValue(parsed: ProgramArgs, ...names: string[]): string | undefined {
  let value: string | undefined;
  for (const flag of parsed.flags) if (names.includes(flag.name) && flag.value !== undefined) value = flag.value;
  return value;
}

/** hey reads its flags with Go's flag package: no combined short flags. */
const HEY: ProgramOptions = { withValue: HEY_FLAGS.values, combinedShort: false };
const GHZ: ProgramOptions = {
  withValue: new Set(['z', 'duration', 'n', 'total', 'c', 'concurrency', 'r', 'rps', 'call', 'proto', 'protoset', 'd', 'data', 'D', 'data-file',
    'm', 'metadata', 'M', 'metadata-file', 'i', 'import-paths', 'x', 'max-duration', 't', 'timeout', 'connections', 'cacert', 'cert', 'key',
    'cname', 'o', 'output', 'O', 'format', 'name', 'tags', 'cpus', 'config', 'load-schedule', 'load-start', 'load-end', 'load-step',
    'load-step-duration', 'load-max-duration', 'concurrency-schedule', 'concurrency-start', 'concurrency-end', 'concurrency-step',
    'concurrency-step-duration', 'concurrency-max-duration', 'connect-timeout', 'keepalive', 'authority', 'lb-strategy', 'stream-interval',
    'stream-call-duration', 'stream-call-count', 'reflect-metadata', 'db-url', 'skipFirst', 'count-errors']),
  combinedShort: true,
};
const WRK: ProgramOptions = { withValue: new Set(['c', 'connections', 'd', 'duration', 't', 'threads', 's', 'script', 'H', 'header', 'timeout', 'R', 'rate']), combinedShort: true };
export const CURL: ProgramOptions = {
  withValue: new Set(['A', 'b', 'c', 'C', 'd', 'D', 'e', 'E', 'F', 'H', 'K', 'm', 'o', 'P', 'Q', 'r', 't', 'T', 'u', 'U', 'w', 'x', 'X', 'y', 'Y', 'z',
    'data', 'data-raw', 'data-binary', 'data-ascii', 'data-urlencode', 'json', 'header', 'request', 'output', 'user', 'user-agent', 'cookie',
    'cookie-jar', 'max-time', 'connect-timeout', 'retry', 'retry-delay', 'retry-max-time', 'write-out', 'proxy', 'resolve', 'connect-to',
    'form', 'form-string', 'cacert', 'capath', 'cert', 'key', 'referer', 'range', 'upload-file', 'url', 'config', 'limit-rate', 'interface',
    'unix-socket', 'output-dir', 'variable', 'expect100-timeout', 'keepalive-time', 'dns-servers', 'noproxy', 'max-filesize', 'oauth2-bearer',
    'aws-sigv4', 'continue-at', 'dump-header', 'trace', 'trace-ascii', 'stderr', 'max-redirs', 'proxy-user', 'time-cond', 'speed-limit',
    'speed-time', 'local-port', 'cert-type', 'key-type', 'pass', 'ciphers', 'header-file', 'url-query', 'etag-save', 'etag-compare']),
  combinedShort: true,
};
const WGET: ProgramOptions = { withValue: new Set(['O', 'o', 'a', 'T', 't', 'w', 'U', 'P', 'e', 'output-document', 'output-file', 'timeout', 'tries', 'user-agent', 'header', 'post-data', 'method', 'body-data']), combinedShort: true };

/** The options of each program whose flags are known; oha and bombardier are read like hey. */
export const PROGRAM_OPTIONS: Readonly<Record<string, ProgramOptions>> = { hey: HEY, ghz: GHZ, wrk: WRK, wrk2: WRK, curl: CURL, wget: WGET, oha: HEY, bombardier: HEY };
