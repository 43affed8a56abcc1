import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/project-copy';
import { REFERENCE_DIR } from '../support/reference';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flagger-doctor.js');
const HALT = 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic';

describe('flagger-doctor as a process', () => {
  test('reads standard input that arrives slowly, in pieces', async () => {
    // GIVEN a pipe that is empty when the doctor starts reading
    const child = spawn(process.execPath, [BIN, 'explain', '--format', 'json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // WHEN the log arrives in two pieces, 300 ms apart
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.write(`${HALT}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.end(`${HALT}\n`);
    // THEN both lines are read and explained
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout).map((entry: { id: string }) => entry.id)).toEqual(['no-values-found', 'no-values-found']);
  });

  test('a reader that stops early (| head) gets no stack trace, and the exit code stays the command\'s', () => {
    // GIVEN manifests with a lint error
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-pipe-'));
    const canary = fs.readFileSync(path.join(REFERENCE_DIR, 'tutorial-canary.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'canary.yaml'), canary);
    try {
      // WHEN its output is cut after one line
      const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" lint --complete "${dir}" | head -1 >/dev/null; exit "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
      // THEN
      expect(result.status).toBe(1);
      expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
