/**
 * Reads `hey` load tests out of a webhook's shell command, flag by flag the way hey's Go `flag`
 * package does, with hey's defaults.
 */
import { parseGoDuration } from '../util/duration';
import { GoFlagSet, parseGoFlags } from '../util/go-flags';
import { parseShell } from '../util/shell';

/** A hey invocation found in a shell command. */
export interface HeyInvocation {
  readonly command: string;
  readonly url?: string;
  readonly concurrency: number;
  readonly ratePerWorker?: number;
  readonly durationMs?: number;
  readonly totalRequests?: number;
  readonly error?: string;
}

/** hey's flags (rakyll/hey, hey.go), the one list both the plan and lint read hey with. */
export const HEY_FLAGS: Required<GoFlagSet> = {
  booleans: new Set(['h2', 'disable-compression', 'disable-keepalive', 'disable-redirects']),
  values: new Set(['m', 'h', 'H', 'd', 'D', 'A', 'T', 'a', 'host', 'U', 'o', 'c', 'n', 'q', 't', 'z', 'x', 'cpus']),
};

/**
 * Finds the `hey` invocations in a shell command line and reads their flags the way hey's Go `flag`
 * package does (`-c 2`, `-c=2`, `--c 2`; flags end at the first argument that is not one).
 * Defaults are hey's: `-c 50`, `-n 200`, `-q 0` (no limit), no `-z`.
 */
export function parseHeyCommands(commandLine: string): HeyInvocation[] {
  const invocations: HeyInvocation[] = [];
  for (const { argv, program } of parseShell(commandLine)) {
    if (program === 'hey') invocations.push(parseHeyArguments(argv));
  }
  return invocations;
}

function parseHeyArguments(words: readonly string[]): HeyInvocation {
  const flags = parseGoFlags(words.slice(1), HEY_FLAGS);
  const values = Object.fromEntries(flags.values) as Partial<Record<string, string>>;
  const url: string | undefined = flags.args[0];
  let error = flags.error && (flags.error.reason === 'unknown'
    ? `hey does not know the flag -${flags.error.flag} and exits with its usage.`
    : `flag -${flags.error.flag} has no value; hey exits with its usage.`);
  const command = words.join(' ');
  const concurrency = values.c !== undefined ? Number(values.c) : 50;
  const total = values.n !== undefined ? Number(values.n) : 200;
  const rate = values.q !== undefined ? Number(values.q) : 0;
  const durationMs = values.z !== undefined ? parseGoDuration(values.z) : 0;
  if (!error) {
    if (!Number.isInteger(concurrency)) error = `-c ${values.c} is not an integer; hey exits with its usage.`;
    else if (!Number.isInteger(total)) error = `-n ${values.n} is not an integer; hey exits with its usage.`;
    else if (!Number.isFinite(rate)) error = `-q ${values.q} is not a number; hey exits with its usage.`;
    else if (durationMs === undefined) error = `-z ${values.z} is not a Go duration; hey exits with its usage.`;
    else if (concurrency < 1) error = '-c is smaller than 1; hey exits with its usage.';
    else if (durationMs <= 0 && total < 1) error = '-n is smaller than 1; hey exits with its usage.';
    else if (durationMs <= 0 && total < concurrency) error = `-n ${total} is less than -c ${concurrency}; hey exits with its usage.`;
    else if (url === undefined) error = 'there is no URL; hey exits with its usage.';
  }
  const timed = durationMs !== undefined && durationMs > 0;
  return {
    command,
    ...(url !== undefined ? { url } : {}),
    concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 0,
    ...(rate > 0 ? { ratePerWorker: rate } : {}),
    ...(timed ? { durationMs } : {}),
    // hey gives each of the c workers n / c requests (integer division) and ignores -n with -z.
    ...(!timed && Number.isInteger(concurrency) && concurrency > 0 ? { totalRequests: Math.floor(total / concurrency) * concurrency } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}
