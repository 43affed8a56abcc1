/**
 * What the loadtester's commands do: which URLs they call, how long a load test runs,
 * and whether a curl call can fail.
 */
import { parseGoDuration } from '../util/duration';
import { parseShell, SimpleCommand } from '../util/shell';
import { HttpUrl, parseUrl } from '../util/urls';

/** A shell script, or its commands already parsed with `parseShell`. */
export type Script = string | readonly SimpleCommand[];

function commandsOf(script: Script): readonly SimpleCommand[] {
  return typeof script === 'string' ? parseShell(script) : script;
}

/** Programs that generate load rather than check a result. */
export const LOAD_GENERATORS = new Set(['hey', 'ghz', 'wrk', 'wrk2', 'k6', 'fortio', 'vegeta', 'ab', 'locust', 'jmeter', 'siege', 'oha', 'bombardier']);

/** A URL a command calls. */
export interface CommandUrl {
  readonly url: HttpUrl;
  /** The program that calls it, e.g. `hey`. */
  readonly program: string;
  /** The Host header the program sends instead of the URL's host, lower case, without a port. */
  readonly hostHeader?: string;
}

/** A load generator invocation and how long it runs. */
export interface LoadTest {
  readonly program: string;
  /** The duration flag as written (`-z 1m` gives `1m`), if any. */
  readonly durationText?: string;
  /** The duration flag that was given, e.g. `-z`. */
  readonly durationFlag: string;
  /** Requests to send when no duration is given (`-n`, default 200 for hey and ghz). */
  readonly requests: number;
  readonly concurrency?: number;
  /** Requests per second per worker (`-q`), if limited. */
  readonly rate?: number;
  /** The program's own default run time when no duration is given, if it has one (wrk: 10s). */
  readonly defaultDurationMs?: number;
}

/** A curl call and whether its exit status reflects the HTTP status. */
export interface CurlCall {
  /** The curl words, for the message. */
  readonly text: string;
  /** `-f`, `--fail` or `--fail-with-body` is set, so HTTP errors make curl exit non-zero. */
  readonly failsOnHttpError: boolean;
  /** A later command checks the output (grep, test, jq -e, ...). */
  readonly checked: boolean;
}

interface Options {
  /** Flags that take a value, without dashes. */
  readonly withValue: ReadonlySet<string>;
  /** Single-letter flags may be combined, as in `curl -sSf` (GNU style); Go's flag package does not allow it. */
  readonly combinedShort: boolean;
}

interface ParsedArgs {
  readonly flags: ReadonlyArray<{ readonly name: string; readonly value?: string }>;
  readonly positional: readonly string[];
}

