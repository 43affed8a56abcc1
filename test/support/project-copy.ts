import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/**
 * A throw-away copy of the project's app (main.ts, lib/, imports/, scripts/, cdk8s.yaml) with the
 * real node_modules linked in, so tests can run the real synth and break the app without touching
 * the project's own dist/.
 */
export function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-project-'));
  for (const entry of ['main.ts', 'lib', 'imports', 'scripts', 'bin', 'cdk8s.yaml', 'package.json', 'tsconfig.json']) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
    timeout: 60_000,
  });
}

/** Every file under `dir` with its content (a folder as `name/`, listed with its files), for byte-for-byte comparisons. */
export function readTree(dir: string, prefix = ''): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.isDirectory()) {
      tree[`${prefix}${entry.name}/`] = '';
      Object.assign(tree, readTree(path.join(dir, entry.name), `${prefix}${entry.name}/`));
    } else {
      tree[`${prefix}${entry.name}`] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
    }
  }
  return tree;
}
