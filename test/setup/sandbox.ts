import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tutorialManifests } from './manifests';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const SETUP_SH = path.join(PROJECT_ROOT, 'setup.sh');
export const STUBS_DIR = path.join(__dirname, 'stubs');

/**
 * The tools setup.sh drives; each is replaced by a stub that records its arguments. `sleep` returns at
 * once, so that a poll loop costs no waiting; the timeouts still run on the real clock.
 */
export const STUBBED_TOOLS = ['docker', 'kind', 'kubectl', 'istioctl', 'npm', 'git', 'sleep'] as const;
export type StubbedTool = (typeof STUBBED_TOOLS)[number];

/** Real utilities the script and the stubs need. Nothing else of the machine is on PATH. */
const REAL_UTILITIES = [
  'bash', 'basename', 'cat', 'cp', 'cut', 'date', 'dirname', 'grep', 'head', 'ln', 'mkdir', 'mv', 'rm', 'sed', 'tail', 'awk',
];

/** This project's node_modules: what `npm ci` gives a sandbox project (setup.sh reads dist/ with its yaml). */
const NODE_MODULES = path.join(PROJECT_ROOT, 'node_modules');

function findExecutable(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`test setup: '${name}' is not on PATH`);
}

export interface SandboxOptions {
  /** Stubbed tools (or 'node') to leave off PATH, as if they were not installed. */
  readonly missing?: readonly (StubbedTool | 'node')[];
  /** Put a Node.js 18 on PATH instead of the real one. */
  readonly oldNode?: boolean;
  /**
   * Give the project a bin/flagger-doctor.js: `fake` answers `explain` recognisably and records its
   * arguments; `real` is this project's own, to check the contract between setup.sh and the doctor.
   */
  readonly doctor?: boolean | 'fake' | 'real';
  /** The project already has node_modules/ (a link to this project's). */
  readonly nodeModules?: boolean;
  /**
   * The project has been synthesized: node_modules/ and dist/ with `manifests`, as after `./setup.sh up`.
   * Commands other than `up` read the app's names from dist/.
   */
  readonly synthesized?: boolean;
  /** What `npm run synth` writes to dist/ (and what dist/ holds when `synthesized`); default the tutorial's. */
  readonly manifests?: string;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The stub calls of this run, one `tool arg...` string each, in order. */
  readonly calls: string[];
}

/**
 * A throw-away project, home and PATH for running the real setup.sh against stub tools. The stubs keep
 * their state (clusters, namespaces, canary polls) in the sandbox, so consecutive runs see each other's work.
 */
export class Sandbox {
  readonly root: string;
  readonly project: string;
  readonly home: string;
  readonly state: string;
  readonly bin: string;
  readonly log: string;

  /** The manifests `npm run synth` writes into the project's dist/. */
  readonly manifests: string;

  constructor(options: SandboxOptions = {}) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-sh-'));
    this.project = path.join(this.root, 'project');
    this.home = path.join(this.root, 'home');
    this.state = path.join(this.root, 'state');
    this.bin = path.join(this.root, 'bin');
    this.log = path.join(this.root, 'calls.log');
    for (const dir of [this.project, this.home, this.state, this.bin]) fs.mkdirSync(dir);
    fs.writeFileSync(this.log, '');

    const missing = new Set<string>(options.missing ?? []);
    for (const utility of REAL_UTILITIES) fs.symlinkSync(findExecutable(utility), path.join(this.bin, utility));
    fs.symlinkSync(path.join(STUBS_DIR, '_lib.sh'), path.join(this.bin, '_lib.sh'));
    for (const tool of STUBBED_TOOLS) {
      if (!missing.has(tool)) fs.symlinkSync(path.join(STUBS_DIR, tool), path.join(this.bin, tool));
    }
    if (!missing.has('node')) {
      const node = options.oldNode ? path.join(STUBS_DIR, 'node-too-old') : process.execPath;
      fs.symlinkSync(node, path.join(this.bin, 'node'));
    }
    this.manifests = this.file('synth.k8s.yaml', options.manifests ?? tutorialManifests());
    if (options.nodeModules || options.synthesized) fs.symlinkSync(NODE_MODULES, path.join(this.project, 'node_modules'));
    if (options.synthesized) {
      fs.mkdirSync(path.join(this.project, 'dist'));
      fs.copyFileSync(this.manifests, path.join(this.project, 'dist', 'app.k8s.yaml'));
    }
    if (options.doctor) {
      fs.mkdirSync(path.join(this.project, 'bin'));
      const doctor = path.join(this.project, 'bin', 'flagger-doctor.js');
      // Node resolves the symlink, so the real doctor runs from this project with its node_modules.
      if (options.doctor === 'real') fs.symlinkSync(path.join(PROJECT_ROOT, 'bin', 'flagger-doctor.js'), doctor);
      else fs.copyFileSync(path.join(STUBS_DIR, 'fake-flagger-doctor.js'), doctor);
    }
  }

  /** Writes a file into the sandbox and returns its path (for STUB_FLAGGER_LOG, STUB_EVENTS). */
  file(name: string, content: string): string {
    const file = path.join(this.root, name);
    fs.writeFileSync(file, content);
    return file;
  }

  /** Runs setup.sh with `args`; `env` adds stub settings or setup.sh overrides. */
  run(args: readonly string[], env: Record<string, string> = {}): RunResult {
    const before = this.allCalls().length;
    const result = spawnSync(SETUP_SH, [...args], {
      cwd: this.project,
      encoding: 'utf8',
      timeout: 20000,
      env: {
        PATH: this.bin,
        HOME: this.home,
        LANG: 'C',
        PROJECT_DIR: this.project,
        STUB_LOG: this.log,
        STUB_STATE: this.state,
        STUB_NODE_MODULES: NODE_MODULES,
        STUB_SYNTH_MANIFESTS: this.manifests,
        ...env,
      },
    });
    if (result.error) throw result.error;
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: this.allCalls().slice(before),
    };
  }

  /** Reads a file a stub saved in its state directory, e.g. the kind config it was given. */
  saved(name: string): string {
    return fs.readFileSync(path.join(this.state, name), 'utf8');
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private allCalls(): string[] {
    return fs.readFileSync(this.log, 'utf8').split('\n').filter((line) => line !== '');
  }
}

/** Index of the first call that matches `pattern`, or -1. */
export function indexOfCall(calls: readonly string[], pattern: RegExp): number {
  return calls.findIndex((call) => pattern.test(call));
}

/** Flagger's log as JSON lines (zap's format), one per `[canary, msg]`, a minute apart. */
export function flaggerLog(...lines: Array<[string, string]>): string {
  return lines
    .map(([canary, msg], index) => JSON.stringify({
      level: 'info', ts: `2024-06-01T10:0${index}:00.000Z`, caller: 'controller/events.go:33', msg, canary,
    }))
    .join('\n') + '\n';
}

/** Any control character except the newline that ends a line: none may reach the terminal raw. */
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** How setup.sh shows a string: control characters made visible, the rest as it is. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    const code = char.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
