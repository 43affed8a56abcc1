import * as fs from 'fs';
import * as path from 'path';
import { RAW_CONTROL, Sandbox, SandboxOptions, visible } from './sandbox';

// Every setting of setup.sh, given hostile or out-of-range values: each is refused up front with exit 2
// and one sentence naming the variable, the value (escaped) and what is allowed, before any tool runs.

const sandboxes: Sandbox[] = [];
function sandbox(options?: SandboxOptions): Sandbox {
  const created = new Sandbox(options);
  sandboxes.push(created);
  return created;
}
afterEach(() => {
  while (sandboxes.length > 0) sandboxes.pop()!.cleanup();
});

/** Refused by every setting: shell syntax, a forged line, terminal escapes, an option, a path. */
const HOSTILE = [
  '$(touch pwned)',
  '`touch pwned`',
  'test;touch pwned',
  'test\nINGRESS_PORT=1',
  '\u001b]0;owned\u0007\u001b[2Jtest',
  '\u009b31mtest',
  '-A',
  '--all-namespaces',
  '../../etc/passwd',
  'a b',
];

/** Values refused by one kind of setting only, and values it accepts. */
const LABEL = { refused: ['Test', 'test-', 'a.b', 'a'.repeat(64), 'tést'], accepted: ['test', 'a', 'a'.repeat(63), 'x-1'] };
const PORT = { refused: ['0', '65536', '99999', '99999999999999999999', '08080', '-1', '1.5', '80 '], accepted: ['1', '8080', '65535'] };
const SECONDS_ = { refused: ['0', '86401', '1e3', '99999999999999999999', '5s'], accepted: ['1', '300', '86400'] };

const SETTINGS: Record<string, { refused: string[]; accepted: string[] }> = {
  CLUSTER_NAME: { refused: ['Demo', '-demo', 'demo.', 'a'.repeat(51)], accepted: ['demo', 'kind.local-1'] },
  KIND_NODE_IMAGE: {
    refused: ['kindest/node:v1.33.1@sha256:abc', 'kindest/node::v1', 'Kindest/node'],
    accepted: ['kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d', 'localhost:5000/node:dev'],
  },
  INGRESS_PORT: PORT,
  INGRESS_NODE_PORT: { refused: ['8080', '29999', '32768', '99999999999999999999', '030080'], accepted: ['30000', '32767'] },
  ISTIO_RELEASE: { refused: ['release-1.29/../../x', 'release-1', 'main', 'v1.29.2', '1.29'], accepted: ['release-1.29', 'master', '1.29.2', '1.30.0-rc.1'] },
  FLAGGER_VERSION: { refused: ['v1.44.0/../../x', '1.44.0', 'v1.44', 'v1.44.0-evil', 'master'], accepted: ['v1.44.0', 'main', 'v1.45.0-rc.1'] },
  ISTIO_NAMESPACE: LABEL,
  APP_NAMESPACE: LABEL,
  CANARY_NAME: LABEL,
  PODINFO_DEPLOYMENT: LABEL,
  PODINFO_CONTAINER: LABEL,
  CANARY_SERVICE: LABEL,
  LOADTESTER_NAME: LABEL,
  LOADTESTER_NAMESPACE: LABEL,
  PODINFO_PORT: PORT,
  PODINFO_IMAGE: {
    refused: ['ghcr.io/stefanprodan/podinfo:6.0.0', 'ghcr.io/stefanprodan/podinfo@sha256:0', 'GHCR.io/x', 'ghcr.io//x'],
    accepted: ['ghcr.io/stefanprodan/podinfo', 'registry.local:5000/team/web', 'podinfo'],
  },
  TRIGGER_TAG: { refused: ['.hidden', '-x', 'a'.repeat(129), '6.0.2:latest'], accepted: ['6.0.2', 'v1_2-rc.3', 'a'.repeat(128)] },
  APP_HOST: { refused: ['*.example.com', 'a..b', 'App.example.com', 'example.com.', 'host:80'], accepted: ['app.example.com', 'localhost'] },
  ROLLOUT_TIMEOUT: SECONDS_,
  CANARY_TIMEOUT: SECONDS_,
  WATCH_TIMEOUT: SECONDS_,
  WATCH_START_TIMEOUT: SECONDS_,
  POLL_INTERVAL: { refused: ['0', '0.5', '3601', '99999999999999999999'], accepted: ['1', '5', '3600'] },
  FAIL_DURATION: {
    refused: ['0s', '0', '10', '10 m', '-10m', '10m;id', '10M', '999999h', '1h1h1h1h1h1h1h1h1h1h1h1h1h', '0.0s'],
    accepted: ['10m', '90s', '1h30m', '1.5m', '500ms', '99999h'],
  },
  PROJECT_DIR: { refused: ['/nonexistent/project'], accepted: [] },
};

