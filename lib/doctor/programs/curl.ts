/** The curl calls of a webhook's command, and whether an HTTP error would make the command fail. */
import { commandsOf, Script, SimpleCommand } from '../util/shell';
import { CURL, parseProgramArgs } from './arguments';

/** A curl call and whether its exit status reflects the HTTP status. */
export interface CurlCall {
  /** The curl words, for the message. */
  readonly text: string;
  /** `-f`, `--fail` or `--fail-with-body` is set, so HTTP errors make curl exit non-zero. */
  readonly failsOnHttpError: boolean;
  /** A later command checks the output (grep, test, jq -e, ...). */
  readonly checked: boolean;
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
    const parsed = parseProgramArgs(command.argv.slice(1), CURL);
    const failsOnHttpError = parsed.flags.some((flag) => flag.name === 'f' || flag.name === 'fail' || flag.name === 'fail-with-body');
    const checked = commands.slice(index + 1).some(isChecker);
    calls.push({ text: command.argv.join(' '), failsOnHttpError, checked });
  });
  return calls;
}
