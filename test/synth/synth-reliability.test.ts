import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, readTree, run } from '../support/project-copy';

// npm run synth (scripts/synth.js) against readers, kills, concurrent synths, user files and apps
// that end badly. One main.ts serves every case, chosen by TEST_VARIANT, so the bundle is built once.

const MAIN = `import { ApiObject, App, Chart } from 'cdk8s';
import { AppSynthesizer, FlaggerTutorialChart } from './lib';

const variant = process.env.TEST_VARIANT ?? 'a';
const app = new App();
const tag = variant.endsWith('b') ? '6.0.2' : '6.0.1';
new FlaggerTutorialChart(app, 'podinfo', { podinfoImage: 'ghcr.io/stefanprodan/podinfo:' + tag });
if (variant.startsWith('multi')) {
  // a second chart whose name changes between the variants, so one file goes stale
  const chart = new Chart(app, variant === 'multi-a' ? 'extra-a' : 'extra-b');
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'default' } });
}
if (variant === 'exit-before') process.exit(0);
if (variant === 'throw-async') setTimeout(() => { throw new Error('the database is down'); }, 20);
if (variant === 'reject') Promise.reject(new Error('a promise was rejected'));
if (variant === 'async-synth') setTimeout(() => AppSynthesizer.synth(app), 50);
else AppSynthesizer.synth(app);
if (variant === 'exit-after') process.exit(3);
`;

let project: string;
const dist = (file = '') => path.join(project, 'dist', file);
const synth = (variant: string, args: string[] = [], env: Record<string, string> = {}) => run(process.execPath, ['scripts/synth.js', ...args], project, { TEST_VARIANT: variant, ...env });

/** What dist/ holds after a good synth of each variant. */
const expected: Record<string, Record<string, string>> = {};

function leftovers(): string[] {
  return fs.readdirSync(project).filter((entry) => entry.startsWith('.synth') || entry.startsWith('dist.'));
}

function isInterrupted(): boolean {
  const cache = path.join(project, 'node_modules', '.cache', 'flagger-istio-cdk8s');
  const digest = require('crypto').createHash('sha1').update(dist().replace(/\/$/, '')).digest('hex').slice(0, 12);
  return fs.existsSync(path.join(cache, `dist-state-${digest}`, 'journal.json'));
}

