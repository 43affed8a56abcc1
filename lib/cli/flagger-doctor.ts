import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../doctor/input/read';
import { printable } from '../doctor/util/terminal';
import { CliIO, EXIT_INTERNAL, EXIT_USAGE, STDIN_NAME, UsageError } from './io';

/** A subcommand: parses its own arguments and returns the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

const USAGE = `Usage: flagger-doctor <command> [options]

Commands:
  lint [--format text|json] [--scrape-interval 15s] [--partial | --complete]
       [--assume-present KIND/NS/NAME]... [--assume-external-namespace NS]...
       [--rule ID=off|info|warning|error]... [--max-bytes 64Mi] PATH...
      Check Kubernetes manifests (files or folders, YAML or JSON) for Flagger
      and Istio mistakes before they reach a cluster.
  plan [--format text|json] [--scrape-interval 15s] [--max-bytes 64Mi] PATH...
      Print each Canary's weight schedule, promotion and rollback times.
  explain [--format text|json] [--manifests PATH]... [FILE...]
      Explain Flagger's logs or events (files, or standard input).

  help COMMAND, COMMAND --help, --version

Exit codes: 0 ok, 1 lint errors (plan: no Canary), 2 bad usage or unreadable input, 3 internal error.
`;

function commands(): Record<string, () => Command> {
  return {
    lint: () => require('./commands/lint').lintCommand,
    plan: () => require('./commands/plan').planCommand,
    explain: () => require('./commands/explain').explainCommand,
  };
}

/** This package's version, from the nearest package.json of this package (sources, build or bundle). */
function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (manifest.name === 'flagger-istio-cdk8s') return manifest.version;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Runs the CLI with `args` (without the node and script paths) and returns the exit code. */
export async function main(args: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = args;
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`flagger-doctor ${version()}\n`);
    return 0;
  }
  const command = commands()[name];
  if (!command) {
    io.stderr(`flagger-doctor: unknown command '${printable(name)}'.\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await command()(rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) {
      // One sentence and a pointer; the whole usage text would bury the error. The sentence may quote
      // input (a file name, a YAML error), so its control characters are shown, not obeyed.
      const sentence = error.message.split(/\n\nUsage:/)[0].trimEnd();
      const pointer = error.message.includes('\n\nUsage:') ? `\nRun 'flagger-doctor ${name} --help' for usage.` : '';
      io.stderr(`flagger-doctor ${name}: ${printable(sentence)}${pointer}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** The process entry point used by `bin/flagger-doctor.js`. */
export async function runCli(args: string[]): Promise<number> {
  // `flagger-doctor ... | head` closes the pipe early: stop writing, and still exit with the command's code.
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
  const io: CliIO = {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    stdin: () => {
      if (process.stdin.isTTY) {
        throw new UsageError('standard input is a terminal; pipe the input in, or name a file.');
      }
      // Node reads a folder on standard input (`< dir`) as empty; say what it is instead.
      if (fs.fstatSync(0).isDirectory()) throw new InputError(STDIN_NAME, 'cannot read: it is a folder.', undefined, 'EISDIR');
      // A stream, not readFileSync(0): a pipe may be non-blocking and fail with EAGAIN.
      return process.stdin;
    },
    cwd: process.cwd(),
  };
  try {
    return await main(args, io);
  } catch (error) {
    const detail = String((process.env.DEBUG ? (error as Error)?.stack : (error as Error)?.message) ?? error);
    // The message may quote input; each line of it is made printable, the stack keeps its lines.
    io.stderr(`flagger-doctor: internal error: ${detail.split('\n').map(printable).join('\n')}\nPlease report it with the command and input that caused it${process.env.DEBUG ? '' : ' (DEBUG=1 prints the stack)'}.\n`);
    return EXIT_INTERNAL;
  }
}
