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
