import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { formatFinding, formatSummary } from '../../lib/cli/format/finding';
import { formatPlan } from '../../lib/cli/format/plan';
import { parseManifests } from '../../lib/doctor/input/manifests';
import { lint } from '../../lib/doctor/lint/engine';
import { Finding } from '../../lib/doctor/lint/rule';
import { planCanaries } from '../../lib/doctor/plan/plan';
import { CanaryPlan } from '../../lib/doctor/plan/types';
import { hasControlCharacters } from '../../lib/doctor/util/terminal';
import { runDoctor } from '../support/cli';
import { REFERENCE_DIR } from '../support/reference';

/**
 * Text from input that would act on a terminal: a colour, an OSC 8 hyperlink and an OSC 0 title (both
 * ended by BEL), a bell, a carriage return, a line that forges lint's summary, a C1 CSI that clears the
 * screen, and a right-to-left override.
 */
const HOSTILE = '\u001b[31mred\u001b]8;;http://evil.example/\u0007link\u001b]8;;\u0007\u001b]0;pwned\u0007\u0007\rCR\n0 errors, 0 warnings in 1 object from 1 file\n\u009b2J\u202e';

/** Every line of `text` is free of control characters: the only line breaks are the formatter's own. */
function expectTerminalSafe(text: string): void {
  for (const line of text.split('\n')) expect(hasControlCharacters(line) ? line : '').toBe('');
}

describe('lint findings as text', () => {
  const finding: Finding = {
    severity: 'error', rule: 'webhook-url-unresolved', kind: 'Canary', namespace: 'test', name: 'podinfo',
    file: 'canary.yaml', message: 'webhook "load-test" URL http://x/ names nothing.', hint: 'fix the URL.',
  };
  // `severity` is the engine's own word (error, warning, info); every other field can hold input.
  const textFields = (Object.keys(finding) as Array<keyof Finding>).filter((field) => field !== 'severity');

  test.each(textFields)('%s: control characters are escaped, and the finding stays two lines', (field) => {
    // GIVEN a finding whose field holds hostile text
    const hostile = { ...finding, [field]: `a${HOSTILE}b` };

    // WHEN formatted
    const text = formatFinding(hostile);

    // THEN the text is visible as escapes, nothing acts on the terminal, and no line is added
    expect(text).toContain('\\x1b]8;;http://evil.example/\\x07link');
    expect(text).toContain('\\n0 errors, 0 warnings in 1 object from 1 file\\n\\u009b2J\\u202e');
    expectTerminalSafe(text);
    expect(text.split('\n')).toHaveLength(3);
    expect(text.split('\n')[1]).toMatch(/^ {4}hint: /);
  });

  test('a finding without control characters is printed as it is', () => {
    expect(formatFinding(finding)).toBe('canary.yaml: Canary/test/podinfo: error webhook-url-unresolved: webhook "load-test" URL http://x/ names nothing.\n    hint: fix the URL.\n');
    expect(formatSummary([finding], 3, 1)).toBe('1 error, 0 warnings in 3 objects from 1 file\n');
  });
});

describe('plans as text', () => {
  /** A plan with settings, steps, load tests, metric checks and messages. */
  function richPlan(): CanaryPlan {
    const folder = REFERENCE_DIR;
    const objects = fs.readdirSync(folder).filter((file) => file.endsWith('.yaml')).sort()
      .flatMap((file) => parseManifests(fs.readFileSync(path.join(folder, file), 'utf8'), file));
    const [plan] = planCanaries(objects);
    expect(plan.loadTests.length).toBeGreaterThan(0);
    expect(plan.metrics.some((metric) => metric.checks.length > 0)).toBe(true);
    return { ...plan, messages: [...plan.messages, { severity: 'warning', message: 'a message' }] };
  }

  /** `value` with every string in it replaced by `replace(string)`. */
  function mapStrings(value: unknown, replace: (text: string) => string): unknown {
    if (typeof value === 'string') return replace(value);
    if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, replace)]));
    return value;
  }

  test('every string of a plan is escaped, whatever field it is in', () => {
    // GIVEN a plan in which every string, in every field, carries hostile text
    const hostile = mapStrings(richPlan(), (text) => `${text}${HOSTILE}`) as CanaryPlan;

    // WHEN formatted
    const text = formatPlan(hostile);

    // THEN nothing acts on the terminal, and the hostile text shows as escapes where it is printed
    expectTerminalSafe(text);
    expect(text.split('\n')[0]).toMatch(/^Canary test\\x1b\[31mred.*\/podinfo\\x1b\[31mred/);
    expect(text).toMatch(/hey -z 1m .*\\x1b\]0;pwned\\x07/);
    expect(text).toMatch(/: a\s+message\\x1b\[31mred/);
  });
});

