import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../support/project-copy';
import { consumerLockfile, lockedVersion } from './consumer-lockfile';
import { builtProjectCopy, pack, PackResult, run } from './packed-project';

/**
 * The packed tarball installed into a fresh cdk8s TypeScript app, offline from npm's cache, with the
 * README's example as main.ts, the README's cdk8s.yaml and `cdk8s init`'s tsconfig.json: the real
 * `npm install`, `cdk8s synth` (with the validation plugin), `tsc`, `node`, `kubectl` and the installed
 * `flagger-doctor`.
 * One install for the whole file; it takes a minute or two.
 */
jest.setTimeout(300_000);

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one README section (from its `## ` heading to the next). */
function readmeBlocks(heading: string, language: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]);
}

const USE_IT = 'Use it in your cdk8s app';
const EXAMPLE = readmeBlocks(USE_IT, 'ts')[0];
const CDK8S_YAML = readmeBlocks(USE_IT, 'yaml').find((block) => block.includes('validations:'))!;

let work: string;
let app: string;
let installSeconds: number;
let synth: ReturnType<typeof run>;

/** Another app folder next to `app`, sharing its node_modules, with its own main.ts and cdk8s.yaml. */
function sibling(name: string, main: string, cdk8sYaml: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(app, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.copyFileSync(path.join(app, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'main.ts'), main);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), cdk8sYaml);
  return dir;
}

function cdk8sSynth(dir: string) {
  return run(path.join(dir, 'node_modules', '.bin', 'cdk8s'), ['synth'], dir);
}

/** `npx flagger-doctor ...` in `dir`, never installing anything. */
function flaggerDoctor(dir: string, ...args: string[]) {
  return run('npx', ['--no', 'flagger-doctor', ...args], dir);
}

