/** The URLs a webhook's command calls, and the Host header it sends with them. */
import { commandsOf, Script, SimpleCommand } from '../util/shell';
import { HttpUrl, parseUrl } from '../util/urls';
import { flagValue, parseProgramArgs, PROGRAM_OPTIONS, ProgramArgs } from './arguments';

/** A URL a command calls. */
export interface CommandUrl {
  readonly url: HttpUrl;
  /** The program that calls it, e.g. `hey`. */
  readonly program: string;
  /** The Host header the program sends instead of the URL's host, lower case, without a port. */
  readonly hostHeader?: string;
  /** The headers it sends, by lower-case name (`-H`, `--header`, curl's `-b` and `-A`, hey's `-U`). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** The headers it sends when none is given, e.g. its User-Agent. */
  readonly defaultHeaders: ReadonlyMap<string, readonly string[]>;
}

/** The User-Agent each program sends by default. */
const DEFAULT_USER_AGENTS: Record<string, string> = { hey: 'hey/0.0.1', curl: 'curl/8.0', wget: 'Wget/1.21', oha: 'oha/1.0', grpcurl: 'grpcurl/1.8' };

/** The headers a command sets. */
function headersOf(program: string, parsed: ProgramArgs): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const add = (name: string, value: string) => headers.set(name.toLowerCase(), [...(headers.get(name.toLowerCase()) ?? []), value]);
  for (const flag of parsed.flags) {
    if (flag.value === undefined) continue;
    if (flag.name === 'H' || flag.name === 'header') {
      const colon = flag.value.indexOf(':');
      if (colon > 0) add(flag.value.slice(0, colon).trim(), flag.value.slice(colon + 1).trim());
    } else if (program === 'curl' && (flag.name === 'b' || flag.name === 'cookie') && flag.value.includes('=')) {
      add('cookie', flag.value);
    } else if ((program === 'curl' && (flag.name === 'A' || flag.name === 'user-agent')) || ((program === 'hey' || program === 'oha') && flag.name === 'U')
      || (program === 'wget' && (flag.name === 'U' || flag.name === 'user-agent'))) {
      add('user-agent', flag.value);
    }
  }
  return headers;
}

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
  const options = PROGRAM_OPTIONS[command.program];
  const parsed = options ? parseProgramArgs(command.argv.slice(1), options) : undefined;
  const hostHeader = parsed ? hostHeaderOf(command.program, parsed) : undefined;
  const headers = parsed ? headersOf(command.program, parsed) : new Map<string, string[]>();
  const agent = DEFAULT_USER_AGENTS[command.program];
  const defaultHeaders = new Map<string, string[]>(agent ? [['user-agent', [agent]]] : []);
  const urls: CommandUrl[] = [];
  const seen = new Set<string>();
  const add = (text: string, defaultScheme?: string) => {
    if (UNEVALUATED.test(authorityOf(text))) return;
    const url = parseUrl(text, defaultScheme);
    if (url && !seen.has(text)) {
      seen.add(text);
      urls.push({ url, program: command.program, hostHeader, headers, defaultHeaders });
    }
  };
  if (parsed) {
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
function hostHeaderOf(program: string, parsed: ProgramArgs): string | undefined {
  let host: string | undefined;
  for (const flag of parsed.flags) {
    if (flag.value === undefined) continue;
    if (flag.name === 'host' && (program === 'hey' || program === 'oha')) host = flag.value;
    const header = /^\s*host\s*:\s*(\S+)\s*$/i.exec(flag.value);
    if (header && (flag.name === 'H' || flag.name === 'header')) host = header[1];
  }
  return host?.replace(/:\d+$/, '').toLowerCase();
}

/** Every http(s) URL the script calls, in order. */
export function commandUrls(script: Script): CommandUrl[] {
  return commandsOf(script).flatMap(urlsOf);
}
