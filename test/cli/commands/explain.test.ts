import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explain } from '../../../lib/doctor/explain/explain';
import { messageJson } from '../../../lib/doctor/explain/json';
import { parseLogInput } from '../../../lib/doctor/input/logs';
import { CliResult, runDoctor } from '../../support/cli';

const FIXTURES = path.resolve(__dirname, '../../doctor/explain/fixtures');
const FAILED_RUN = path.join(FIXTURES, 'tutorial-failed-run.jsonl');
const BIN = path.resolve(__dirname, '../../../bin/flagger-doctor.js');

async function run(args: string[], options: { stdin?: string; cwd?: string } = {}): Promise<CliResult> {
  const result = await runDoctor(['explain', ...args], options);
  expect(result.stdinReads).toBeLessThanOrEqual(1);
  return result;
}

let workdir: string;
beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-command-'));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

describe('flagger-doctor explain: text output', () => {
  test('groups by canary: verdict, timeline, then each problem with causes, checks and fix', async () => {
    const result = await run([FAILED_RUN]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    const order = ['Canary test/podinfo', 'Verdict: ROLLED BACK.', 'Timeline (run 1)', 'Problem 1 of 1: no values found for request-duration',
      'What it means:', 'Likely causes, most likely first:', '$ kubectl -n test logs deploy/flagger-loadtester', 'Fix:'];
    const positions = order.map((text) => out.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/10:08:03 +rolling back: failed checks threshold reached \(5\)\n +<- counts failed checks #1-#5 above \(cumulative over the run, not consecutive\)/);
    expect(out).toContain('Read 15 lines: 15 Flagger messages recognised, 0 skipped (0 empty, 0 malformed, 0 unrecognised).');
  });

  test('lines stay readable in a terminal: prose is wrapped, commands are not', async () => {
    // a relative path, as typed, so the width does not depend on where the checkout lives
    const { stdout } = await run([path.basename(FAILED_RUN)], { cwd: path.dirname(FAILED_RUN) });
    expect(stdout).toContain('Verdict: ROLLED BACK.');
    for (const line of stdout.split('\n')) {
      if (!line.trimStart().startsWith('$ ')) expect(line.length).toBeLessThanOrEqual(100);
    }
    // no colour codes
    expect(stdout).not.toContain('\u001b[');
  });

  test('reads standard input when no FILE is given', async () => {
    const result = await run([], { stdin: fs.readFileSync(FAILED_RUN, 'utf8') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Verdict: ROLLED BACK.');
  });

  test('- reads standard input among the FILEs', async () => {
    const result = await run(['-', path.join(FIXTURES, 'wrong-cmd-url.loadtester.jsonl')], { stdin: fs.readFileSync(path.join(FIXTURES, 'wrong-cmd-url.flagger.jsonl'), 'utf8') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('first at -:5');
    expect(result.stdout).toContain('confirms the first cause, no load traffic');
  });

  test('several files are read together: the loadtester\'s logs confirm the cause', async () => {
    const result = await run([path.join(FIXTURES, 'wrong-cmd-url.flagger.jsonl'), path.join(FIXTURES, 'wrong-cmd-url.loadtester.jsonl')]);
    expect(result.stdout).toContain('confirms the first cause, no load traffic');
    expect(result.stdout).toContain('Problem 2 of 2: loadtester: hey\'s requests failed');
  });

  test('--manifests adds what the manifests say', async () => {
    const result = await run(['--manifests', path.join(FIXTURES, 'manifests', 'broken'), path.join(FIXTURES, 'wrong-webhook-url.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('From your manifests:');
    expect(result.stdout).toMatch(/lint error webhook-url-unresolved \(Canary\/podinfo\).*\n.*\n.*http:\/\/flagger-loadtester\.test\//);
  });

  test('input with nothing recognised still exits 0 and says how many lines were skipped', async () => {
    const result = await run([], { stdin: 'hello\n\n{"broken":\nrandom text\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Read 4 lines: 0 Flagger messages recognised, 4 skipped (1 empty, 1 malformed, 2 unrecognised).');
    expect(result.stdout).toContain('No Flagger messages recognised');
  });

  test('a UTF-16 file (PowerShell\'s >) is decoded by its byte order mark', async () => {
    // GIVEN the failed run's log saved as UTF-16LE with CRLF line ends
    const file = path.join(workdir, 'utf16.log');
    const text = fs.readFileSync(FAILED_RUN, 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    // WHEN explained
    const result = await run([file]);
    // THEN it reads as the UTF-8 original does
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Read 15 lines: 15 Flagger messages recognised');
    expect(result.stdout).toContain('Verdict: ROLLED BACK.');
  });

  test('kubectl describe\'s fields are read, not reported as unrecognised', async () => {
    const { stdout } = await run([path.join(FIXTURES, 'tutorial-failed-run.describe.txt')]);
    const summary = stdout.split('\n\n')[0].replace(/\n\s+/g, ' ');
    expect(summary).toMatch(/^Read \d+ lines: \d+ Flagger messages recognised, 0 skipped \(0 empty, 0 malformed, 0 unrecognised\); \d+ lines of kubectl's table headers and describe fields read\.$/);
  });

  test('binary garbage is read, not fatal', async () => {
    const file = path.join(workdir, 'garbage.bin');
    fs.writeFileSync(file, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 97 + 13) % 256)));
    const result = await run([file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Read \d+ lines: 0 Flagger messages recognised, \d+ skipped/);
  });
});

describe('flagger-doctor explain --format json', () => {
  test('prints exactly one JSON array, one entry per recognised message', async () => {
    const result = await run(['--format', 'json', FAILED_RUN]);
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout);
    expect(Array.isArray(entries)).toBe(true);
    expect(entries).toHaveLength(15);
    for (const entry of entries) {
      expect(entry).toEqual(expect.objectContaining({
        canary: entry.id === 'flagger-started' || entry.id === 'metrics-server-connected' ? null : 'podinfo.test', time: expect.any(String), level: expect.any(String), message: expect.any(String), id: expect.any(String),
        summary: expect.any(String), causes: expect.any(Array), checks: expect.any(Array), fix: expect.any(String),
      }));
    }
    expect(entries.map((e: { id: string }) => e.id)).toEqual([
      'flagger-started', 'metrics-server-connected', 'canary-synced', 'new-revision', 'analysis-started', 'pre-rollout-passed', 'weight-advanced', 'no-values-found', 'no-values-found',
      'weight-advanced', 'no-values-found', 'no-values-found', 'no-values-found', 'threshold-reached', 'canary-failed',
    ]);
    // every line was recognised, so nothing is reported on stderr
    expect(result.stderr).toBe('');
  });

  test('a large input is written element by element, and the pieces make the array JSON.stringify would', async () => {
    // GIVEN 4000 halts of one canary: megabytes of JSON, since every entry carries its diagnosis
    const text = Array.from({ length: 4000 }, (_, i) => JSON.stringify({
      level: 'info', ts: new Date(Date.UTC(2026, 10, 26, 10, 0, i)).toISOString(), canary: 'podinfo.test',
      msg: 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic',
    })).join('\n');
    // WHEN explained as JSON
    const result = await run(['--format', 'json'], { stdin: text });
    // THEN the output comes in several pieces of about a megabyte, never one huge string
    expect(result.code).toBe(0);
    expect(result.writes.length).toBeGreaterThan(2);
    for (const piece of result.writes) expect(piece.length).toBeLessThan(1.1 * 1024 * 1024);
    // and together they are exactly the one array the whole report would give
    const report = explain([parseLogInput(text)]);
    expect(result.stdout).toBe(`${JSON.stringify(report.messages.map(messageJson), null, 2)}\n`);
  });

  test('nothing recognised: an empty array', async () => {
    const result = await run(['--format=json'], { stdin: 'nothing here\n' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('flagger-doctor explain: bad usage exits 2', () => {
  test.each([
    [['--colour'], /unknown option '--colour'/],
    [['--format', 'yaml', FAILED_RUN], /--format must be text or json, not 'yaml'/],
    [['--format'], /--format needs a value/],
    [['--manifests'], /--manifests needs a value/],
    [['--manifests', '--format', 'json', FAILED_RUN], /--manifests needs a value/],
    [['--manifests='], /--manifests needs a value/],
  ])('%j', async (args, message) => {
    const result = await run(args as string[], { stdin: '' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message as RegExp);
  });

  test('an unreadable file is named', async () => {
    const result = await run(['does-not-exist.log'], { cwd: workdir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("flagger-doctor explain: cannot read does-not-exist.log: no such file.\n");
  });

  test('a directory given as FILE is named', async () => {
    const result = await run([FIXTURES]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read ${FIXTURES}: it is a directory`);
  });

  test('an unparsable manifest is named with its line', async () => {
    fs.writeFileSync(path.join(workdir, 'bad.yaml'), 'kind: Canary\nmetadata: [unclosed\n');
    const result = await run(['--manifests', 'bad.yaml', FAILED_RUN], { cwd: workdir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--manifests: bad\.yaml(:\d+)?: /);
  });

  test('--help prints usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: flagger-doctor explain/);
  });
});

describe('flagger-doctor explain: the real binary', () => {
  test('node bin/flagger-doctor.js explain FILE', () => {
    const result = spawnSync(process.execPath, [BIN, 'explain', FAILED_RUN], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Verdict: ROLLED BACK.');
  });

  test('node bin/flagger-doctor.js explain --format json < describe output on stdin', () => {
    const input = fs.readFileSync(path.join(FIXTURES, 'tutorial-failed-run.describe.txt'), 'utf8');
    const result = spawnSync(process.execPath, [BIN, 'explain', '--format', 'json'], { input, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout);
    expect(entries.find((e: { id: string }) => e.id === 'no-values-found')).toEqual(expect.objectContaining({ canary: 'podinfo.test', time: '3m ago', level: 'warning' }));
  });

  test('an unreadable file exits 2 with the file named', () => {
    const result = spawnSync(process.execPath, [BIN, 'explain', 'no-such-file.log'], { cwd: workdir, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot read no-such-file.log');
  });
});