/**
 * kubectl with no cluster reachable (its server is a closed local port, so no real cluster is ever
 * contacted). It then cannot map kinds to resources ("unable to recognize"), but it reads every
 * file of the folder first, and a file that is not Kubernetes objects fails that read.
 */
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error ? undefined : 'kubectl';
function kubectlReadErrors(dir: string): string[] {
  const result = run(KUBECTL!, ['apply', '--dry-run=client', '--validate=false', '--server=http://127.0.0.1:9', '--kubeconfig=/dev/null', '-f', 'dist/'], dir);
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output).toMatch(/unable to recognize|connection refused/);
  return output.split('\n').filter((line) => /unable to decode|error (parsing|validating)|Object 'Kind' is missing/.test(line));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-install-'));
  const copy = builtProjectCopy();
  let packed: PackResult;
  try {
    packed = pack(copy, { destination: work });
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }

  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const peers = ['cdk8s', 'cdk8s-plus-25', 'constructs'];
  const dependencies = {
    [pkg.name]: `file:${path.relative(app, path.join(work, packed.filename))}`,
    ...Object.fromEntries(peers.map((name) => [name, lockedVersion(name)])),
  };
  const devDependencies = Object.fromEntries(['cdk8s-cli', 'typescript', 'ts-node', '@types/node'].map((name) => [name, lockedVersion(name)]));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, dependencies, devDependencies }, null, 2));
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(consumerLockfile('consumer-app', dependencies, devDependencies, { manifest: pkg, integrity: packed.integrity }), null, 2));
  fs.writeFileSync(path.join(app, 'main.ts'), EXAMPLE);
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), CDK8S_YAML);

  const started = Date.now();
  const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund'], app);
  installSeconds = (Date.now() - started) / 1000;
  if (install.status !== 0) {
    const hint = /ENOTCACHED/.test(install.stderr) ? ' npm\'s cache lacks a package: run `npm ci` in this project once, which caches every tarball the app needs.' : '';
    throw new Error(`npm install --offline failed in ${app}.${hint}\n${install.stderr}`);
  }
  console.log(`npm install --offline of the tarball and the cdk8s toolchain: ${installSeconds.toFixed(1)} s`);
  // The tsconfig.json of `cdk8s init typescript-app`, which type-checks main.ts and our typings (lib es2016, strict).
  fs.copyFileSync(path.join(app, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), path.join(app, 'tsconfig.json'));

  synth = cdk8sSynth(app);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball in a fresh cdk8s app', () => {
  test('installs offline, as the packed files only', () => {
    const installed = path.join(app, 'node_modules', pkg.name);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version).toBe(pkg.version);
    expect(fs.existsSync(path.join(installed, 'lib'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'scripts'))).toBe(false);
  });

  test('Node resolves each entry of the exports map, and nothing deeper', () => {
    const script = `
      const assert = require('assert');
      const main = require('${pkg.name}');
      const doctor = require('${pkg.name}/doctor');
      const plugin = require('${pkg.name}/cdk8s-validation');
      assert.strictEqual(typeof main.Canary, 'function');
      assert.strictEqual(typeof main.FlaggerTutorialChart, 'function');
      assert.strictEqual(main.FlaggerDoctorValidation, plugin.FlaggerDoctorValidation);
      assert.strictEqual(main.lint, undefined, 'the doctor engine is not in the main entry');
      assert.strictEqual(typeof doctor.lint, 'function');
      assert.ok(doctor.RULES.length > 10);
      assert.strictEqual(require('${pkg.name}/package.json').version, '${pkg.version}');
      assert.throws(() => require('${pkg.name}/build/lib/doctor/lint'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
      import('${pkg.name}').then((esm) => {
        assert.strictEqual(esm.Canary, main.Canary);
        return import('${pkg.name}/doctor');
      }).then((esm) => {
        assert.strictEqual(esm.lint, doctor.lint);
        console.log('resolved');
      });
    `;
    const result = run(process.execPath, ['-e', script], app);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('resolved');
  });

  test.each([
    ['node10', 'commonjs'],
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ])('TypeScript resolves each entry with its types (moduleResolution %s)', (moduleResolution, module) => {
    const file = path.join(app, `resolution-${moduleResolution}.ts`);
    fs.writeFileSync(file, [
      `import { Canary, FlaggerDoctorValidation, FlaggerTutorialChart } from '${pkg.name}';`,
      `import { lint, RULES, RuleInfo } from '${pkg.name}/doctor';`,
      `import { FlaggerDoctorValidation as Plugin } from '${pkg.name}/cdk8s-validation';`,
      'const plugin: FlaggerDoctorValidation = new Plugin({ scrapeInterval: \'30s\' });',
      'const rules: readonly RuleInfo[] = RULES;',
      'export const used = [Canary, FlaggerTutorialChart, lint, plugin, rules];',
      '',
    ].join('\n'));
    const tsc = path.join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    // The shipped typings are type-checked once (node16); the other modes check resolution only.
    const result = run(process.execPath, [tsc, '--noEmit', '--strict', '--types', 'node', ...(moduleResolution === 'node16' ? [] : ['--skipLibCheck']),
      '--module', module, '--moduleResolution', moduleResolution, file], app);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  test('cdk8s synth runs the README example with the README\'s validation plugin and leaves only manifests in dist/', () => {
    expect(synth.stderr + synth.stdout).toContain('Validations ended succesfully');
    expect(synth.stdout).toContain('Validation Report (');
    expect(synth.status).toBe(0);
    const files = fs.readdirSync(path.join(app, 'dist'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !file.endsWith('.k8s.yaml'))).toEqual([]);
  });

  test('the installed flagger-doctor, found through package.json\'s bin, lints that dist/', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', pkg.name, 'package.json'), 'utf8'));
    expect(fs.existsSync(path.join(app, 'node_modules', pkg.name, installed.bin['flagger-doctor']))).toBe(true);
    const result = flaggerDoctor(app, 'lint', 'dist/');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^0 errors, \d+ warnings? in \d+ objects from 1 file/m);
    expect(result.status).toBe(0);
  });

  test('kubectl reads every file of that dist/ as Kubernetes objects', () => {
    if (!KUBECTL) {
      console.log('kubectl is not installed: skipped reading dist/ with kubectl apply --dry-run=client.');
      return;
    }
    expect(kubectlReadErrors(app)).toEqual([]);
  });

  test('keepConstructMetadata: true keeps construct-metadata.json, which kubectl and flagger-doctor then refuse', () => {
    const config = parse(CDK8S_YAML);
    config.validations[0].properties = { ...config.validations[0].properties, keepConstructMetadata: true };
    const keep = sibling('app-keep', EXAMPLE, stringify(config));
    const result = cdk8sSynth(keep);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(keep, 'dist'))).toContain('construct-metadata.json');

    const lint = flaggerDoctor(keep, 'lint', 'dist/');
    expect(lint.status).toBe(2);
    expect(lint.stderr).toContain('construct-metadata.json: this is the metadata cdk8s-cli writes for validation plugins');
    if (KUBECTL) expect(kubectlReadErrors(keep).join('\n')).toContain('construct-metadata.json');
  });

  test('a lint error fails cdk8s synth with the construct path in the report, and still leaves only manifests', () => {
    const broken = sibling('app-broken', [
      "import { ApiObject, App } from 'cdk8s';",
      `import { FlaggerTutorialChart, LINT_CONTEXT_DISABLE } from '${pkg.name}';`,
      '',
      'const app = new App();',
      'app.node.setContext(LINT_CONTEXT_DISABLE, true); // leave the lint to the plugin',
      "const chart = new FlaggerTutorialChart(app, 'podinfo');",
      "new ApiObject(chart, 'orphan', {",
      "  apiVersion: 'flagger.app/v1beta1',",
      "  kind: 'Canary',",
      "  metadata: { name: 'orphan', namespace: 'test' },",
      "  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' }, service: { port: 9898 }, analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 } },",
      '});',
      'app.synth();',
      '',
    ].join('\n'), CDK8S_YAML);
    const result = cdk8sSynth(broken);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('error: target-ref-invalid');
    expect(result.stdout).toContain('Construct Path: podinfo/orphan');
    expect(fs.readdirSync(path.join(broken, 'dist')).filter((file) => !file.endsWith('.k8s.yaml'))).toEqual([]);
  });
});