describe('flagger-doctor lint and plan over hostile manifests', () => {
  let dir: string;
  /** The tutorial with hostile text in its namespace, names, webhook names, URLs, commands and metric names, in a file whose name is hostile too. */
  let file: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-hostile-'));
    const objects = fs.readdirSync(REFERENCE_DIR).filter((name) => name.endsWith('.yaml')).sort()
      .flatMap((name) => YAML.parseAllDocuments(fs.readFileSync(path.join(REFERENCE_DIR, name), 'utf8')).map((document) => document.toJS()));
    objects.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', labels: { 'istio-injection': 'enabled' } } });
    const hostile = JSON.parse(JSON.stringify(objects)
      .replace(/\btest\b/g, `te${JSON.stringify(HOSTILE).slice(1, -1)}st`)
      .replace(/"(load-test|acceptance-test|request-success-rate|request-duration)"/g, (_match, name) => `"${name}${JSON.stringify(HOSTILE).slice(1, -1)}"`)
      .replace(/podinfo-canary/g, `podinfo-canary\\u001b]8;;http://evil/\\u0007`));
    file = `canary\u001b[2J\n0 errors.yaml`;
    fs.writeFileSync(path.join(dir, file), hostile.map((object: unknown) => YAML.stringify(object)).join('---\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('lint --format text: findings quote the input with escapes; the summary is the last line and the only one', async () => {
    const result = await runDoctor(['lint', file], { cwd: dir });

    expect(result.stderr).toBe('');
    expectTerminalSafe(result.stdout);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^canary\\x1b\[2J\\n0 errors\.yaml: Canary\/.+: (error|warning|note) [a-z-]+: |^ {4}hint: /);
    expect(lines.filter((line) => /^\d+ errors?, /.test(line))).toEqual([lines[lines.length - 1]]);
    expect(result.stdout).toContain('\\x1b]0;pwned\\x07');
  });

  test('lint --format json is exactly the engine\'s findings as JSON, with the hostile text in its JSON escapes', async () => {
    const result = await runDoctor(['lint', '--format', 'json', file], { cwd: dir });

    const objects = parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    expect(result.stdout).toBe(`${JSON.stringify(lint(objects), null, 2)}\n`);
    expect(JSON.parse(result.stdout).some((finding: Finding) => finding.namespace.includes(HOSTILE))).toBe(true);
  });

  test('plan --format text: every line is free of control characters', async () => {
    const result = await runDoctor(['plan', file], { cwd: dir });

    expect(result.code).toBe(0);
    expectTerminalSafe(result.stdout);
    expect(result.stdout.split('\n')[0]).toMatch(/^Canary te\\x1b\[31mred.*st\/podinfo \(canary\\x1b\[2J\\n0 errors\.yaml:\d+\)$/);
  });

  test('plan --format json is exactly the engine\'s plans as JSON', async () => {
    const result = await runDoctor(['plan', '--format', 'json', file], { cwd: dir });

    const objects = parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    expect(result.stdout).toBe(`${JSON.stringify(planCanaries(objects), null, 2)}\n`);
  });

  test.each([
    ['a file that does not parse', `bad\u001b]0;x\u0007.yaml`, 'kind: A\n metadata: 1\n', /^flagger-doctor lint: bad\\x1b\]0;x\\x07\.yaml:1: invalid YAML: /],
    ['a document without a kind', `nokind\r.yaml`, 'metadata: {name: a}\n', /^flagger-doctor lint: nokind\\r\.yaml:1: document 1 \(line 1\) has no kind/],
    ['a repeated key, quoted in the message', 'dup.yaml', `kind: A\n"a\\e[2J\\u009b": 1\n"a\\e[2J\\u009b": 2\n`, /the key "a\\u001b\[2J\\u009b" appears twice/],
    ['an alias without an anchor, named in the message', 'alias.yaml', 'kind: A\nx: *a\u202eb\n', /the alias \*a\\u202eb has no anchor/],
  ])('an error about %s shows the input with escapes', async (_name, name, content, message) => {
    fs.writeFileSync(path.join(dir, name), content);

    const result = await runDoctor(['lint', name], { cwd: dir });

    expect(result.code).toBe(2);
    expectTerminalSafe(result.stderr);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a hostile path that does not exist, a hostile option value and a hostile command name are escaped', async () => {
    const missing = await runDoctor(['lint', `gone\u001b[2J.yaml`], { cwd: dir });
    const format = await runDoctor(['plan', '--format', `x\u0007\n`, 'a.yaml'], { cwd: dir });
    const command = await runDoctor([`li\u001bnt`], { cwd: dir });

    for (const result of [missing, format, command]) {
      expect(result.code).toBe(2);
      expectTerminalSafe(result.stderr);
    }
    expect(missing.stderr).toBe('flagger-doctor lint: gone\\x1b[2J.yaml: cannot read: no such file or folder.\n');
    expect(format.stderr).toContain("--format must be text or json, not 'x\\x07\\n'.");
    expect(command.stderr).toContain("unknown command 'li\\x1bnt'");
  });
});
