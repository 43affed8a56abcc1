import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { copyProject: copyProjectFolder } = require('../../scripts/project-copy') as { copyProject: (prefix: string) => string };

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/**
 * A throw-away copy of the project's app (main.ts, lib/, imports/, scripts/, cdk8s.yaml) with the
 * real packages linked in (and caches of its own), so tests can run the real synth and break the
 * app without touching the project's own dist/ or caches.
 */
export function copyProject(): string {
  return copyProjectFolder('flagger-project-');
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
