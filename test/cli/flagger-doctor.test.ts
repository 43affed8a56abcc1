import { runDoctor } from '../support/cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runDoctor(args);
  return { code, stdout, stderr };
}

describe('flagger-doctor dispatch', () => {
  test('no command prints the usage to stderr and exits 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: flagger-doctor <command>/);
  });

  test('--version prints the package version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `flagger-doctor ${version}\n`, stderr: '' });
  });

  test.each(['lint', 'plan', 'explain'])('help %s prints that command\'s usage', async (command) => {
    const result = await run(['help', command]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: flagger-doctor ${command} `));
  });

  test('an unknown command is named, with the usage', async () => {
    const result = await run(['lnit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^flagger-doctor: unknown command 'lnit'\.\n\nUsage:/);
  });

  test.each([
    [['lint', '--bogus', '.'], "flagger-doctor lint: unknown option '--bogus'.\nRun 'flagger-doctor lint --help' for usage.\n"],
    [['plan', '--format'], "flagger-doctor plan: --format needs a value.\nRun 'flagger-doctor plan --help' for usage.\n"],
  ])('a usage error is one sentence and a pointer to --help: %j', async (args, stderr) => {
    const result = await run(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('one argument parser for every command', () => {
  const COMMANDS = ['lint', 'plan', 'explain'];
  const CASES: Array<[string[], string]> = [
    // A value written apart that starts with a dash is a missing value (as node:util parseArgs has it)...
    [['--format', '--json', 'x.yaml'], '--format needs a value.'],
    [['--format', '-j', 'x.yaml'], '--format needs a value.'],
    // ...and so is an empty one...
    [['--format=', 'x.yaml'], '--format needs a value.'],
    // ...while an attached value is taken as written.
    [['--format=-j', 'x.yaml'], "--format must be text or json, not '-j'."],
    [['--format', 'json', '--bogus=1', 'x.yaml'], "unknown option '--bogus=1'."],
    [['--help=yes'], "unknown option '--help=yes'."],
    [['-hx'], "unknown option '-hx'."],
  ];
  test.each(COMMANDS.flatMap((command) => CASES.map(([args, error]) => [command, args, error] as const)))('%s %j: %s', async (command, args, error) => {
    const result = await run([command, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`flagger-doctor ${command}: ${error}`);
  });

  test.each([['lint'], ['plan']])('%s: --scrape-interval followed by an option has no value', async (command) => {
    const result = await run([command, '--scrape-interval', '--format', 'json', 'x.yaml']);
    expect(result.stderr.split('\n')[0]).toBe(`flagger-doctor ${command}: --scrape-interval needs a value.`);
  });

  test.each(COMMANDS)('%s -h prints the usage, and -- ends the options', async (command) => {
    const help = await run([command, '-h']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: flagger-doctor ${command} `));
    const afterDashes = await run([command, '--', '--format']);
    expect(afterDashes.code).toBe(2);
    expect(afterDashes.stderr).toMatch(/--format: cannot read|cannot read --format/);
  });
});