/** A machine where `up` would get far: every tool present, no cluster yet. */
const READY = { STUB_CANARY_PHASES: 'Initializing Initialized' };

describe('setup.sh settings: hostile values are refused before anything runs', () => {
  test.each(Object.keys(SETTINGS))('%s', (name) => {
    const box = sandbox();
    for (const value of [...HOSTILE, ...SETTINGS[name].refused]) {
      // GIVEN the setting set to a hostile or out-of-range value, WHEN the user runs ./setup.sh
      const result = box.run([], { ...READY, [name]: value });

      // THEN it exits 2 with one sentence that names the variable and shows the value escaped
      const context = `${name}=${JSON.stringify(value)}`;
      expect({ context, status: result.status }).toEqual({ context, status: 2 });
      expect({ context, stderr: result.stderr }).toEqual({
        context, stderr: expect.stringMatching(new RegExp(`^setup\\.sh: ${name} is '${escapeRegExp(visible(value))}', but it must be [^\\n]+\\.\\n$`)),
      });
      expect(result.stdout).toBe('');
      // AND no tool ran, and nothing was executed or created
      expect({ context, calls: result.calls }).toEqual({ context, calls: [] });
      expect(fs.readdirSync(box.project)).toEqual([]);
      expect(fs.existsSync(path.join(box.root, 'pwned'))).toBe(false);
    }
  });

  test.each(Object.keys(SETTINGS).filter((name) => SETTINGS[name].accepted.length > 0))('%s accepts its valid values', (name) => {
    for (const value of SETTINGS[name].accepted) {
      // GIVEN a valid value, WHEN setup.sh checks its settings (`down` needs none of the app's names)
      const result = sandbox().run(['down'], { [name]: value });

      // THEN it gets past the check
      expect({ name, value, stderr: result.stderr, status: result.status }).toEqual({ name, value, stderr: '', status: 0 });
    }
  });

  test('every setting in the usage text is covered here', () => {
    const result = sandbox().run(['help']);
    const listed = [...result.stdout.matchAll(/\b([A-Z][A-Z_]+) \[/g)].map((match) => match[1]).sort();
    expect(listed).toEqual(Object.keys(SETTINGS).sort());
  });

  test('a setting is checked by every command, not only up', () => {
    for (const command of [['trigger'], ['watch'], ['fail'], ['status'], ['down']]) {
      const result = sandbox({ synthesized: true }).run(command, { STUB_KIND_CLUSTERS: 'istio-flagger', APP_NAMESPACE: '-A' });

      expect({ command, status: result.status, calls: result.calls }).toEqual({ command, status: 2, calls: [] });
      expect(result.stderr).toMatch(/^setup\.sh: APP_NAMESPACE is '-A', but it must be a DNS-1123 label/);
    }
  });

  test('help shows hostile values escaped, without running anything', () => {
    const result = sandbox().run(['help'], { CLUSTER_NAME: '\u001b]0;owned\u0007demo', APP_HOST: 'evil\nforged line' });

    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain('CLUSTER_NAME [\\x1b]0;owned\\x07demo]');
    expect(result.stdout).toContain('APP_HOST [evil\\nforged line]');
    expect(result.calls).toEqual([]);
  });

  test('POLL_INTERVAL is how long each poll waits', () => {
    const result = sandbox({ synthesized: true }).run(['watch'], {
      STUB_KIND_CLUSTERS: 'istio-flagger', STUB_CANARY_PHASES: 'Progressing|0|0 Progressing|10|0 Succeeded|0|0', POLL_INTERVAL: '7',
    });

    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.startsWith('sleep '))).toEqual(['sleep 7', 'sleep 7']);
  });

  test('a project folder whose name holds control characters works, and is shown escaped', () => {
    // GIVEN the project reached through a link whose name has ESC, BEL and a newline
    const box = sandbox();
    const hostile = path.join(box.root, 'my\u001b]0;owned\u0007\nproject');
    fs.symlinkSync(box.project, hostile);

    // WHEN setup.sh runs from there
    const result = box.run([], { ...READY, PROJECT_DIR: hostile });

    // THEN it succeeds, and never prints the name raw
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);

    // AND a failure that names the folder shows it escaped
    fs.rmSync(path.join(box.project, 'dist'), { recursive: true });
    const failed = box.run([], { ...READY, PROJECT_DIR: hostile, STUB_SYNTH_EMPTY: '1' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`'npm run synth' left no manifests in ${visible(hostile)}/dist/`);
    expect(failed.stderr + failed.stdout).not.toMatch(RAW_CONTROL);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
