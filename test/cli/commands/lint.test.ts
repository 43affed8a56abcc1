import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliResult, runDoctor } from '../../support/cli';
import { REFERENCE_DIR } from '../../support/reference';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const TUTORIAL_FILES = ['kustomize-podinfo.yaml', 'kustomize-tester.yaml', 'tutorial-canary.yaml', 'tutorial-gateway.yaml'];
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: test\n  labels:\n    istio-injection: enabled\n';

function lint(args: string[], cwd: string, stdin?: string): Promise<CliResult> {
  return runDoctor(['lint', ...args], { cwd, stdin });
}

let dir: string;

/** A folder with the tutorial: 00-namespace.yaml, then Flagger's reference files. */
function tutorialFolder(edit: (canary: string) => string = (canary) => canary): string {
  const folder = fs.mkdtempSync(path.join(dir, 'tutorial-'));
  fs.writeFileSync(path.join(folder, '00-namespace.yaml'), NAMESPACE);
  for (const file of TUTORIAL_FILES) {
    const text = fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8');
    fs.writeFileSync(path.join(folder, file), file === 'tutorial-canary.yaml' ? edit(text) : text);
  }
  return path.basename(folder);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-command-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('flagger-doctor lint: text', () => {
  test('the tutorial folder has warnings only: exit 0, one finding per line with its hint, and a summary', async () => {
    // GIVEN the tutorial with its namespace in a folder
    const folder = tutorialFolder();

    // WHEN linted by folder, relative to the working directory
    const result = await lint([folder], dir);

    // THEN exit 0, each finding is `file: Kind/namespace/name: severity rule: message` followed by an indented hint
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${folder}/tutorial-canary\\.yaml: Canary/test/podinfo: warning load-test-too-short: webhook "load-test" runs hey -z 1m`));
    expect(lines[1]).toMatch(/^ {4}hint: /);
    expect(lines[2]).toMatch(/: warning metric-window-short: /);
    expect(lines[lines.length - 1]).toBe('0 errors, 2 warnings in 7 objects from 5 files');
  });

  test('a wrong webhook URL is an error: exit 1, with the suggestion', async () => {
    const folder = tutorialFolder((canary) => canary.replace(/flagger-loadtester\.test/g, 'flagger-loadtestr.test'));
    const result = await lint([folder], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${folder}/tutorial-canary.yaml: Canary/test/podinfo: error webhook-url-unresolved: webhook "load-test" URL http://flagger-loadtestr.test/`);
    expect(result.stdout).toContain('    hint: did you mean http://flagger-loadtester.test/ ?');
    expect(result.stdout.trimEnd().split('\n').pop()).toBe('2 errors, 2 warnings in 7 objects from 5 files');
  });

  test('a note is printed as "note" and does not fail', async () => {
    const folder = tutorialFolder((canary) => canary.replace('url: http://flagger-loadtester.test/\n        timeout: 5s', 'url: https://hooks.example.com/\n        timeout: 5s'));
    const result = await lint([folder], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': note webhook-url-external: ');
    expect(result.stdout).toMatch(/0 errors, 2 warnings, 1 note in 7 objects/);
  });

  test('--scrape-interval changes the metric window rule', async () => {
    const folder = tutorialFolder((canary) => canary.replace('interval: 30s', 'interval: 1m'));
    expect((await lint([folder], dir)).stdout).not.toContain('metric-window-short');
    expect((await lint(['--scrape-interval', '30s', folder], dir)).stdout).toContain('metric-window-short');
    expect((await lint(['--scrape-interval=30s', folder], dir)).stdout).toContain('metric-window-short');
  });
});

describe('flagger-doctor lint: the same file given twice', () => {
  test('a folder and a file in it are read once: no duplicate Canary, no doubled findings', async () => {
    // GIVEN the tutorial folder, named once as a folder and once through its Canary file
    const folder = tutorialFolder();

    // WHEN linted as `lint folder folder/tutorial-canary.yaml`
    const result = await lint([folder, `${folder}/tutorial-canary.yaml`], dir);

    // THEN the result is the folder's alone
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('duplicate-canary-target');
    expect(result.stdout.trimEnd().split('\n').pop()).toBe('0 errors, 2 warnings in 7 objects from 5 files');
  });
});

