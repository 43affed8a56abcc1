import { main } from '../../lib/cli/flagger-doctor';
import { CliIO } from '../../lib/cli/io';

/** What one in-process run of `flagger-doctor` printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Each piece handed to stdout, in order. */
  readonly writes: readonly string[];
  /** How often the command read standard input. */
  readonly stdinReads: number;
}

/** Standard input as a pipe delivers it: the text in chunks of bytes (64 KiB, as Node reads a pipe). */
async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += 65536) yield bytes.subarray(start, start + 65536);
}

/**
 * Runs `flagger-doctor ARGS` in this process with a fake terminal. Reading standard input when the
 * test gave none fails the run, so a command cannot wait on input by accident.
 */
export async function runDoctor(args: string[], options: { readonly cwd?: string; readonly stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let stdinReads = 0;
  const writes: string[] = [];
  const io: CliIO = {
    stdout: (text) => { stdout += text; writes.push(text); },
    stderr: (text) => { stderr += text; },
    stdin: () => {
      stdinReads++;
      if (options.stdin === undefined) throw new Error('stdin was read but the test gave none');
      return chunksOf(options.stdin);
    },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr, writes, stdinReads };
}
