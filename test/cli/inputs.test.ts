import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSize } from '../../lib/cli/args';
import { InputError, logInputs, readInputChunks, readInputText, readManifests, STDIN_NAME } from '../../lib/cli/inputs';
import { CliIO, UsageError } from '../../lib/cli/io';
import { LineReader } from '../../lib/doctor/input/logs';

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

/** The lines of an input as explain reads them: its chunks through a LineReader. */
async function linesOf(pieces: AsyncIterable<Uint8Array | string>): Promise<string[]> {
  const lines: string[] = [];
  const reader = new LineReader((line) => lines.push(line));
  for await (const piece of pieces) reader.push(piece);
  reader.end();
  return lines;
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

describe('readInputChunks, as explain reads logs', () => {
  test('lines of a UTF-16 file, as PowerShell writes it', async () => {
    fs.writeFileSync(path.join(dir, 'ps.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('one\r\ntwo ✓\r\n', 'utf16le')]));
    expect(await linesOf(readInputChunks('ps.log', ioWith(dir)))).toEqual(['one', 'two ✓']);
  });

  test('lines of standard input as it arrives, a line break split between chunks', async () => {
    expect(await linesOf(readInputChunks('-', ioWith(dir, ['a\nbbb', 'bbb\r', '\nc'])))).toEqual(['a', 'bbbbbb', 'c']);
  });

  test('the size limit holds for chunks; maxBytes: Infinity lifts it', async () => {
    const io = () => ioWith(dir, Array(10).fill('line\n'));
    await expect(all(readInputChunks('-', io(), { maxBytes: 20 }))).rejects.toThrow(`${STDIN_NAME}: larger than 20 bytes`);
    expect(await linesOf(readInputChunks('-', io(), { maxBytes: Infinity }))).toHaveLength(10);
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
    for await (const chunk of readInputChunks('-', io)) {
      expect(Buffer.from(chunk).toString()).toBe('line\n');
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
    await expect(all(readInputChunks('.', ioWith(dir)))).rejects.toThrow(new InputError('.', 'cannot read: it is a folder.'));
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

describe('logInputs', () => {
  test('a log has no size limit unless one is given, and then it is named', async () => {
    fs.writeFileSync(path.join(dir, 'big.log'), 'x\n'.repeat(100));
    const [unlimited] = await logInputs(['big.log'], ioWith(dir));
    expect(await linesOf(unlimited.pieces)).toHaveLength(100);
    const [limited] = await logInputs(['big.log'], ioWith(dir), { maxBytes: 100 });
    await expect(linesOf(limited.pieces)).rejects.toThrow('big.log: larger than 100 bytes, the size limit per input (--max-bytes).');
  });

  test('a missing log, or a folder, fails before any is read, in explain\'s words', async () => {
    await expect(logInputs(['big.log', 'gone.log'], ioWith(dir))).rejects.toThrow(new UsageError('cannot read gone.log: no such file.'));
    await expect(logInputs(['.'], ioWith(dir))).rejects.toThrow(new UsageError('cannot read .: it is a directory; give the log file itself.'));
  });

  test('- among the files is standard input, read once', async () => {
    const io = ioWith(dir, ['one\n']);
    const inputs = await logInputs(['-', 'big.log', '-'], io);
    expect(inputs.map((input) => input.name)).toEqual(['-', 'big.log']);
    expect(await linesOf(inputs[0].pieces)).toEqual(['one']);
    expect(io.opened()).toBe(1);
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
