import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { FlaggerDoctorValidation } from '../lib/cdk8s-validation';
import { RULES } from '../lib/doctor';
import { runDoctor } from './support/cli';
import { PROJECT_ROOT } from './support/project-copy';

/**
 * The README and docs/ are kept true by running what they show: the TypeScript examples (importing
 * this package's entries from the sources, type-checked as the project's tsconfig.json checks lib/,
 * then run), the cdk8s.yaml snippets, the generated rule table, the commands of this project they
 * name, and their links.
 */
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
const { withRuleTable } = require('../scripts/docs.js') as { withRuleTable: (text: string, rules: typeof RULES) => string };

const DOC_FILES = ['README.md', ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((file) => file.endsWith('.md')).sort().map((file) => `docs/${file}`)];
const docs = DOC_FILES.map((file) => ({ file, text: fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8') }));

/** A fenced block of a doc: its language, its text, and where it starts. */
interface Block {
  readonly file: string;
  /** 1-based, among the blocks of its language in its file. */
  readonly index: number;
  /** Line of the doc where the code starts (after the opening fence). */
  readonly line: number;
  readonly code: string;
  /** The `text` block right after this one (nothing but blank lines between), if any: the output it prints. */
  readonly output?: string;
}

function blocks(languages: readonly string[]): Block[] {
  return docs.flatMap(({ file, text }) => {
    const fences = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```\n?/gm)];
    return fences
      .map((match, position) => ({ match, next: fences[position + 1] }))
      .filter(({ match }) => languages.includes(match[1]))
      .map(({ match, next }, index) => {
        const end = match.index! + match[0].length;
        const followedByOutput = next !== undefined && next[1] === 'text' && text.slice(end, next.index).trim() === '';
        return {
          file,
          index: index + 1,
          line: text.slice(0, match.index).split('\n').length + 1,
          code: match[2],
          output: followedByOutput ? next[2] : undefined,
        };
      });
  });
}

/** Each package entry (`flagger-istio-cdk8s`, `flagger-istio-cdk8s/doctor`, ...) mapped to its TypeScript source, without extension. */
const ENTRY_SOURCES: Record<string, string> = Object.fromEntries(Object.entries(pkg.exports as Record<string, string | { default: string }>)
  .filter(([, target]) => typeof target !== 'string')
  .map(([entry, target]) => [
    path.posix.join(pkg.name, entry),
    path.join(PROJECT_ROOT, (target as { default: string }).default.replace(/^\.\/build\//, '').replace(/\.js$/, '')),
  ]));

/** How a failing example is named: the doc, the line it starts at, and its first line. */
function describeExample(example: Block): string {
  return `${example.file}:${example.line} (TypeScript example ${example.index}, starting "${example.code.split('\n')[0]}")`;
}

/**
 * Type-checks `examples` in one TypeScript program, with the compiler options of tsconfig.json (strict,
 * no unused locals, ...), each example a module of its own, and the package's entries mapped to lib/.
 * Returns the errors of each example, each naming the doc file and line.
 */
function typeCheck(examples: readonly Block[]): Map<Block, string[]> {
  const config = ts.readConfigFile(path.join(PROJECT_ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    baseUrl: PROJECT_ROOT,
    paths: Object.fromEntries(Object.entries(ENTRY_SOURCES).map(([entry, source]) => [entry, [path.relative(PROJECT_ROOT, source)]])),
  };
  // Virtual files beside lib/, so that cdk8s, cdk8s-plus-25 and constructs resolve from the project's node_modules.
  const files = new Map(examples.map((example, position) => [
    path.join(PROJECT_ROOT, '.docs-examples', `${position}-${example.file.replace(/\W/g, '-')}-${example.index}.ts`),
    example,
  ]));
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  // `export {}` makes an example without imports a module too, so examples never share variables.
  const sourceOf = (fileName: string) => (files.has(path.resolve(fileName)) ? `${files.get(path.resolve(fileName))!.code}\nexport {};\n` : undefined);
  host.fileExists = (fileName) => files.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sourceOf(fileName) ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const source = sourceOf(fileName);
    return source === undefined ? getSourceFile.call(host, fileName, languageVersion, ...rest) : ts.createSourceFile(fileName, source, languageVersion, true);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, host));
  const errors = new Map<Block, string[]>();
  for (const [fileName, example] of files) {
    const sourceFile = program.getSourceFile(fileName)!;
    errors.set(example, [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map((diagnostic) => {
      const { line } = sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${example.file}:${example.line + line}: error TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    }));
  }
  return errors;
}

describe('TypeScript examples', () => {
  const examples = blocks(['ts', 'typescript']);
  const readmeExample = examples.find((example) => example.file === 'README.md' && example.code.includes('CanaryTarget.fromDeployment('));
  // The check must be able to fail: the README's example with the mistake the API's types exist to
  // catch (a Deployment where a CanaryTarget goes), type-checked in the same program.
  const broken: Block | undefined = readmeExample && {
    ...readmeExample,
    file: `${readmeExample.file} (broken on purpose)`,
    code: readmeExample.code.replace(/CanaryTarget\.fromDeployment\(([\w.]+)\)/, '$1').replace(/\bCanaryTarget, /, ''),
  };
  let errors: Map<Block, string[]> | undefined;
  const errorsOf = (example: Block) => {
    errors ??= typeCheck(broken ? [...examples, broken] : examples);
    return errors.get(example)!;
  };

  test('the README and docs/ have examples, one of them in the README', () => {
    expect(examples.filter((example) => example.file === 'README.md').length).toBeGreaterThanOrEqual(1);
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  test('a type error in an example fails, naming the doc file and the line', () => {
    expect(broken).toBeDefined();
    expect(broken!.code).not.toContain('CanaryTarget');
    const reported = errorsOf(broken!);
    const line = broken!.line + broken!.code.split('\n').findIndex((text) => /target: [\w.]+,/.test(text));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(`README.md (broken on purpose):${line}: error TS2739: Type 'Deployment' is missing the following properties from type 'CanaryTarget'`);
  });

  test.each(examples.map((example) => [describeExample(example), example]))('%s type-checks', (_name, example) => {
    const reported = errorsOf(example as Block);
    if (reported.length > 0) throw new Error(`${describeExample(example as Block)} does not type-check:\n${reported.join('\n')}`);
  });

  test.each(examples.map((example) => [describeExample(example), example]))('%s runs', (_name, example) => {
    const { code, output } = example as Block;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
    const source = code.replace(/from '([^']+)'/g, (whole, specifier: string) => (ENTRY_SOURCES[specifier] ? `from ${JSON.stringify(ENTRY_SOURCES[specifier])}` : whole));
    expect(source).not.toContain(`from '${pkg.name}`);
    const { code: javascript } = transformSync(source, { loader: 'ts', format: 'cjs' });
    const printed: unknown[][] = [];
    const quiet = { ...console, log: (...args: unknown[]) => printed.push(args) };
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line no-new-func
      new Function('require', 'console', javascript)(require, quiet);
      if (output !== undefined) {
        // What the example prints is the text block shown after it (trailing blank lines aside).
        expect(printed.map((args) => args.join(' ')).join('\n').trimEnd()).toBe(output.trimEnd());
      } else if (/\bapp\.synth\(\)|AppSynthesizer\.synth\(app\)/.test(code)) {
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
