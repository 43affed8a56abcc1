import * as fs from 'fs';
import * as path from 'path';
import { runDoctor } from '../support/cli';

/**
 * The exact output of `flagger-doctor lint`, `plan` and `explain`, text and JSON, over every fixture the
 * tests use, compared with the golden files in test/fixtures/golden/. A change of any byte fails here: a
 * refactoring must keep them, a deliberate change rewrites them with
 *
 *   GOLDEN_UPDATE=1 npx jest test/cli/golden
 *
 * and says in its commit message why the output changed. The commands run with the repository root as
 * their working directory and relative paths, so no output depends on where the checkout lives.
 */
const ROOT = path.resolve(__dirname, '../..');
const GOLDEN_DIR = path.join(ROOT, 'test', 'fixtures', 'golden');
const UPDATE = process.env.GOLDEN_UPDATE === '1';

const LINT_FIXTURE = 'test/doctor/lint/fixtures/dist.yaml';
const REFERENCE = 'test/fixtures/reference/flagger-v1.44.0';
const EXPLAIN_FIXTURES = 'test/doctor/explain/fixtures';
const EXPLAIN_MANIFESTS = ['good', 'broken'].map((name) => `${EXPLAIN_FIXTURES}/manifests/${name}`);

function filesIn(folder: string, pattern: RegExp): string[] {
  return fs.readdirSync(path.join(ROOT, folder)).filter((name) => pattern.test(name)).sort().map((name) => `${folder}/${name}`);
}

/** Manifest inputs of lint and plan: files and folders, as the tests give them. */
const MANIFEST_INPUTS: readonly string[] = [LINT_FIXTURE, REFERENCE, ...filesIn(REFERENCE, /\.yaml$/), ...EXPLAIN_MANIFESTS];

const LOGS = filesIn(EXPLAIN_FIXTURES, /\.(jsonl|txt)$/);
const logName = (file: string) => path.basename(file).replace(/\.(jsonl|txt)$/, '');
/** Log inputs of explain: each file alone, and the files the tests read together. */
const LOG_INPUTS: ReadonlyArray<{ readonly name: string; readonly files: readonly string[] }> = [
  ...LOGS.map((file) => ({ name: logName(file), files: [file] })),
  { name: 'wrong-cmd-url.all', files: LOGS.filter((file) => logName(file).startsWith('wrong-cmd-url.')) },
  { name: 'tutorial-failed-run.all', files: LOGS.filter((file) => logName(file).startsWith('tutorial-failed-run')) },
];

interface Case {
  /** Path of the golden file below test/fixtures/golden, without `.txt`. */
  readonly name: string;
  readonly args: string[];
}

const CASES: Case[] = [];
for (const format of ['text', 'json']) {
  for (const command of ['lint', 'plan']) {
    for (const input of MANIFEST_INPUTS) {
      CASES.push({ name: `${command}/${path.basename(input)}.${format}`, args: [command, '--format', format, input] });
    }
  }
  for (const { name, files } of LOG_INPUTS) {
    CASES.push({ name: `explain/${name}.${format}`, args: ['explain', '--format', format, ...files] });
    for (const manifests of EXPLAIN_MANIFESTS) {
      CASES.push({
        name: `explain/${name}.manifests-${path.basename(manifests)}.${format}`,
        args: ['explain', '--format', format, '--manifests', manifests, ...files],
      });
    }
  }
}

async function render(args: string[]): Promise<string> {
  const result = await runDoctor(args, { cwd: ROOT });
  return `$ flagger-doctor ${args.join(' ')}\nexit code: ${result.code}\n--- stderr\n${result.stderr}--- stdout\n${result.stdout}`;
}

describe('golden outputs of flagger-doctor over the test fixtures', () => {
  test.each(CASES.map((c) => [c.name, c]))('%s', async (_name, c) => {
    const { name, args } = c as Case;
    const file = path.join(GOLDEN_DIR, `${name}.txt`);
    const actual = await render(args);
    if (UPDATE) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, actual);
    }
    expect(actual).toBe(fs.readFileSync(file, 'utf8'));
  });

  test('every golden file belongs to a case (runs last: in update mode it removes the others)', () => {
    const expected = new Set(CASES.map((c) => `${c.name}.txt`));
    const present = () => fs.readdirSync(GOLDEN_DIR, { recursive: true, encoding: 'utf8' })
      .filter((file) => fs.statSync(path.join(GOLDEN_DIR, file)).isFile()).map((file) => file.split(path.sep).join('/'));
    if (UPDATE) {
      for (const file of present()) if (!expected.has(file)) fs.rmSync(path.join(GOLDEN_DIR, file));
    }
    expect(present().sort()).toEqual([...expected].sort());
  });
});
