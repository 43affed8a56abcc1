import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CliResult, runDoctor } from '../support/cli';
import { PROJECT_ROOT } from '../support/project-copy';

/**
 * Every bad input exits 2 with one line on stderr that names the file (and the line, when there is
 * one) and says why in one sentence; exit 3 is only for bugs. The cases the process can provoke in
 * this process run in-process; FIFOs with a writer, devices, a folder on standard input and
 * permissions run the real binary.
 */
const BIN = path.join(PROJECT_ROOT, 'bin', 'flagger-doctor.js');
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: test\nspec:\n  ports:\n  - port: 80\n';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-bad-input-'));
});
afterAll(() => {
  fs.chmodSync(dir, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  fs.writeFileSync(path.join(dir, name), content);
  return name;
}

/** Exit 2, nothing on stdout, and exactly one line on stderr that matches `message`. */
function expectRefused(result: Pick<CliResult, 'stdout' | 'stderr'> & { code?: number | null; status?: number | null }, message: RegExp): void {
  expect({ code: result.code ?? result.status, stdout: result.stdout, stderr: result.stderr })
    .toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(message) });
  expect(result.stderr.endsWith('\n') && !result.stderr.slice(0, -1).includes('\n')).toBe(true);
}

/** `<<` nine levels deep: 9^9 = 387 million strings from 300 bytes. */
const BILLION_LAUGHS = ['kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, index) => `  ${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n');

