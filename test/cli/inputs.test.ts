import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSize } from '../../lib/cli/args';
import { InputError, readInputChunks, readInputLines, readInputText, readLogs, readManifests, STDIN_NAME } from '../../lib/cli/inputs';
import { CliIO, UsageError } from '../../lib/cli/io';

/** A CliIO whose standard input delivers `chunks`, and that counts how often it is opened. */
function ioWith(cwd: string, chunks: ReadonlyArray<string | Uint8Array> = []): CliIO & { opened: () => number } {
  let opened = 0;
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    cwd,
    stdin: () => {
      opened++;
      return (async function* stdin() {
        for (const chunk of chunks) yield chunk;
      })();
    },
    opened: () => opened,
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readInputText', () => {
  test('reads a file, or standard input for -', async () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: A\n');
    expect(await readInputText('a.yaml', ioWith(dir))).toBe('kind: A\n');
    expect(await readInputText('-', ioWith(dir, ['kind: ', Buffer.from('B\n')]))).toBe('kind: B\n');
  });

  test('stops at maxBytes, for a file and for standard input', async () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), 'x'.repeat(10));
    await expect(readInputText('big.yaml', ioWith(dir), { maxBytes: 9 })).rejects.toThrow(new InputError('big.yaml', 'larger than 9 bytes, the size limit per input (--max-bytes).'));
    await expect(readInputText('-', ioWith(dir, ['xxxxx', 'xxxxx']), { maxBytes: 9 })).rejects.toThrow(`${STDIN_NAME}: larger than 9 bytes`);
  });

  test('a failed read of standard input is an InputError; anything else thrown is passed on', async () => {
    const failing = (error: Error): CliIO => ({ ...ioWith(dir), stdin: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) }) });
    const eisdir = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR', syscall: 'read' });
    await expect(readInputText('-', failing(eisdir))).rejects.toThrow(new InputError(STDIN_NAME, 'cannot read: it is a folder.'));
    const terminal = new UsageError('standard input is a terminal; pipe the input in, or name a file.');
    await expect(readInputText('-', failing(terminal))).rejects.toBe(terminal);
  });
});

describe('readInputLines and readInputChunks', () => {
  test('lines of a UTF-16 file, as PowerShell writes it', async () => {
    fs.writeFileSync(path.join(dir, 'ps.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('one\r\ntwo ✓\r\n', 'utf16le')]));
    expect((await all(readInputLines('ps.log', ioWith(dir)))).map((line) => line.text)).toEqual(['one', 'two ✓']);
  });

  test('lines of standard input as it arrives, a long one cut', async () => {
    const lines = await all(readInputLines('-', ioWith(dir, ['a\nbbb', 'bbb\r', '\nc']), { maxLineLength: 4 }));
    expect(lines).toEqual([
      { text: 'a', number: 1, truncated: false }, { text: 'bbbb', number: 2, truncated: true }, { text: 'c', number: 3, truncated: false },
    ]);
  });

  test('the size limit holds for lines; maxBytes: Infinity lifts it', async () => {
    const io = () => ioWith(dir, Array(10).fill('line\n'));
    await expect(all(readInputLines('-', io(), { maxBytes: 20 }))).rejects.toThrow(`${STDIN_NAME}: larger than 20 bytes`);
    expect(await all(readInputLines('-', io(), { maxBytes: Infinity }))).toHaveLength(10);
  });

  test('a reader that stops early, or an input over the limit, releases standard input', async () => {
    let released = 0;
    const io: CliIO = {
      ...ioWith(dir),
      stdin: () => (async function* endless() {
        try {
          for (;;) yield 'line\n';
        } finally {
          released++;
        }
      })(),
    };
    for await (const line of readInputLines('-', io)) {
      expect(line.text).toBe('line');
      break;
    }
    await expect(readInputText('-', io, { maxBytes: 100 })).rejects.toThrow('<stdin>: larger than 100 bytes');
    expect(released).toBe(2);
  });

  test('chunks of a device, up to the limit', async () => {
    let bytes = 0;
    await expect((async () => {
      for await (const chunk of readInputChunks('/dev/zero', ioWith(dir), { maxBytes: 300_000 })) bytes += chunk.byteLength;
    })()).rejects.toThrow('/dev/zero: larger than 300000 bytes');
    expect(bytes).toBeLessThanOrEqual(300_000);
  });

  test('a folder is an InputError', async () => {
    await expect(all(readInputLines('.', ioWith(dir)))).rejects.toThrow(new InputError('.', 'cannot read: it is a folder.'));
  });
});

describe('readManifests', () => {
  test('- read twice is read once; files are read in order', async () => {
    fs.writeFileSync(path.join(dir, 'ns.yaml'), 'kind: Namespace\nmetadata: {name: a}\n');
    const io = ioWith(dir, ['kind: Service\n---\nkind: ConfigMap\n']);
    const { objects, files } = await readManifests(['ns.yaml', '-', '-'], io);
    expect(objects.map((o) => [o.object.kind, o.source.file, o.source.line, o.source.order])).toEqual([
      ['Namespace', 'ns.yaml', 1, 0], ['Service', STDIN_NAME, 1, 1], ['ConfigMap', STDIN_NAME, 3, 2],
    ]);
    expect(files).toBe(2);
    expect(io.opened()).toBe(1);
  });
});

describe('readLogs', () => {
  test('a log over the limit is refused with the limit named', async () => {
    fs.writeFileSync(path.join(dir, 'big.log'), 'x\n'.repeat(100));
    await expect(readLogs(['big.log'], ioWith(dir), { maxBytes: 100 })).rejects.toThrow('big.log: larger than 100 bytes, the size limit per input (--max-bytes).');
  });

  test('a missing log keeps explain\'s wording', async () => {
    await expect(readLogs(['gone.log'], ioWith(dir))).rejects.toThrow(new UsageError('cannot read gone.log: no such file.'));
  });
});

describe('parseSize', () => {
  test.each([
    ['1048576', 1048576], ['64Mi', 64 * 1024 * 1024], ['64MiB', 64 * 1024 * 1024], ['1Ki', 1024], ['2Gi', 2 * 1024 ** 3],
    ['100M', 100_000_000], ['1k', 1000], ['5K', 5000], ['3G', 3e9], ['7B', 7],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each(['', '0', '-1', '1.5Mi', '64 Mi', 'Mi', '1Ti', '1mi', '99999999999999999999'])('%j is not a size', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});
