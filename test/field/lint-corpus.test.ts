/**
 * The field corpus of `flagger-doctor lint`: real Flagger setups (Flagger's docs, examples and e2e
 * tests, the gitops-istio repository, configurations from Flagger's issues), each a folder under
 * test/fixtures/field/lint/<case>/ with `case.yaml` (what is known about it and what lint must say)
 * and `manifests/`. Every case runs the CLI as a user would:
 *
 *   flagger-doctor lint --format json <case>/manifests [args of the case]
 *
 * and its expectations are asserted: `errors` must each be reported as an error, `notErrors` must not
 * be, and `noErrors: true` allows no error at all. The score (cases passing / total, per provider) is
 * printed at the end; docs/lint.md states it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { runDoctor } from '../support/cli';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.join('test', 'fixtures', 'field', 'lint');

interface FieldCase {
  readonly name: string;
  readonly title: string;
  readonly provider: string;
  readonly sources: readonly string[];
  readonly facts: string;
  readonly works: boolean;
  readonly args: readonly string[];
  readonly errors: readonly string[];
  readonly notErrors: readonly string[];
  readonly noErrors: boolean;
}

function strings(value: unknown, field: string, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new Error(`${name}/case.yaml: ${field} must be a list of strings.`);
  return value;
}

function readCase(name: string): FieldCase {
  const data = YAML.parse(fs.readFileSync(path.join(ROOT, CORPUS, name, 'case.yaml'), 'utf8'));
  const expect = data.expect ?? {};
  for (const field of ['title', 'provider', 'facts']) {
    if (typeof data[field] !== 'string' || data[field].trim() === '') throw new Error(`${name}/case.yaml: ${field} is required.`);
  }
  if (typeof data.works !== 'boolean') throw new Error(`${name}/case.yaml: works must be true or false.`);
  return {
    name,
    title: data.title,
    provider: data.provider,
    sources: strings(data.sources, 'sources', name),
    facts: data.facts,
    works: data.works,
    args: strings(data.args, 'args', name),
    errors: strings(expect.errors, 'expect.errors', name),
    notErrors: strings(expect.notErrors, 'expect.notErrors', name),
    noErrors: expect.noErrors === true,
  };
}

const CASES: readonly FieldCase[] = fs.readdirSync(path.join(ROOT, CORPUS), { withFileTypes: true })
  .filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort().map(readCase);

interface JsonFinding {
  readonly severity: string;
  readonly rule: string;
  readonly message: string;
}

/** What a case's findings miss of its expectations; empty when it passes. */
function failuresOf(fieldCase: FieldCase, findings: readonly JsonFinding[]): string[] {
  const errors = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule));
  const failures: string[] = [];
  for (const rule of fieldCase.errors) if (!errors.has(rule)) failures.push(`expected error ${rule}`);
  for (const rule of fieldCase.notErrors) if (errors.has(rule)) failures.push(`unexpected error ${rule}`);
  if (fieldCase.noErrors) {
    for (const f of findings.filter((finding) => finding.severity === 'error' && !fieldCase.notErrors.includes(finding.rule))) {
      failures.push(`unexpected error ${f.rule}: ${f.message}`);
    }
  }
  return failures;
}

const results = new Map<string, boolean>();

/** How docs/lint.md names each provider of the cases. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  istio: 'Istio', kubernetes: 'kubernetes', gatewayapi: 'Gateway API', gloo: 'Gloo', linkerd: 'Linkerd', nginx: 'NGINX', contour: 'Contour',
  traefik: 'Traefik', apisix: 'APISIX', skipper: 'Skipper', kuma: 'Kuma', appmesh: 'App Mesh', knative: 'Knative',
};

describe('field corpus of flagger-doctor lint', () => {
  test('the corpus is the size docs/lint.md states, across providers', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'lint.md'), 'utf8');
    expect(docs).toContain(`${CASES.length} setups`);
    expect(new Set(CASES.map((c) => c.provider)).size).toBeGreaterThanOrEqual(8);
  });

  test('every case that does not work expects at least one error, and every case that works expects none', () => {
    for (const fieldCase of CASES) {
      if (fieldCase.works) expect({ name: fieldCase.name, errors: fieldCase.errors }).toEqual({ name: fieldCase.name, errors: [] });
      else expect({ name: fieldCase.name, expectsError: fieldCase.errors.length > 0 }).toEqual({ name: fieldCase.name, expectsError: true });
    }
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, fieldCase) => {
    const result = await runDoctor(['lint', '--format', 'json', path.join(CORPUS, fieldCase.name, 'manifests'), ...fieldCase.args], { cwd: ROOT });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    const failures = failuresOf(fieldCase, findings);
    results.set(fieldCase.name, failures.length === 0);
    expect(failures).toEqual([]);
    expect(result.code).toBe(findings.some((f) => f.severity === 'error') ? 1 : 0);
  });

  test('docs/lint.md states the score of every provider', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'lint.md'), 'utf8');
    const byProvider = new Map<string, { passed: number; total: number }>();
    for (const fieldCase of CASES) {
      const score = byProvider.get(fieldCase.provider) ?? { passed: 0, total: 0 };
      score.total++;
      if (results.get(fieldCase.name)) score.passed++;
      byProvider.set(fieldCase.provider, score);
    }
    for (const [provider, score] of byProvider) {
      expect({ provider, row: docs.includes(`| ${PROVIDER_NAMES[provider] ?? provider} | ${score.total} | ${score.passed} |`) }).toEqual({ provider, row: true });
    }
    const passed = CASES.filter((c) => results.get(c.name)).length;
    expect(docs).toContain(`| **all** | **${CASES.length}** | **${passed}** |`);
  });

  afterAll(() => {
    if (results.size !== CASES.length) return;
    const byProvider = new Map<string, { passed: number; total: number }>();
    for (const fieldCase of CASES) {
      const score = byProvider.get(fieldCase.provider) ?? { passed: 0, total: 0 };
      score.total++;
      if (results.get(fieldCase.name)) score.passed++;
      byProvider.set(fieldCase.provider, score);
    }
    const passed = [...results.values()].filter(Boolean).length;
    const lines = [...byProvider.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([provider, s]) => `  ${provider}: ${s.passed}/${s.total}`);
    // eslint-disable-next-line no-console
    console.log(`field corpus score: ${passed}/${CASES.length} cases\n${lines.join('\n')}`);
  });
});
