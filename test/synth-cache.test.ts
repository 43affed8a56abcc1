import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, run } from './support/project-copy';

// The synth and flagger-doctor run a cached esbuild bundle with V8's code cache. These edits keep
// every file's length (V8 checks a code cache against the source's length only) and, in half the
// cases, its mtime (as cp -p, rsync -a and tar x do): the output must still follow the sources.

type Tool = 'npm run synth' | 'npx cdk8s synth';

describe('caches follow the content of the sources', () => {
  let project: string;
  const file = (relative: string) => path.join(project, relative);
  const cacheDir = () => path.join(project, 'node_modules', '.cache', 'flagger-istio-cdk8s');
  const cacheFiles = (suffix: string) => fs.readdirSync(cacheDir())
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(cacheDir(), name))
    .filter((cached) => readManifestRoot(cached) === project);

  /** The cache is shared by every copy through the linked node_modules: keep to this copy's files. */
  function readManifestRoot(cached: string): string | undefined {
    const manifest = cached.replace(/\.(js|v8cache|manifest\.json)$/, '.manifest.json');
    try {
      const inputs = Object.keys(JSON.parse(fs.readFileSync(manifest, 'utf8')).inputs);
      return inputs.some((input) => input === path.join(project, 'main.ts') || input === path.join(project, 'lib', 'cli', 'flagger-doctor.ts'))
        ? project : undefined;
    } catch {
      return undefined;
    }
  }

  function synth(tool: Tool) {
    const result = tool === 'npm run synth'
      ? run(process.execPath, ['scripts/synth.js'], project)
      : run(process.execPath, [path.join(project, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth'], project);
    expect(result.stderr).not.toContain('synth failed');
    expect(result.status).toBe(0);
    return fs.readFileSync(file('dist/podinfo.k8s.yaml'), 'utf8');
  }

  /**
   * Replaces `from` by `to` (same length) in `relative`, keeping the file's mtime to the nanosecond
   * when asked, as `cp -p` does (touch -r copies the timestamps exactly; utimes in Node rounds them).
   */
  function edit(relative: string, from: string, to: string, keepMtime: boolean): void {
    expect(to).toHaveLength(from.length);
    const target = file(relative);
    const reference = `${target}.times`;
    const before = fs.statSync(target, { bigint: true });
    run('touch', ['-r', target, reference], project);
    const text = fs.readFileSync(target, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(target, text.replace(from, to));
    if (keepMtime) run('touch', ['-r', reference, target], project);
    fs.rmSync(reference);
    const after = fs.statSync(target, { bigint: true });
    expect(after.size).toBe(before.size);
    expect(after.mtimeNs === before.mtimeNs).toBe(keepMtime);
  }

  beforeAll(() => {
    project = copyProject();
    const main = file('main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("new FlaggerTutorialChart(app, 'podinfo');",
      "new FlaggerTutorialChart(app, 'podinfo', { podinfoImage: 'ghcr.io/stefanprodan/podinfo:6.0.1' });"));
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  describe.each<Tool>(['npm run synth', 'npx cdk8s synth'])('%s', (tool) => {
    test.each([false, true])('a same-length edit of main.ts (image tag) is synthesized, mtime kept: %s', (keepMtime) => {
      const tag = synth(tool).match(/podinfo:6\.0\.(\d)/)![1];
      const next = tag === '1' ? '2' : '1';
      synth(tool); // the caches are warm
      edit('main.ts', `podinfo:6.0.${tag}`, `podinfo:6.0.${next}`, keepMtime);
      const manifests = synth(tool);
      expect(manifests).toContain(`image: ghcr.io/stefanprodan/podinfo:6.0.${next}`);
      expect(manifests).not.toContain(`podinfo:6.0.${tag}`);
      expect(synth(tool)).toBe(manifests);
    });

    test.each([false, true])('a same-length edit of a digit under lib/ is synthesized, mtime kept: %s', (keepMtime) => {
      const before = synth(tool);
      const from = before.includes('maxWeight: 50') ? 'maxWeight: 50' : 'maxWeight: 20';
      const to = from === 'maxWeight: 50' ? 'maxWeight: 20' : 'maxWeight: 50';
      const source = 'lib/constructs/canary-strategy.ts';
      edit(source, `options.maxWeight ?? ${from.slice(-2)}`, `options.maxWeight ?? ${to.slice(-2)}`, keepMtime);
      const manifests = synth(tool);
      expect(manifests).toContain(to);
      expect(manifests).not.toContain(from);
    });
  });

  describe('flagger-doctor in a checkout', () => {
    const doctor = (...args: string[]) => run(process.execPath, ['bin/flagger-doctor.js', ...args], project);

    test.each([false, true])('a same-length edit under lib/ shows in its output, mtime kept: %s', (keepMtime) => {
      const before = doctor('--help');
      expect(before.status).toBe(0);
      doctor('--help'); // the caches are warm
      const [from, to] = before.stdout.includes('Exit codes:') ? ['Exit codes:', 'Exit-codes:'] : ['Exit-codes:', 'Exit codes:'];
      edit('lib/cli/flagger-doctor.ts', from, to, keepMtime);
      const after = doctor('--help');
      expect(after.stdout).toContain(to);
      expect(after.stdout).not.toContain(from);
    });
  });

  describe('a damaged cache is rebuilt without a word', () => {
    const damages: Array<[string, string, (cached: string) => void]> = [
      ['a truncated bundle', '.js', (cached) => fs.truncateSync(cached, Math.floor(fs.statSync(cached).size / 2))],
      ['a bundle of other code of the same length', '.js', (cached) => {
        const text = fs.readFileSync(cached, 'utf8');
        fs.writeFileSync(cached, text.replace(/podinfo:6\.0\.\d/g, 'podinfo:9.9.9'));
      }],
      ['garbage in the manifest', '.manifest.json', (cached) => fs.writeFileSync(cached, '{"format":2,"inputs":')],
      ['an empty manifest', '.manifest.json', (cached) => fs.writeFileSync(cached, '')],
      ['a truncated code cache', '.v8cache', (cached) => fs.truncateSync(cached, 100)],
      ['a code cache with flipped bytes', '.v8cache', (cached) => {
        const bytes = fs.readFileSync(cached);
        for (let i = 90; i < bytes.length; i += 97) bytes[i] ^= 0xff;
        fs.writeFileSync(cached, bytes);
      }],
    ];

    test.each(damages)('%s', (_name, suffix, damage) => {
      const good = synth('npm run synth');
      const quiet = run(process.execPath, ['scripts/synth.js'], project).stderr;
      const files = cacheFiles(suffix).filter((cached) => path.basename(cached).startsWith('main-'));
      expect(files).toHaveLength(1);
      damage(files[0]);
      const result = run(process.execPath, ['scripts/synth.js'], project);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe(quiet);
      expect(fs.readFileSync(file('dist/podinfo.k8s.yaml'), 'utf8')).toBe(good);
      // and the next run uses a healthy cache again
      expect(run(process.execPath, ['scripts/synth.js'], project).stderr).toBe(quiet);
      expect(fs.readFileSync(file('dist/podinfo.k8s.yaml'), 'utf8')).toBe(good);
    });

    test('a damaged copy of the last good dist/ is not restored when npx cdk8s synth fails', () => {
      synth('npm run synth');
      const copy = path.join(cacheDir(), `last-good-dist-${createHash('sha1').update(project).digest('hex').slice(0, 12)}`);
      const saved = path.join(copy, 'podinfo.k8s.yaml');
      expect(fs.readFileSync(saved, 'utf8')).toBe(fs.readFileSync(file('dist/podinfo.k8s.yaml'), 'utf8'));
      fs.writeFileSync(saved, fs.readFileSync(saved, 'utf8').replace(/podinfo:6\.0\.\d/g, 'podinfo:9.9.9'));
      const main = file('main.ts');
      const good = fs.readFileSync(main, 'utf8');
      fs.writeFileSync(main, good.replace('new FlaggerTutorialChart(app,', "new FlaggerTutorialChart(app, 'x', { host: 'not a host' });\nnew FlaggerTutorialChart(app,"));
      try {
        const result = run(process.execPath, [path.join(project, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth'], project);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('the last good synth was damaged, so dist/ stays empty; run npm run synth.');
        expect(fs.existsSync(file('dist/podinfo.k8s.yaml'))).toBe(false);
      } finally {
        fs.writeFileSync(main, good);
      }
      synth('npm run synth');
    });

    test('flagger-doctor with a truncated bundle and code cache', () => {
      const good = run(process.execPath, ['bin/flagger-doctor.js', '--help'], project);
      const cached = cacheFiles('.js').concat(cacheFiles('.v8cache')).filter((name) => path.basename(name).startsWith('flagger-doctor-'));
      expect(cached).toHaveLength(2);
      for (const damaged of cached) fs.truncateSync(damaged, 10);
      const result = run(process.execPath, ['bin/flagger-doctor.js', '--help'], project);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(good.stdout);
    });
  });
});