beforeAll(() => {
  project = copyProject();
  fs.writeFileSync(path.join(project, 'main.ts'), MAIN);
  for (const variant of ['a', 'b', 'multi-a', 'multi-b']) {
    const result = synth(variant);
    expect(result.stderr).toMatch(/^synth: dist\//);
    expected[variant] = readTree(dist());
  }
  expect(Object.keys(expected['multi-a'])).toEqual(['extra-a.k8s.yaml', 'podinfo.k8s.yaml']);
  expect(expected.a['podinfo.k8s.yaml']).not.toBe(expected.b['podinfo.k8s.yaml']);
}, 120_000);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('a reader never sees dist/ missing or a file half written', () => {
  test('while synths replace the output again and again', async () => {
    expect(synth('a').status).toBe(0);
    // A reader in another process: stats dist/ and reads the manifest in a tight loop.
    const reader = spawn(process.execPath, ['-e', `
      const fs = require('fs');
      const versions = new Set(JSON.parse(process.argv[1]));
      let reads = 0, missing = 0, torn = 0, stop = false;
      process.on('SIGTERM', () => { stop = true; });
      (function loop() {
        for (let i = 0; i < 200; i++) {
          reads++;
          try { fs.statSync(process.argv[2]); } catch { missing++; continue; }
          try { if (!versions.has(fs.readFileSync(process.argv[2] + '/podinfo.k8s.yaml', 'utf8'))) torn++; } catch { missing++; }
        }
        if (stop) { process.stdout.write(JSON.stringify({ reads, missing, torn })); process.exit(0); }
        setImmediate(loop);
      })();
    `, JSON.stringify([expected.a['podinfo.k8s.yaml'], expected.b['podinfo.k8s.yaml']]), dist()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    reader.stdout!.on('data', (chunk) => { output += chunk; });
    for (let index = 0; index < 6; index++) expect(synth(index % 2 ? 'a' : 'b').status).toBe(0);
    reader.kill('SIGTERM');
    await new Promise((resolve) => reader.on('exit', resolve));
    const seen = JSON.parse(output);
    expect(seen.reads).toBeGreaterThan(1000);
    expect(seen).toMatchObject({ missing: 0, torn: 0 });
  });
});

describe('a synth killed at any moment leaves the previous output or the new one, and the next synth finishes', () => {
  const killedAt = (failpoint: string, from: string, to: string) => {
    expect(synth(from).status).toBe(0);
    const killed = synth(to, [], { SYNTH_FAILPOINT: failpoint });
    expect(killed.signal).toBe('SIGKILL');
    return readTree(dist());
  };

  test.each([
    ['staged', 'a'],
    ['app-done', 'a'],
    ['journal', 'a'],
    ['rename:podinfo.k8s.yaml', 'b'],
    ['record', 'b'],
  ])('one file, killed after %s: dist/ holds variant %s', (failpoint, holds) => {
    expect(killedAt(failpoint, 'a', 'b')).toEqual(expected[holds]);
    const next = synth('b');
    expect(next.status).toBe(0);
    expect(readTree(dist())).toEqual(expected.b);
    expect(leftovers()).toEqual([]);
    expect(isInterrupted()).toBe(false);
  });

  test.each(['journal', 'rename:extra-b.k8s.yaml', 'rename:podinfo.k8s.yaml', 'remove:extra-a.k8s.yaml'])('two files and a stale one, killed after %s', (failpoint) => {
    const after = killedAt(failpoint, 'multi-a', 'multi-b');
    // each file is whole: either the previous synth's or the new one's
    for (const [file, text] of Object.entries(after)) expect([expected['multi-a'][file], expected['multi-b'][file]]).toContain(text);
    // a mix of the two is only ever left with the journal that lets the next synth finish it
    if (JSON.stringify(after) !== JSON.stringify(expected['multi-a']) && JSON.stringify(after) !== JSON.stringify(expected['multi-b'])) {
      expect(isInterrupted()).toBe(true);
    }
    // the next synth, whatever it synthesizes, first finishes the interrupted one
    const next = synth('multi-a');
    expect(next.status).toBe(0);
    expect(next.stderr).toContain('synth: finished the update of dist/ that an interrupted synth left half done.');
    expect(readTree(dist())).toEqual(expected['multi-a']);
    expect(leftovers()).toEqual([]);
  });

  test('killed at random moments', async () => {
    for (let round = 0; round < 10; round++) {
      const [from, to] = round % 2 ? ['multi-b', 'multi-a'] : ['multi-a', 'multi-b'];
      expect(synth(from).status).toBe(0);
      const child = spawn(process.execPath, ['scripts/synth.js'], { cwd: project, env: { ...process.env, TEST_VARIANT: to, CDK8S_CHECK_UPGRADE: 'false' }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 600));
      child.kill('SIGKILL');
      await exited;
      const after = readTree(dist());
      for (const [file, text] of Object.entries(after)) expect([expected[from][file], expected[to][file]]).toContain(text);
      const whole = [from, to].some((variant) => JSON.stringify(after) === JSON.stringify(expected[variant]));
      if (!whole) expect(isInterrupted()).toBe(true);
    }
    expect(synth('multi-a').status).toBe(0);
    expect(readTree(dist())).toEqual(expected['multi-a']);
    expect(leftovers()).toEqual([]);
  }, 240_000);
});

describe('concurrent synths take turns', () => {
  test('four at once all succeed, one after the other, and leave nothing behind', async () => {
    const runs = ['a', 'b', 'a', 'b'].map((variant) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child: ChildProcess = spawn(process.execPath, ['scripts/synth.js'], { cwd: project, env: { ...process.env, TEST_VARIANT: variant, CDK8S_CHECK_UPGRADE: 'false' } });
      let stderr = '';
      child.stderr!.on('data', (chunk) => { stderr += chunk; });
      child.on('exit', (code) => resolve({ code, stderr }));
    }));
    const results = await Promise.all(runs);
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/ENOTEMPTY|EEXIST|ENOENT|failed/);
    }
    expect(results.filter((result) => /^synth: waiting for another synth \(pid \d+\) to finish\.\.\.$/m.test(result.stderr)).length).toBeGreaterThan(0);
    expect([expected.a, expected.b]).toContainEqual(readTree(dist()));
    expect(leftovers()).toEqual([]);
  });

  test('a synth that holds the lock too long: exit 2 and a sentence naming its pid', () => {
    const holder = spawn('sleep', ['30']);
    fs.writeFileSync(path.join(project, '.synth.lock'), `${holder.pid}\n`);
    try {
      const result = synth('a', [], { SYNTH_LOCK_TIMEOUT: '1' });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`synth: waiting for another synth (pid ${holder.pid}) to finish...\n`
        + `synth failed: another synth is running (pid ${holder.pid}) and did not finish within 1 s; wait for it, or if no synth is running, delete ${path.join(project, '.synth.lock')}.\n`);
    } finally {
      holder.kill();
      fs.rmSync(path.join(project, '.synth.lock'), { force: true });
    }
  });

  test('the lock of a synth that died is taken over', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(project, '.synth.lock'), `${dead}\n`);
    fs.mkdirSync(path.join(project, `.synth-${dead}-abcdef`));
    const result = synth('a');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('synth: dist/podinfo.k8s.yaml\n');
    expect(leftovers()).toEqual([]);
  });

  test('a lock whose pid now belongs to another process (reused) is taken over, where /proc tells', () => {
    if (!fs.existsSync(`/proc/${process.pid}/stat`)) {
      console.warn('skipped: no /proc here, so a reused pid cannot be told from its first owner.');
      return;
    }
    // this test's own pid is alive, but it did not start at tick 1
    fs.writeFileSync(path.join(project, '.synth.lock'), `${process.pid} 1\n`);
    fs.writeFileSync(path.join(project, `.synth.lock.${process.pid}.0badc0de`), `${process.pid} 1\n`);
    const result = synth('a', [], { SYNTH_LOCK_TIMEOUT: '5' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('synth: dist/podinfo.k8s.yaml\n');
    expect(leftovers()).toEqual([]);
  });

  test.each(['0', '-1', 'soon', '1.5'])('SYNTH_LOCK_TIMEOUT=%s is refused', (value) => {
    const result = synth('a', [], { SYNTH_LOCK_TIMEOUT: value });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`synth failed: SYNTH_LOCK_TIMEOUT is ${JSON.stringify(value)}; give a whole number of seconds, at least 1.\n`);
  });
});

