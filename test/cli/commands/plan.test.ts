import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliResult, runDoctor } from '../../support/cli';
import { REFERENCE_DIR } from '../../support/reference';

const TUTORIAL_CANARY = path.join(REFERENCE_DIR, 'tutorial-canary.yaml');

function run(args: string[], cwd = process.cwd(), stdin?: string): Promise<CliResult> {
  return runDoctor(['plan', ...args], { cwd, stdin });
}

let workdir: string;
beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-command-'));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

function writeFile(name: string, text: string): string {
  fs.writeFileSync(path.join(workdir, name), text);
  return name;
}

describe('flagger-doctor plan: text', () => {
  test('prints the tutorial canary schedule with its times, promotion, rollback and load-test windows', async () => {
    // GIVEN the reference folder (the canary among podinfo, the loadtester and Flagger's install),
    // named relative to the working directory so that line widths do not depend on the checkout's path
    const result = await run([path.basename(REFERENCE_DIR)], path.dirname(REFERENCE_DIR));
    // THEN exit 0 and one plan, for test/podinfo
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Canary test\/podinfo \(.*tutorial-canary\.yaml:1\)$/);
    expect(result.stdout.match(/^Canary /gm)).toHaveLength(1);
    // interval 1m, stepWeight 10 up to maxWeight 50: weights 10..50 at 1m..5m, promotion copy at 6m, traffic at 7m, done at 8m
    const stepLine = (time: string) => lines.find((line) => line.trim().startsWith(`t=${time} `)) ?? '';
    [10, 20, 30, 40, 50].forEach((weight, index) => expect(stepLine(`${index + 1}m`)).toMatch(new RegExp(`canary weight ${weight}$`)));
    expect(stepLine('6m')).toMatch(/promote: canary spec copied to podinfo-primary/);
    expect(stepLine('7m')).toMatch(/all traffic routed to the primary/);
    expect(stepLine('8m')).toMatch(/canary scaled to zero/);
    // prose lines are wrapped at 100 columns; read them as one line each
    const flat = result.stdout.replace(/\n {3,}(?!t=)/g, ' ');
    expect(flat).toMatch(/Promotion: earliest at t=7m .* finished at t=8m, after 5 passing checks/);
    expect(result.stdout).toMatch(/Rollback: {2}at t=7m when every check fails/);
    expect(flat).toMatch(/at t=2m when the canary's pods are still unavailable 60s after the scale-up/);
    expect(result.stdout).toMatch(/10 req\/s × 2 workers = 20 req\/s, for 1m per run, all to the canary/);
    expect(flat).toMatch(/request-success-rate \(1m window, min 99, needs ≥ 100 requests\): t=2m 0 · t=3m 1200/);
    expect(result.stdout.split('\n').filter((line) => line.length > 100 && !line.includes('`'))).toEqual([]);
    expect(result.stdout).toMatch(/^ {2}warning: The first check, at 2m, sees no load-test requests/m);
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: flagger-doctor plan/);
  });
});

describe('flagger-doctor plan: json', () => {
  test('prints exactly one JSON array of plans on stdout', async () => {
    const result = await run(['--format', 'json', TUTORIAL_CANARY]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const plans = JSON.parse(result.stdout);
    expect(Array.isArray(plans)).toBe(true);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ kind: 'Canary', namespace: 'test', name: 'podinfo', intervalMs: 60_000 });
    expect(plans[0].promotion.promotedMs).toBe(7 * 60_000);
  });

  test('--scrape-interval reaches the plan: a 30s window holds one 30s scrape', async () => {
    const defaults = JSON.parse((await run(['--format=json', TUTORIAL_CANARY])).stdout)[0];
    const slow = JSON.parse((await run(['--format=json', '--scrape-interval=30s', TUTORIAL_CANARY])).stdout)[0];
    const duration = (plan: any) => plan.metrics.find((metric: any) => metric.name === 'request-duration');
    expect(duration(defaults).scrapesPerWindow).toBe(2);
    expect(duration(slow).scrapesPerWindow).toBe(1);
    expect(slow.messages.map((message: any) => message.message).join('\n')).toMatch(/request-duration: its 30s window holds 1 Prometheus scrape/);
  });

  test('with no Canary it prints [] and exits 1', async () => {
    const result = await run(['--format', 'json', path.join(REFERENCE_DIR, 'kustomize-podinfo.yaml')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.stderr).toMatch(/no Canary \(flagger\.app\) found/);
  });
});

describe('flagger-doctor plan: the installed bin', () => {
  test('node bin/flagger-doctor.js plan --format json prints the plans and exits 0', () => {
    const bin = path.resolve(__dirname, '../../../bin/flagger-doctor.js');
    const result = spawnSync(process.execPath, [bin, 'plan', '--format', 'json', TUTORIAL_CANARY], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).map((plan: any) => `${plan.namespace}/${plan.name}`)).toEqual(['test/podinfo']);
  });
});

describe('flagger-doctor plan: bad input', () => {
  test('no Canary among valid manifests: exit 1 and nothing on stdout', async () => {
    const file = writeFile('deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n');
    const result = await run([file], workdir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no Canary \(flagger\.app\) found in deployment\.yaml/);
  });

  test('unparsable YAML: exit 2 naming the file and the line', async () => {
    const file = writeFile('broken.yaml', 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo\n  namespace: test\n');
    const result = await run([file], workdir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^flagger-doctor plan: broken\.yaml:\d+: invalid YAML/);
  });

  test('PATH - reads the manifests from standard input', async () => {
    // GIVEN the tutorial canary piped in, as from `kustomize build`
    const canary = fs.readFileSync(TUTORIAL_CANARY, 'utf8');
    // WHEN
    const result = await run(['--format', 'json', '-'], workdir, canary);
    // THEN
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).map((plan: { name: string; file: string }) => [plan.name, plan.file])).toEqual([['podinfo', '<stdin>']]);
  });

  test('a missing path: exit 2 naming it', async () => {
    const result = await run(['no-such-dir/'], workdir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-such-dir\/.*no such file or folder/);
  });

  test.each([
    [[], /no PATH given/],
    [['--format', 'xml', 'x.yaml'], /--format must be text or json, not 'xml'/],
    [['--scrape-interval', '15', 'x.yaml'], /--scrape-interval must be a positive Go duration such as 15s or 1m, not '15'/],
    [['--scrape-interval', '0s', 'x.yaml'], /--scrape-interval must be a positive Go duration such as 15s or 1m, not '0s'/],
    [['--verbose', 'x.yaml'], /unknown option '--verbose'/],
    [['x.yaml', '--format'], /--format needs a value/],
  ])('usage error %j: exit 2', async (args, message) => {
    const result = await run(args as string[], workdir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