describe('flagger-doctor lint: standard input', () => {
  test('PATH - reads standard input, e.g. kustomize or helm output, together with files', async () => {
    // GIVEN the namespace in a file and the rest of the tutorial piped in, with a broken webhook port
    fs.writeFileSync(path.join(dir, 'namespace.yaml'), NAMESPACE);
    const piped = TUTORIAL_FILES.map((f) => fs.readFileSync(path.join(REFERENCE_DIR, f), 'utf8')).join('\n---\n')
      .replace('url: http://flagger-loadtester.test/\n        timeout: 5s', 'url: http://flagger-loadtester.test:8080/\n        timeout: 5s');

    // WHEN linted
    const result = await lint(['namespace.yaml', '-'], dir, piped);

    // THEN the finding is attributed to <stdin> and the namespace from the file counts
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('<stdin>: Canary/test/podinfo: error webhook-url-unresolved: webhook "load-test" URL http://flagger-loadtester.test:8080/');
    expect(result.stdout).not.toContain('namespace-missing');
    expect(result.stdout.trimEnd().split('\n').pop()).toBe('1 error, 2 warnings in 7 objects from 2 files');
  });
});

describe('flagger-doctor lint: json', () => {
  test('prints exactly the JSON array of findings', async () => {
    const folder = tutorialFolder((canary) => canary.replace('threshold: 5', 'threshold: 0'));
    const result = await lint(['--format', 'json', folder], dir);
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout);
    expect(Array.isArray(findings)).toBe(true);
    expect(findings.map((f: any) => f.rule).sort()).toEqual(['load-test-too-short', 'metric-window-short', 'threshold-invalid']);
    expect(Object.keys(findings[0]).sort()).toEqual(['file', 'hint', 'kind', 'message', 'name', 'namespace', 'rule', 'severity']);
    expect(findings.find((f: any) => f.rule === 'threshold-invalid')).toMatchObject({
      severity: 'error', kind: 'Canary', namespace: 'test', name: 'podinfo', file: `${folder}/tutorial-canary.yaml`,
    });
  });

  test('an empty array when there is nothing to report', async () => {
    const folder = tutorialFolder((canary) => canary.replace('interval: 30s', 'interval: 1m').replace('hey -z 1m', 'hey -z 1m55s'));
    const result = await lint(['--format=json', folder], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('flagger-doctor lint: bad usage and input exit 2', () => {
  test.each([
    [[], 'no PATH given'],
    [['--format', 'xml', '.'], "--format must be text or json, not 'xml'"],
    [['--scrape-interval', '15', '.'], "--scrape-interval must be a positive Go duration such as 15s or 1m, not '15'"],
    [['--verbose', '.'], "unknown option '--verbose'"],
    [['--format'], '--format needs a value'],
    [['missing.yaml'], 'missing.yaml: cannot read: no such file or folder'],
  ])('%j', async (args, message) => {
    const result = await lint(args, dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  test('unparsable YAML names the file and the line', async () => {
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n labels: {}\n');
    const result = await lint(['broken.yaml'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^flagger-doctor lint: broken\.yaml:5: invalid YAML: /);
  });

  test('a YAML alias that refers to itself names the file and the line: exit 2, not an internal error', async () => {
    const folder = tutorialFolder((canary) => canary.replace('        metadata:\n          type: bash\n', '        metadata: &m\n          type: bash\n          self: *m\n'));
    const result = await lint([folder], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^flagger-doctor lint: ${folder}/tutorial-canary\\.yaml:\\d+: the alias \\*m refers to the node it is in`));
  });

  test('a folder without manifests', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    const result = await lint(['empty'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Kubernetes objects found in empty');
  });
});

describe('the flagger-doctor bin', () => {
  function spawnLint(args: string[]) {
    return spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'flagger-doctor.js'), 'lint', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  }

  test('exit 0 with warnings, 1 with errors, 2 for unreadable input', () => {
    const good = spawnLint([tutorialFolder()]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/0 errors, 2 warnings in 7 objects from 5 files\n$/);

    const broken = tutorialFolder((canary) => canary.replace('podinfo-canary.test:9898', 'podinfo-canary.test:8080'));
    const bad = spawnLint(['--format', 'json', broken]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).filter((f: any) => f.severity === 'error').map((f: any) => f.rule)).toEqual(['command-wrong-service']);

    const unreadable = spawnLint(['does-not-exist']);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain('does-not-exist: cannot read');
  });
});
