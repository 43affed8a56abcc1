import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import { parse } from 'yaml';
import { FlaggerDoctorValidation } from '../lib/cdk8s-validation';
import { RULES } from '../lib/doctor';
import { runDoctor } from './support/cli';
import { PROJECT_ROOT } from './support/project-copy';

/**
 * The README and docs/ are kept true by running what they show: the TypeScript examples (importing
 * this package's entries from the sources), the cdk8s.yaml snippets, the generated rule table, the
 * commands of this project they name, and their links.
 */
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
const { withRuleTable } = require('../scripts/docs.js') as { withRuleTable: (text: string, rules: typeof RULES) => string };

const DOC_FILES = ['README.md', ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((file) => file.endsWith('.md')).sort().map((file) => `docs/${file}`)];
const docs = DOC_FILES.map((file) => ({ file, text: fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8') }));

/** Pages another change of issue 9 adds; a link to one is not broken while that change is not merged. */
const PENDING_PAGES = new Set(['docs/contributing-layout.md']);

function blocks(languages: readonly string[]): { file: string; index: number; code: string }[] {
  return docs.flatMap(({ file, text }) => [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)]
    .filter((match) => languages.includes(match[1]))
    .map((match, index) => ({ file, index: index + 1, code: match[2] })));
}

/** Each package entry (`flagger-istio-cdk8s`, `flagger-istio-cdk8s/doctor`, ...) mapped to its TypeScript source. */
const ENTRY_SOURCES: Record<string, string> = Object.fromEntries(Object.entries(pkg.exports as Record<string, string | { default: string }>)
  .filter(([, target]) => typeof target !== 'string')
  .map(([entry, target]) => [
    path.posix.join(pkg.name, entry),
    path.join(PROJECT_ROOT, (target as { default: string }).default.replace(/^\.\/build\//, '').replace(/\.js$/, '')),
  ]));

describe('TypeScript examples', () => {
  const examples = blocks(['ts', 'typescript']);

  test('the README and docs/ have examples, one of them in the README', () => {
    expect(examples.filter((example) => example.file === 'README.md').length).toBeGreaterThanOrEqual(1);
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  test.each(examples.map((example) => [example.file, example.index, example.code]))('%s example %i runs', (_file, _index, code) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
    const source = String(code).replace(/from '([^']+)'/g, (whole, specifier: string) => (ENTRY_SOURCES[specifier] ? `from ${JSON.stringify(ENTRY_SOURCES[specifier])}` : whole));
    expect(source).not.toContain(`from '${pkg.name}`);
    const { code: javascript } = transformSync(source, { loader: 'ts', format: 'cjs' });
    const printed: unknown[][] = [];
    const quiet = { ...console, log: (...args: unknown[]) => printed.push(args) };
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line no-new-func
      new Function('require', 'console', javascript)(require, quiet);
      if (String(code).includes('app.synth()')) {
        expect(fs.readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
      } else {
        expect(printed.length).toBeGreaterThan(0);
      }
    } finally {
      process.env.CDK8S_OUTDIR = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('cdk8s.yaml snippets', () => {
  const snippets = blocks(['yaml']).filter((block) => block.code.includes('class: FlaggerDoctorValidation'));

  test('the README has one', () => {
    expect(snippets.some((snippet) => snippet.file === 'README.md')).toBe(true);
  });

  test.each(snippets.map((snippet) => [snippet.file, snippet.index, snippet.code]))('%s snippet %i loads the installed package at its version with valid properties', (_file, _index, code) => {
    const entries = (parse(String(code)).validations as Record<string, unknown>[]).filter((entry) => entry.class === 'FlaggerDoctorValidation');
    expect(entries.length).toBe(1);
    for (const entry of entries) {
      expect(entry.package).toBe(`./node_modules/${pkg.name}`);
      expect(String(entry.version)).toBe(pkg.version);
      expect(() => new FlaggerDoctorValidation((entry.properties ?? {}) as never)).not.toThrow();
    }
  });

  test('every tarball name in the docs has the package version', () => {
    const names = docs.flatMap(({ text }) => [...text.matchAll(new RegExp(`${pkg.name}-(\\d[\\w.-]*?)\\.tgz`, 'g'))].map((match) => match[1]));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([pkg.version]));
  });
});

describe('docs/lint.md', () => {
  test('its rule table is the one `npm run docs` generates from the rules', () => {
    const lintDoc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'lint.md'), 'utf8');
    if (withRuleTable(lintDoc, RULES) !== lintDoc) {
      throw new Error('The rule table of docs/lint.md is stale: run `npm run docs` and commit docs/lint.md.');
    }
  });

  test.each(RULES.map((rule) => [rule.id, rule.severity]))('lists %s as %s', (id, severity) => {
    const lintDoc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'lint.md'), 'utf8');
    expect(lintDoc.split('\n').find((line) => line.startsWith(`| \`${id}\` |`))).toContain(`| ${severity === 'info' ? 'note' : severity} |`);
  });
});

describe('commands the docs name', () => {
  const scripts = pkg.scripts as Record<string, string>;
  const setupCommands = (() => {
    const setup = fs.readFileSync(path.join(PROJECT_ROOT, 'setup.sh'), 'utf8');
    const usage = setup.slice(setup.indexOf('Commands:'), setup.indexOf('Settings ('));
    return new Set([...usage.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]));
  })();

  /** Every command line of the bash and sh blocks, without prompts, comments and environment assignments. */
  const commandLines = blocks(['bash', 'sh']).flatMap(({ file, code }) => code.split('\n')
    .map((line) => line.replace(/^\$ /, '').replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(/\s*(?:&&|\|\||;|\|)\s*/))
    .map((command) => ({ file, command: command.replace(/^([A-Z_]+=\S*\s+)+/, '') })));

  test('the setup.sh usage lists its commands', () => {
    expect([...setupCommands]).toEqual(expect.arrayContaining(['up', 'trigger', 'watch', 'fail', 'status', 'down']));
  });

  test('npm run names a script of package.json, and its options are ones the script reads', () => {
    const inline = docs.flatMap(({ file, text }) => [...text.matchAll(/`npm run ([\w:-]+)/g)].map((match) => ({ file, command: `npm run ${match[1]}` })));
    const problems: string[] = [];
    for (const { file, command } of [...commandLines, ...inline].filter(({ command }) => command.startsWith('npm run '))) {
      const [script, ...rest] = command.slice('npm run '.length).split(/\s+/);
      if (!(script in scripts)) {
        problems.push(`${file}: ${command}: no script "${script}" in package.json`);
        continue;
      }
      const options = rest[0] === '--' ? rest.slice(1).filter((arg) => arg.startsWith('-')) : [];
      const scriptFile = /^node (scripts\/[\w.-]+)/.exec(scripts[script])?.[1];
      for (const option of options) {
        if (!scriptFile || !fs.readFileSync(path.join(PROJECT_ROOT, scriptFile), 'utf8').includes(`'${option}'`)) problems.push(`${file}: ${command}: ${scriptFile ?? script} does not read ${option}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('flagger-doctor commands and options are in its usage', async () => {
    const usage = (await runDoctor(['--help'])).stdout;
    const problems: string[] = [];
    for (const { file, command } of commandLines.filter(({ command }) => /^npx flagger-doctor\b/.test(command))) {
      const [subcommand, ...args] = command.split(/\s+/).slice(2);
      if (!new RegExp(`^ {2}${subcommand} `, 'm').test(usage)) problems.push(`${file}: ${command}: no subcommand ${subcommand}`);
      for (const option of args.filter((arg) => arg.startsWith('--'))) {
        if (!usage.includes(`[${option.split('=')[0]}`)) problems.push(`${file}: ${command}: ${option} is not an option`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('./setup.sh commands are in its usage', () => {
    const problems = commandLines.filter(({ command }) => command.startsWith('./setup.sh'))
      .map(({ file, command }) => ({ file, command, subcommand: command.split(/\s+/)[1] }))
      .filter(({ subcommand }) => subcommand !== undefined && !setupCommands.has(subcommand))
      .map(({ file, command }) => `${file}: ${command}`);
    expect(problems).toEqual([]);
  });
});

describe('README', () => {
  const readme = docs[0].text;

  test('is at most 200 lines and opens with npm ci, npm run synth and npm test, then how to use the package', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock.split('\n').map((line) => line.split(/\s+#/)[0].trim()).filter(Boolean)).toEqual(['npm ci', 'npm run synth', 'npm test']);
    expect(readme.indexOf('\n## ')).toBe(readme.indexOf('\n## Use it in your cdk8s app\n'));
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

test('relative links of the README and docs/ point at files and headings that exist', () => {
  const problems: string[] = [];
  for (const { file, text } of docs) {
    const prose = text.replace(/^```[\s\S]*?^```/gm, '');
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [targetPath, fragment] = target.split('#');
      const resolved = targetPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), targetPath));
      if (PENDING_PAGES.has(resolved)) continue;
      const absolute = path.join(PROJECT_ROOT, resolved);
      if (!fs.existsSync(absolute)) {
        problems.push(`${file}: ${target}: no such file`);
      } else if (fragment !== undefined) {
        const headings = [...fs.readFileSync(absolute, 'utf8').matchAll(/^#+ (.*)$/gm)].map((match) => anchor(match[1]));
        if (!headings.includes(fragment)) problems.push(`${file}: ${target}: no heading #${fragment}`);
      }
    }
  }
  expect(problems).toEqual([]);
});
