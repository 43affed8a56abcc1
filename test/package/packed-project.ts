import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/project-copy';

/** What `npm pack --json` reports for one package. */
export interface PackResult {
  readonly filename: string;
  readonly version: string;
  /** The tarball's SHA-512, as in a lockfile. */
  readonly integrity: string;
  /** Bytes of the .tgz. */
  readonly size: number;
  /** Bytes of the files in it. */
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** Folders of a checkout that are never part of what gets packed: tools, outputs, VCS. */
const NOT_COPIED = new Set(['node_modules', '.git', 'build', 'dist']);

/**
 * The environment for npm and the tools it starts: the caller's, without the `npm_*` variables npm
 * sets for `npm test` (such as npm_config_local_prefix, which would point npm at this project).
 */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return { ...env, CDK8S_CHECK_UPGRADE: 'false', NO_COLOR: '1', ...extra };
}

export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 180_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: toolEnv(env), timeout: timeoutMs });
}

/** Runs a command that must succeed; a failure throws with its output. */
export function runOk(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}${result.error ? `\n${result.error.message}` : ''}`);
  }
  return result.stdout;
}

/**
 * A throw-away copy of this checkout (without node_modules, build/, dist/ and .git; the project's
 * node_modules linked in), built with `npm run build`, ready for `npm pack`. Packing a copy keeps
 * the tests from writing build/ into the checkout while other tests read it.
 */
export function builtProjectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-pack-'));
  fs.cpSync(PROJECT_ROOT, dir, {
    recursive: true,
    filter: (source) => path.dirname(source) !== PROJECT_ROOT || !NOT_COPIED.has(path.basename(source)),
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  runOk('npm', ['run', 'build'], dir);
  return dir;
}

/**
 * `npm pack --json` in `dir`: the tarball is written to `destination`, or with `dryRun` only listed.
 * Scripts are skipped because `builtProjectCopy` has just built it (`prepare` would compile it again).
 */
export function pack(dir: string, options: { readonly dryRun?: boolean; readonly destination?: string } = {}): PackResult {
  const args = ['pack', '--json', '--ignore-scripts'];
  if (options.dryRun) args.push('--dry-run');
  if (options.destination) args.push('--pack-destination', options.destination);
  const [result] = JSON.parse(runOk('npm', args, dir)) as PackResult[];
  return result;
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