function parseArgs(args: readonly string[], options: Options): ParsedArgs {
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

function flagValue(parsed: ParsedArgs, ...names: string[]): string | undefined {
  let value: string | undefined;
  for (const flag of parsed.flags) if (names.includes(flag.name) && flag.value !== undefined) value = flag.value;
  return value;
}

const HEY = { withValue: new Set(['z', 'n', 'c', 'q', 'm', 'H', 't', 'A', 'd', 'D', 'T', 'a', 'x', 'o', 'cpus', 'host']), combinedShort: false };
const GHZ = {
  withValue: new Set(['z', 'duration', 'n', 'total', 'c', 'concurrency', 'r', 'rps', 'call', 'proto', 'protoset', 'd', 'data', 'D', 'data-file',
    'm', 'metadata', 'M', 'metadata-file', 'i', 'import-paths', 'x', 'max-duration', 't', 'timeout', 'connections', 'cacert', 'cert', 'key',
    'cname', 'o', 'output', 'O', 'format', 'name', 'tags', 'cpus', 'config', 'load-schedule', 'load-start', 'load-end', 'load-step',
    'load-step-duration', 'load-max-duration', 'concurrency-schedule', 'concurrency-start', 'concurrency-end', 'concurrency-step',
    'concurrency-step-duration', 'concurrency-max-duration', 'connect-timeout', 'keepalive', 'authority', 'lb-strategy', 'stream-interval',
    'stream-call-duration', 'stream-call-count', 'reflect-metadata', 'db-url', 'skipFirst', 'count-errors']),
  combinedShort: true,
};
const WRK = { withValue: new Set(['c', 'connections', 'd', 'duration', 't', 'threads', 's', 'script', 'H', 'header', 'timeout', 'R', 'rate']), combinedShort: true };
const CURL = {
  withValue: new Set(['A', 'b', 'c', 'C', 'd', 'D', 'e', 'E', 'F', 'H', 'K', 'm', 'o', 'P', 'Q', 'r', 't', 'T', 'u', 'U', 'w', 'x', 'X', 'y', 'Y', 'z',
    'data', 'data-raw', 'data-binary', 'data-ascii', 'data-urlencode', 'json', 'header', 'request', 'output', 'user', 'user-agent', 'cookie',
    'cookie-jar', 'max-time', 'connect-timeout', 'retry', 'retry-delay', 'retry-max-time', 'write-out', 'proxy', 'resolve', 'connect-to',
    'form', 'form-string', 'cacert', 'capath', 'cert', 'key', 'referer', 'range', 'upload-file', 'url', 'config', 'limit-rate', 'interface',
    'unix-socket', 'output-dir', 'variable', 'expect100-timeout', 'keepalive-time', 'dns-servers', 'noproxy', 'max-filesize', 'oauth2-bearer',
    'aws-sigv4', 'continue-at', 'dump-header', 'trace', 'trace-ascii', 'stderr', 'max-redirs', 'proxy-user', 'time-cond', 'speed-limit',
    'speed-time', 'local-port', 'cert-type', 'key-type', 'pass', 'ciphers', 'header-file', 'url-query', 'etag-save', 'etag-compare']),
  combinedShort: true,
};
const WGET = { withValue: new Set(['O', 'o', 'a', 'T', 't', 'w', 'U', 'P', 'e', 'output-document', 'output-file', 'timeout', 'tries', 'user-agent', 'header', 'post-data', 'method', 'body-data']), combinedShort: true };

const PROGRAM_OPTIONS: Record<string, Options> = { hey: HEY, ghz: GHZ, wrk: WRK, wrk2: WRK, curl: CURL, wget: WGET, oha: HEY, bombardier: HEY };

const LOOKS_LIKE_HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?([/?#].*)?$/i;
/** Shell expansions the linter cannot evaluate: `$HOST`, `${SVC}`, a command substitution. */
const UNEVALUATED = /[$`{}]/;

/** The authority of a URL as written: what lies between `scheme://` and the path. */
function authorityOf(text: string): string {
  const rest = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/**
 * The URLs a command calls. For the programs whose options are known, only the URL arguments count
 * (positional words and `--url`), so a URL inside a header, a referer or a form field is not taken for a target.
 * For other programs, words that start with http:// or https://. Hosts built from shell variables are skipped.
 */
function urlsOf(command: SimpleCommand): CommandUrl[] {
  const urls: CommandUrl[] = [];
  const seen = new Set<string>();
  const add = (text: string, defaultScheme?: string) => {
    if (UNEVALUATED.test(authorityOf(text))) return;
    const url = parseUrl(text, defaultScheme);
    if (url && !seen.has(text)) {
      seen.add(text);
      urls.push({ url, program: command.program, hostHeader: hostHeaderOf(command) });
    }
  };
  const options = PROGRAM_OPTIONS[command.program];
  if (options) {
    const parsed = parseArgs(command.argv.slice(1), options);
    const explicit = flagValue(parsed, 'url');
    if (explicit) add(explicit, 'http');
    for (const arg of parsed.positional) {
      if (/^https?:\/\//i.test(arg)) add(arg);
      // curl, ghz and wget accept `host:port/path` without a scheme; a bare word such as `test` is not a host.
      else if (LOOKS_LIKE_HOST.test(arg) && /[.:/]/.test(arg)) add(arg, 'http');
    }
    return urls;
  }
  for (const word of command.argv.slice(1)) {
    if (/^https?:\/\//i.test(word)) add(word.replace(/[,.]+$/, ''));
  }
  return urls;
}

/** The Host header a command sends instead of the URL's host: hey's `-host`, or a `Host:` header (`-H`, `--header`). */
function hostHeaderOf(command: SimpleCommand): string | undefined {
  const options = PROGRAM_OPTIONS[command.program];
  if (!options) return undefined;
  const parsed = parseArgs(command.argv.slice(1), options);
  let host: string | undefined;
  for (const flag of parsed.flags) {
    if (flag.value === undefined) continue;
    if (flag.name === 'host' && (command.program === 'hey' || command.program === 'oha')) host = flag.value;
    const header = /^\s*host\s*:\s*(\S+)\s*$/i.exec(flag.value);
    if (header && (flag.name === 'H' || flag.name === 'header')) host = header[1];
  }
  return host?.replace(/:\d+$/, '').toLowerCase();
}

/** Every http(s) URL the script calls, in order. */
export function commandUrls(script: Script): CommandUrl[] {
  return commandsOf(script).flatMap(urlsOf);
}

/** The load generators the script starts. */
export function loadTests(script: Script): LoadTest[] {
  const tests: LoadTest[] = [];
  for (const command of commandsOf(script)) {
    const options = PROGRAM_OPTIONS[command.program];
    if (!options || !LOAD_GENERATORS.has(command.program)) continue;
    const parsed = parseArgs(command.argv.slice(1), options);
    const numberOf = (...names: string[]) => {
      const text = flagValue(parsed, ...names);
      const value = text === undefined ? undefined : Number(text);
      return value !== undefined && Number.isFinite(value) ? value : undefined;
    };
    if (command.program === 'wrk' || command.program === 'wrk2') {
      tests.push({
        program: command.program, durationText: flagValue(parsed, 'd', 'duration'), durationFlag: '-d',
        requests: Infinity, concurrency: numberOf('c', 'connections'), defaultDurationMs: 10_000,
      });
      continue;
    }
    tests.push({
      program: command.program,
      durationText: flagValue(parsed, 'z', 'duration'),
      durationFlag: '-z',
      requests: numberOf('n', 'total') ?? 200,
      concurrency: numberOf('c', 'concurrency') ?? 50,
      rate: numberOf('q', 'r', 'rps'),
    });
  }
  return tests;
}

/** Duration of a load test's duration flag in milliseconds (Go syntax, as hey and ghz parse it). */
export function loadTestDuration(test: LoadTest): number | undefined {
  return test.durationText === undefined ? undefined : parseGoDuration(test.durationText);
}

const CHECKERS = new Set(['grep', 'egrep', 'fgrep', 'rg', 'test', '[', '[[', 'diff', 'cmp', 'jq']);

function isChecker(command: SimpleCommand): boolean {
  if (command.program === 'jq') return command.argv.some((arg) => arg === '-e' || arg === '--exit-status' || /^-[a-zA-Z]*e[a-zA-Z]*$/.test(arg));
  return CHECKERS.has(command.program);
}

/** The curl calls of the script, with whether an HTTP 500 would make the script fail. */
export function curlCalls(script: Script): CurlCall[] {
  const commands = commandsOf(script);
  const calls: CurlCall[] = [];
  commands.forEach((command, index) => {
    if (command.program !== 'curl') return;
    const parsed = parseArgs(command.argv.slice(1), CURL);
    const failsOnHttpError = parsed.flags.some((flag) => flag.name === 'f' || flag.name === 'fail' || flag.name === 'fail-with-body');
    const checked = commands.slice(index + 1).some(isChecker);
    calls.push({ text: command.argv.join(' '), failsOnHttpError, checked });
  });
  return calls;
}