describe.each(['lint', 'plan'])('flagger-doctor %s: malformed YAML is refused at its line', (command) => {
  test.each([
    ['an alias bomb ("billion laughs")', BILLION_LAUGHS,
      /^flagger-doctor \w+: bad\.yaml:1: the aliases in document 1 \(line 1\) expand to more than 1000 nodes, as a "billion laughs" attack does; /],
    ['an alias without its anchor', `${SERVICE}---\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: *nope\n`,
      /^flagger-doctor \w+: bad\.yaml:13: the alias \*nope has no anchor &nope before it in document 2 \(line 10\)\.\n$/],
    ['an alias to an anchor that comes after it', 'kind: ConfigMap\ndata:\n  a: *later\n  b: &later x\n',
      /^flagger-doctor \w+: bad\.yaml:3: the alias \*later has no anchor &later before it/],
    ['a merge key given a list of numbers', 'kind: ConfigMap\nmetadata:\n  <<: [1, 2]\n  name: x\n',
      /^flagger-doctor \w+: bad\.yaml:3: a merge key \(<<\) must be given a mapping, an alias of one, or a list of them\.\n$/],
    ['a merge key given a number', 'kind: ConfigMap\nmetadata:\n  name: x\n  <<: 5\n', /^flagger-doctor \w+: bad\.yaml:4: a merge key \(<<\)/],
    ['a merge key given an alias of a string', 'kind: ConfigMap\nx: &s text\nmetadata:\n  <<: *s\n', /^flagger-doctor \w+: bad\.yaml:4: a merge key \(<<\)/],
    ['a key given twice', 'kind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', /^flagger-doctor \w+: bad\.yaml:4: invalid YAML: the key "name" appears twice in one mapping\.\n$/],
    ['nesting deeper than yaml can read', `kind: A\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /^flagger-doctor \w+: bad\.yaml:2: invalid YAML: it is nested too deeply to read\.\n$/],
    ['bytes that are not text', Buffer.from(Array.from({ length: 256 }, (_, index) => 255 - index)), /^flagger-doctor \w+: bad\.yaml:1: /],
  ])('%s', async (_name, content, message) => {
    const result = await runDoctor([command, write('bad.yaml', content)], { cwd: dir });
    expectRefused(result, message);
  });

  test('a document larger than any Kubernetes object (8 MiB) is refused before it is parsed', async () => {
    const result = await runDoctor([command, write('huge.yaml', `${SERVICE}---\nkind: ConfigMap\ndata:\n  a: "${'a'.repeat(8 * 1024 * 1024)}"\n`)], { cwd: dir });
    expectRefused(result, /^flagger-doctor \w+: huge\.yaml:9: document 2 has more than 8 MiB, more than a Kubernetes object can have \(etcd stores at most 1\.5 MiB\); write one document per object\.\n$/);
  });
});

describe('flagger-doctor lint: the size limit per input (--max-bytes)', () => {
  test('a file of exactly --max-bytes is read; one byte more is refused, naming the file and the limit', async () => {
    // GIVEN a manifest of 2048 bytes
    const file = write('sized.yaml', `${SERVICE}${'#'.repeat(2048 - SERVICE.length - 1)}\n`);
    expect(fs.statSync(path.join(dir, file)).size).toBe(2048);

    // WHEN linted with a limit of 2048 bytes, and of 2047
    const exact = await runDoctor(['lint', '--max-bytes', '2Ki', file], { cwd: dir });
    const over = await runDoctor(['lint', '--max-bytes=2047', file], { cwd: dir });

    // THEN
    expect(exact.code).toBe(0);
    expectRefused(over, /^flagger-doctor lint: sized\.yaml: larger than 2047 bytes, the size limit per input \(--max-bytes\)\.\n$/);
  });

  test('standard input has the same limit', async () => {
    const result = await runDoctor(['plan', '--max-bytes', '1Ki', '-'], { cwd: dir, stdin: `${SERVICE}${'#'.repeat(2000)}\n` });
    expectRefused(result, /^flagger-doctor plan: <stdin>: larger than 1 KiB, the size limit per input \(--max-bytes\)\.\n$/);
  });

  test('the limit is per input: two files under it are read together', async () => {
    write('one.yaml', SERVICE);
    write('two.yaml', SERVICE.replace('name: a', 'name: b'));
    const result = await runDoctor(['lint', '--max-bytes', String(SERVICE.length + 1), 'one.yaml', 'two.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/in 2 objects from 2 files\n$/);
  });

  test.each([['0'], ['abc'], ['1.5Mi'], ['64 Mi'], ['=-1'], ['99999999999999999999']])('--max-bytes %s is a usage error', async (value) => {
    const result = await runDoctor(['lint', value.startsWith('=') ? `--max-bytes${value}` : '--max-bytes', ...(value.startsWith('=') ? [] : [value]), 'one.yaml'], { cwd: dir });
    expectRefused(result, /^flagger-doctor lint: --max-bytes must be a size in bytes such as 64Mi, 100M or 1048576, not '.*'\.\n$/);
  });
});

describe('flagger-doctor lint: paths that are not regular files', () => {
  test('a symbolic link loop', async () => {
    fs.symlinkSync('loop-b.yaml', path.join(dir, 'loop-a.yaml'));
    fs.symlinkSync('loop-a.yaml', path.join(dir, 'loop-b.yaml'));
    expectRefused(await runDoctor(['lint', 'loop-a.yaml'], { cwd: dir }), /^flagger-doctor lint: loop-a\.yaml: cannot read: too many levels of symbolic links\.\n$/);
  });

  test('a socket', async () => {
    const server = net.createServer();
    const socket = path.join(dir, 'socket.yaml');
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expectRefused(await runDoctor(['lint', 'socket.yaml'], { cwd: dir }), /^flagger-doctor lint: socket\.yaml: cannot read: it is a socket, or a device that is not there\.\n$/);
    } finally {
      server.close();
    }
  });

  test('a path through a file', async () => {
    write('plain.yaml', SERVICE);
    expectRefused(await runDoctor(['lint', 'plain.yaml/x.yaml'], { cwd: dir }), /^flagger-doctor lint: plain\.yaml\/x\.yaml: cannot read: a part of the path is not a folder\.\n$/);
  });

  test('/dev/null holds no objects', async () => {
    expectRefused(await runDoctor(['lint', '/dev/null'], { cwd: dir }), /^flagger-doctor lint: no Kubernetes objects found in \/dev\/null \(1 manifest file\)\.\n$/);
  });

  test('a FIFO in a folder is not read (it could wait for a writer forever); a regular file beside it is', async () => {
    fs.mkdirSync(path.join(dir, 'with-fifo'));
    fs.writeFileSync(path.join(dir, 'with-fifo', 'a.yaml'), SERVICE);
    expect(spawnSync('mkfifo', [path.join(dir, 'with-fifo', 'b.yaml')]).status).toBe(0);
    const result = await runDoctor(['lint', 'with-fifo'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/in 1 object from 1 file\n$/);
  });
});

describe('flagger-doctor lint: FIFOs and devices are read like files, within the limit', () => {
  function spawnLint(args: string[], stdin: 'ignore' | number = 'ignore'): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [BIN, 'lint', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: [stdin, 'pipe', 'pipe'] });
  }

  /** A FIFO in the test folder, and a writer that runs `shell` into it. */
  function fifoWith(name: string, shell: string): { fifo: string; writer: ChildProcess } {
    const fifo = path.join(dir, name);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `${shell} > "$1" 2>/dev/null`, 'sh', fifo], { stdio: 'ignore' });
    return { fifo: name, writer };
  }

  test('a FIFO, as `<(kustomize build)` gives, is read', () => {
    write('service.yaml', SERVICE);
    const { fifo, writer } = fifoWith('piped.yaml', `cat "${path.join(dir, 'service.yaml')}"`);
    const result = spawnLint([fifo]);
    writer.kill();
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/0 errors, 0 warnings in 1 object from 1 file\n$/);
  });

  test('an endless FIFO stops at the limit', () => {
    const { fifo, writer } = fifoWith('endless.yaml', 'yes "# more"');
    const result = spawnLint(['--max-bytes', '1Mi', fifo]);
    writer.kill();
    expectRefused(result, /^flagger-doctor lint: endless\.yaml: larger than 1 MiB, the size limit per input \(--max-bytes\)\.\n$/);
  });

  test('/dev/zero stops at the default limit of 64 MiB', () => {
    expectRefused(spawnLint(['/dev/zero']), /^flagger-doctor lint: \/dev\/zero: larger than 64 MiB, the size limit per input \(--max-bytes\)\.\n$/);
  });

  test('/dev/zero on standard input stops at the limit too', () => {
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      expectRefused(spawnLint(['--max-bytes', '10Mi', '-'], zero), /^flagger-doctor lint: <stdin>: larger than 10 MiB, the size limit per input \(--max-bytes\)\.\n$/);
    } finally {
      fs.closeSync(zero);
    }
  });

  test('a folder on standard input is named, not read as empty', () => {
    const folder = fs.openSync(dir, 'r');
    try {
      expectRefused(spawnLint(['-'], folder), /^flagger-doctor lint: <stdin>: cannot read: it is a folder\.\n$/);
    } finally {
      fs.closeSync(folder);
    }
  });
});

/**
 * Permission denied. Root reads every file whatever its mode, so as root the binary runs without the
 * capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), through setpriv; as any other user,
 * chmod is enough.
 */
describe('flagger-doctor lint: permission denied', () => {
  const DROP = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];
  const isRoot = process.getuid?.() === 0;
  const canDrop = !isRoot || spawnSync('setpriv', [...DROP, 'true']).status === 0;

  function spawnLintUnprivileged(args: string[]): SpawnSyncReturns<string> {
    const command = isRoot ? ['setpriv', ...DROP, process.execPath] : [process.execPath];
    return spawnSync(command[0], [...command.slice(1), BIN, 'lint', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  }

  (canDrop ? test : test.skip)('a file that cannot be read, and a folder that cannot be listed, are named: exit 2', () => {
    // GIVEN a file and a folder nobody may read
    fs.mkdirSync(path.join(dir, 'locked'));
    fs.writeFileSync(path.join(dir, 'locked', 'a.yaml'), SERVICE);
    write('secret.yaml', SERVICE);
    fs.chmodSync(path.join(dir, 'secret.yaml'), 0o000);
    fs.chmodSync(path.join(dir, 'locked'), 0o000);
    try {
      // WHEN linted without the right to read them
      const file = spawnLintUnprivileged(['secret.yaml']);
      const folder = spawnLintUnprivileged(['locked']);

      // THEN
      expectRefused(file, /^flagger-doctor lint: secret\.yaml: cannot read: permission denied\.\n$/);
      expectRefused(folder, /^flagger-doctor lint: locked: cannot list the folder: permission denied\.\n$/);
    } finally {
      fs.chmodSync(path.join(dir, 'locked'), 0o755);
      fs.chmodSync(path.join(dir, 'secret.yaml'), 0o644);
    }
  });

  test('the same, in-process, with the system calls failing as they do for an unprivileged user', async () => {
    write('denied.yaml', SERVICE);
    fs.mkdirSync(path.join(dir, 'denied-folder'));
    const denied = (syscall: string, file: string) => Object.assign(new Error(`EACCES: permission denied, ${syscall} '${file}'`), { code: 'EACCES', syscall });
    // The module itself, not this file's namespace copy of it, which the sources read through.
    const realFs: typeof fs = jest.requireActual('fs');
    const open = jest.spyOn(realFs, 'openSync').mockImplementation((file) => { throw denied('open', String(file)); });
    const list = jest.spyOn(realFs, 'readdirSync').mockImplementation((file) => { throw denied('scandir', String(file)); });
    try {
      expectRefused(await runDoctor(['lint', 'denied.yaml'], { cwd: dir }), /^flagger-doctor lint: denied\.yaml: cannot read: permission denied\.\n$/);
      expectRefused(await runDoctor(['lint', 'denied-folder'], { cwd: dir }), /^flagger-doctor lint: denied-folder: cannot list the folder: permission denied\.\n$/);
    } finally {
      open.mockRestore();
      list.mockRestore();
    }
  });
});

describe('flagger-doctor explain --manifests: the same checks', () => {
  test('an alias bomb in --manifests exits 2, naming the file', async () => {
    const result = await runDoctor(['explain', '--manifests', write('bomb.yaml', BILLION_LAUGHS), '-'], { cwd: dir, stdin: '' });
    expectRefused(result, /^flagger-doctor explain: --manifests: bomb\.yaml:1: the aliases in document 1 \(line 1\) expand to more than 1000 nodes/);
  });
});
