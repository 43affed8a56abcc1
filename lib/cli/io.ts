/** What a CLI command may touch, so tests can run commands in-process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>;
  /** Standard input as it arrives, for commands that stream it (explain); without it they read it whole. */
  readonly readStdinStream?: () => AsyncIterable<Uint8Array | string>;
  /** Working directory that relative paths resolve against. */
  readonly cwd: string;
}

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
export const EXIT_USAGE = 2;
