import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { runDoctor } from '../support/cli';

/**
 * The explain field corpus (test/fixtures/field/explain/): logs and events that users pasted in public
 * reports, each with the root cause its thread established. Every case runs `flagger-doctor explain` as a
 * user would (the pasted file, and `--manifests` when the case has them) and checks what the text output
 * says: the leading problem of the named canary, what its diagnosis mentions, what the output must not
 * say anywhere, and the verdict. The score is printed per format, per failure family and per provider.
 */
const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'field', 'explain');

interface FieldCase {
  readonly name: string;
  readonly title: string;
  readonly provider: string;
  readonly format: string;
  readonly family: string;
  readonly input: string;
  readonly manifests?: string;
  readonly expect: {
    readonly canary: string;
    readonly problem: string;
    readonly mentions: readonly string[];
    readonly notMentions: readonly string[];
    readonly verdict?: string;
  };
}

function loadCases(): FieldCase[] {
  return fs.readdirSync(CORPUS)
    .filter((name) => fs.existsSync(path.join(CORPUS, name, 'case.yaml')))
    .sort()
    .map((name) => ({ name, ...YAML.parse(fs.readFileSync(path.join(CORPUS, name, 'case.yaml'), 'utf8')) }));
}

/** One problem block of the text output: its id and its text without the quoted input lines. */
interface ProblemBlock {
  readonly id: string;
  readonly text: string;
}

interface Section {
  readonly verdict?: string;
  readonly problems: ProblemBlock[];
}

const VERDICT_LABELS: Record<string, string> = {
  'PROMOTED': 'promoted',
  'ROLLED BACK': 'rolled-back',
  'PROMOTION FAILED': 'promotion-failed',
  'WAITING FOR APPROVAL': 'waiting',
  'STALLED': 'stalled',
  'STILL PROGRESSING': 'progressing',
  'INITIALIZED': 'initialized',
  'UNKNOWN': 'unknown',
};

/**
 * Reads the sections of explain's text output: `Canary <namespace>/<name>` (or `Canary <name> (namespace
 * unknown)`) per canary, and `Flagger (not about one canary)`, keyed `name.namespace`, `name` or `general`.
 */
function sectionsOf(stdout: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: { verdict?: string; problems: Array<{ id: string; lines: string[] }> } | undefined;
  let problem: { id: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    const canary = /^Canary (?:([^/\s]+)\/(\S+)|(\S+) \(namespace unknown\))$/.exec(line);
    if (canary || line === 'Flagger (not about one canary)') {
      current = { problems: [] };
      problem = undefined;
      const key = !canary ? 'general' : canary[3] ?? `${canary[2]}.${canary[1]}`;
      sections.set(key, current as unknown as Section);
      continue;
    }
    if (!current) continue;
    const verdict = /^ {2}Verdict: ([A-Z ]+)\./.exec(line);
    if (verdict) current.verdict = VERDICT_LABELS[verdict[1]] ?? verdict[1];
    if (/^ {2}Problem \d+ of \d+: /.test(line)) {
      problem = { id: '', lines: [line] };
      current.problems.push(problem);
      continue;
    }
    if (!problem) continue;
    if (/^\S/.test(line) || /^ {2}\S/.test(line)) {
      problem = undefined;
      continue;
    }
    const id = /^ {4}\[([a-z0-9-]+)\] seen /.exec(line);
    if (id && problem.id === '') problem.id = id[1];
    // The quoted input line is what the user pasted, not what explain says about it.
    if (!line.startsWith('    > ')) problem.lines.push(line);
  }
  for (const [key, section] of sections) {
    const raw = section as unknown as { verdict?: string; problems: Array<{ id: string; lines: string[] }> };
    sections.set(key, {
      ...(raw.verdict ? { verdict: raw.verdict } : {}),
      problems: raw.problems.map((p) => ({ id: p.id, text: p.lines.map((l) => l.trim()).join('\n') })),
    });
  }
  return sections;
}

/** Why a case fails, or an empty list when it passes. */
function judge(c: FieldCase, stdout: string): string[] {
  const failures: string[] = [];
  const section = sectionsOf(stdout).get(c.expect.canary);
  if (!section) return [`no section for ${c.expect.canary} in the output`];
  const leading = section.problems[0];
  if (leading?.id !== c.expect.problem) failures.push(`leading problem ${leading?.id ?? 'none'}, expected ${c.expect.problem}`);
  const text = section.problems.find((p) => p.id === c.expect.problem)?.text ?? '';
  for (const pattern of c.expect.mentions) {
    if (!new RegExp(pattern).test(text)) failures.push(`its diagnosis does not mention /${pattern}/`);
  }
  for (const pattern of c.expect.notMentions) {
    if (new RegExp(pattern).test(stdout)) failures.push(`the output mentions /${pattern}/`);
  }
  if (c.expect.verdict && section.verdict !== c.expect.verdict) failures.push(`verdict ${section.verdict ?? 'none'}, expected ${c.expect.verdict}`);
  return failures;
}

const cases = loadCases();
const results = new Map<string, string[]>();

async function runCase(c: FieldCase): Promise<{ stdout: string; failures: string[] }> {
  const dir = path.relative(ROOT, path.join(CORPUS, c.name));
  const args = ['explain', ...(c.manifests ? ['--manifests', `${dir}/${c.manifests}`] : []), `${dir}/${c.input}`];
  const result = await runDoctor(args, { cwd: ROOT });
  expect(result.code).toBe(0);
  return { stdout: result.stdout, failures: judge(c, result.stdout) };
}

describe('the explain field corpus', () => {
  test('has at least 50 cases, each with its sources and a known format, family and provider', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const c of cases) {
      expect([c.name, c.title && c.provider && c.format && c.family && c.input ? 'complete' : 'incomplete']).toEqual([c.name, 'complete']);
      expect(fs.existsSync(path.join(CORPUS, c.name, c.input))).toBe(true);
    }
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { failures } = await runCase(c);
    results.set(c.name, failures);
    expect(failures).toEqual([]);
  });

  afterAll(() => {
    if (results.size === 0) return;
    const lines = [`explain field corpus: ${[...results.values()].filter((f) => f.length === 0).length} of ${results.size} cases pass`];
    for (const dimension of ['format', 'family', 'provider'] as const) {
      const groups = new Map<string, { pass: number; total: number }>();
      for (const c of cases) {
        const failures = results.get(c.name);
        if (!failures) continue;
        const group = groups.get(c[dimension]) ?? { pass: 0, total: 0 };
        group.total++;
        if (failures.length === 0) group.pass++;
        groups.set(c[dimension], group);
      }
      lines.push(`  by ${dimension}: ${[...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => `${key} ${g.pass}/${g.total}`).join(', ')}`);
    }
    for (const [name, failures] of results) if (failures.length > 0) lines.push(`  FAIL ${name}: ${failures.join('; ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.env.FIELD_SCORE_FILE) fs.writeFileSync(process.env.FIELD_SCORE_FILE, `${lines.join('\n')}\n`);
  });
});
