/** The load generators a webhook's command starts, and how long each one runs. */
import { parseGoDuration } from '../util/duration';
import { commandsOf, Script } from '../util/shell';
import { flagValue, LOAD_GENERATORS, parseProgramArgs, PROGRAM_OPTIONS } from './arguments';

/** A load generator's invocation and how long it runs. */
export interface LoadGenerator {
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

/** The load generators the script starts, of the programs whose options are known. */
export function loadGenerators(script: Script): LoadGenerator[] {
  const generators: LoadGenerator[] = [];
  for (const command of commandsOf(script)) {
    const options = PROGRAM_OPTIONS[command.program];
    if (!options || !LOAD_GENERATORS.has(command.program)) continue;
    const parsed = parseProgramArgs(command.argv.slice(1), options);
    const numberOf = (...names: string[]) => {
      const text = flagValue(parsed, ...names);
      const value = text === undefined ? undefined : Number(text);
      return value !== undefined && Number.isFinite(value) ? value : undefined;
    };
    if (command.program === 'wrk' || command.program === 'wrk2') {
      generators.push({
        program: command.program, durationText: flagValue(parsed, 'd', 'duration'), durationFlag: '-d',
        requests: Infinity, concurrency: numberOf('c', 'connections'), defaultDurationMs: 10_000,
      });
      continue;
    }
    generators.push({
      program: command.program,
      durationText: flagValue(parsed, 'z', 'duration'),
      durationFlag: '-z',
      requests: numberOf('n', 'total') ?? 200,
      concurrency: numberOf('c', 'concurrency') ?? 50,
      rate: numberOf('q', 'r', 'rps'),
    });
  }
  return generators;
}

/** The run time its duration flag gives, in milliseconds (Go syntax, as hey and ghz parse it). */
export function durationMsOf(generator: LoadGenerator): number | undefined {
  return generator.durationText === undefined ? undefined : parseGoDuration(generator.durationText);
}
