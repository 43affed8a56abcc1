/** What a CLI command may touch, so tests can run commands in-process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Standard input, chunk by chunk as it arrives. Read it through `lib/cli/inputs.ts`, which applies
   * the size limit; a command reads it at most once.
   */
  readonly stdin: () => AsyncIterable<Uint8Array | string>;
  /** Working directory that relative paths resolve against. */
  readonly cwd: string;
}

/** How standard input is named in messages and on findings. */
export const STDIN_NAME = '<stdin>';

/** Thrown for bad usage or unreadable input: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
/** Bad usage or bad input: a UsageError or an InputError, printed as one sentence. */
export const EXIT_USAGE = 2;
/** A bug in flagger-doctor: anything else thrown. */
export const EXIT_INTERNAL = 3;
