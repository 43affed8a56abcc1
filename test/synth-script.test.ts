import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { copyProject, readTree, run } from './support/project-copy';

describe('npm run synth (scripts/synth.js)', () => {
  let project: string;
  const dist = () => path.join(project, 'dist');
  const synth = () => run(process.execPath, ['scripts/synth.js'], project);

  beforeAll(() => {
    project = copyProject();
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('writes only manifests into dist/, the Namespace first, quietly', () => {
    // WHEN
    const result = synth();
    // THEN
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('synth: dist/podinfo.k8s.yaml\n');
    expect(fs.readdirSync(dist())).toEqual(['podinfo.k8s.yaml']);
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(dist(), 'podinfo.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(objects[0].kind).toBe('Namespace');
    expect(objects).toHaveLength(10);
  });

  test('is byte-identical across runs', () => {
    synth();
    const first = readTree(dist());
    synth();
    expect(readTree(dist())).toEqual(first);
  });

  test('the last good copy it replaces is deleted by the next synth, not left behind', () => {
    const cache = path.join(project, 'node_modules', '.cache', 'flagger-istio-cdk8s');
    const trash = path.join(cache, 'trash');
    expect(synth().status).toBe(0);
    expect(synth().status).toBe(0);
    const replaced = fs.readdirSync(trash);
    expect(replaced).toEqual([expect.stringMatching(/^last-good-dist-[0-9a-f]{12}-\d+-\d+$/)]);
    expect(fs.readdirSync(path.join(trash, replaced[0]))).toContain('podinfo.k8s.yaml');
    expect(synth().status).toBe(0);
    const now = fs.readdirSync(trash);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(replaced[0]);
    expect(fs.readdirSync(cache).filter((entry) => entry.startsWith('last-good-dist-'))).toHaveLength(1);
  });

  test('a failing app prints one clear sentence and leaves the previous dist/ untouched', () => {
    // GIVEN a good dist/ and an app with a bad prop
    expect(synth().status).toBe(0);
    const before = readTree(dist());
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, good.replace("new FlaggerTutorialChart(app, 'podinfo');", "new FlaggerTutorialChart(app, 'podinfo', { namespace: 'Not Valid' });"));
    try {
      // WHEN
      const result = synth();
      // THEN
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('synth failed: podinfo/namespace: name is "Not Valid"; use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.\ndist/ was left as it was.\n');
      expect(readTree(dist())).toEqual(before);
      expect(fs.readdirSync(project).filter((entry) => entry.startsWith('.synth-') || entry.startsWith('dist.'))).toEqual([]);
    } finally {
      fs.writeFileSync(main, good);
    }
  });

  test('a lint error fails the synth with the construct path and the finding, and keeps dist/', () => {
    expect(synth().status).toBe(0);
    const before = readTree(dist());
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, good.replace("new FlaggerTutorialChart(app, 'podinfo');",
      "require('cdk8s').ApiObject.of(new FlaggerTutorialChart(app, 'podinfo', { analysis: { stepWeight: 10, maxWeight: 50, threshold: 5, interval: require('cdk8s').Duration.minutes(1) } }).canary).addJsonPatch(require('cdk8s').JsonPatch.replace('/spec/analysis/webhooks/2/url', 'http://flagger-loadtestr.test/'));"));
    try {
      const result = synth();
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^synth failed: Validation failed with the following errors:\n  \[podinfo\/canary\] Canary\/test\/podinfo \(podinfo\/canary\/Resource\): error webhook-url-unresolved: .*flagger-loadtestr/);
      expect(result.stderr).toContain('dist/ was left as it was.');
      expect(readTree(dist())).toEqual(before);
    } finally {
      fs.writeFileSync(main, good);
    }
  });

  test('an app that does not compile fails without touching dist/', () => {
    expect(synth().status).toBe(0);
    const before = readTree(dist());
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, `${good}\nconst = ;\n`);
    try {
      const result = synth();
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^synth failed: .*main\.ts/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(readTree(dist())).toEqual(before);
    } finally {
      fs.writeFileSync(main, good);
    }
  });

  test('an app that writes anything but manifests is refused, so kubectl apply -f dist/ keeps working', () => {
    expect(synth().status).toBe(0);
    const before = readTree(dist());
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, `${good}\nrequire('fs').writeFileSync(require('path').join(process.env.CDK8S_OUTDIR!, 'construct-metadata.json'), '{}');\n`);
    try {
      const result = synth();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('the app wrote files that are not manifests (construct-metadata.json)');
      expect(readTree(dist())).toEqual(before);
    } finally {
      fs.writeFileSync(main, good);
    }
  });

  test('npx cdk8s synth, the real cdk8s CLI, produces the same manifests', () => {
    expect(synth().status).toBe(0);
    const ours = readTree(dist());
    const result = run(process.execPath, [path.join(project, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth'], project);
    expect(result.status).toBe(0);
    expect(readTree(dist())).toEqual(ours);
  });

  test('npx cdk8s synth reports a bad prop as a sentence, exits non-zero, and puts back the last good dist/', () => {
    expect(synth().status).toBe(0);
    const before = readTree(dist());
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, good.replace("new FlaggerTutorialChart(app, 'podinfo');", "new FlaggerTutorialChart(app, 'podinfo', { host: 'not a host' });"));
    try {
      const result = run(process.execPath, [path.join(project, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth'], project);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('synth failed: podinfo/route: hosts[0] is "not a host"');
      expect(result.stderr).toContain('dist/ was restored to the last good synth.');
      expect(readTree(dist())).toEqual(before);
    } finally {
      fs.writeFileSync(main, good);
    }
  });
});