describe('files in dist/ that synth did not write', () => {
  beforeEach(() => expect(synth('a').status).toBe(0));

  test.each([
    ['a note', (dir: string) => fs.writeFileSync(path.join(dir, 'NOTES.md'), 'mine'), 'NOTES.md'],
    ['an extra manifest', (dir: string) => fs.writeFileSync(path.join(dir, 'extra.yaml'), 'kind: ConfigMap\n'), 'extra.yaml'],
    ['a folder', (dir: string) => fs.mkdirSync(path.join(dir, 'overlays')), 'overlays/'],
    ['a manifest edited by hand', (dir: string) => fs.appendFileSync(path.join(dir, 'podinfo.k8s.yaml'), '# tuned\n'), 'podinfo.k8s.yaml (changed since synth wrote it)'],
  ])('%s is never deleted: synth stops, names it, and says how to proceed', (_name, add, named) => {
    add(dist());
    const before = readTree(dist());
    const result = synth('b');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`synth failed: dist/ holds a file synth did not write: ${named}. Nothing was changed. Move it out of dist/, or run npm run synth -- --force to delete it.\n`);
    expect(readTree(dist())).toEqual(before);
    expect(leftovers()).toEqual([]);
    // --force deletes it, and says so
    const forced = synth('b', ['--force']);
    expect(forced.status).toBe(0);
    expect(forced.stderr).toBe(`synth: deleted from dist/ (--force): ${named}\nsynth: dist/podinfo.k8s.yaml\n`);
    expect(readTree(dist())).toEqual(expected.b);
  });
});

describe('an app that ends badly gets one sentence and the right exit code', () => {
  beforeEach(() => expect(synth('a').status).toBe(0));

  test.each([
    ['exit-before', 1, 'synth failed: the app called process.exit(0) before it synthesized any manifest.\ndist/ was left as it was.\n'],
    ['exit-after', 1, 'synth failed: the app exited with code 3.\ndist/ was left as it was.\n'],
    ['throw-async', 1, 'synth failed: the database is down\ndist/ was left as it was.\n'],
    ['reject', 1, 'synth failed: a promise was rejected\ndist/ was left as it was.\n'],
  ])('%s', (variant, status, stderr) => {
    const result = synth(variant);
    expect(result.status).toBe(status);
    expect(result.stderr).toBe(stderr);
    expect(result.stdout).toBe('');
    expect(readTree(dist())).toEqual(expected.a);
    expect(leftovers()).toEqual([]);
  });

  test('an app that synthesizes asynchronously is waited for', () => {
    const result = synth('async-synth');
    expect(result.status).toBe(0);
    expect(readTree(dist())).toEqual(expected.a);
  });

  test('a project folder synth cannot write to: one sentence, dist/ kept', () => {
    const immutable = spawnSync('chattr', ['+i', project]);
    if (immutable.status !== 0) {
      // chattr needs root and a file system with attributes; say why nothing was checked
      console.warn(`skipped: chattr +i failed here (${immutable.stderr || immutable.error}).`);
      return;
    }
    try {
      const result = synth('b');
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`synth failed: cannot create a lock file in ${project}: operation not permitted (EPERM).\n`);
    } finally {
      spawnSync('chattr', ['-i', project]);
    }
    expect(readTree(dist())).toEqual(expected.a);
  });

  test('a file in dist/ that cannot be replaced: the report says what dist/ holds', () => {
    const target = dist('podinfo.k8s.yaml');
    if (spawnSync('chattr', ['+i', dist()]).status !== 0) {
      console.warn('skipped: chattr +i failed here.');
      return;
    }
    try {
      const result = synth('b');
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('synth failed: cannot replace dist/podinfo.k8s.yaml: operation not permitted (EPERM). dist/ was left as it was.\n');
      expect(fs.readFileSync(target, 'utf8')).toBe(expected.a['podinfo.k8s.yaml']);
    } finally {
      spawnSync('chattr', ['-i', dist()]);
    }
    expect(synth('b').status).toBe(0);
    expect(leftovers()).toEqual([]);
  });
});
