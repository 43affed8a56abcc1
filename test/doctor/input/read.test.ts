import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_MAX_BYTES, fileChunks, formatBytes, InputError, readFailure, readTextFile, TextCollector } from '../../../lib/doctor/input/read';

describe('readTextFile and fileChunks', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('read a file relative to cwd, in chunks that add up to it', () => {
    const text = 'é'.repeat(100_000);
    fs.writeFileSync(path.join(dir, 'a.txt'), text);
    expect(readTextFile('a.txt', { cwd: dir })).toBe(text);
    const chunks = [...fileChunks('a.txt', { cwd: dir })];
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
  });

  test('a file of exactly maxBytes is read; one byte more is an InputError naming the file and the limit', () => {
    fs.writeFileSync(path.join(dir, 'b.txt'), 'x'.repeat(100));
    expect(readTextFile('b.txt', { cwd: dir, maxBytes: 100 })).toHaveLength(100);
    expect(() => readTextFile('b.txt', { cwd: dir, maxBytes: 99 })).toThrow(new InputError('b.txt', 'larger than 99 bytes, the size limit per input (--max-bytes).'));
  });

  test('an endless device is read up to the limit, and no further', () => {
    let read = 0;
    expect(() => {
      for (const chunk of fileChunks('/dev/zero', { maxBytes: 1024 * 1024 })) read += chunk.byteLength;
    }).toThrow('/dev/zero: larger than 1 MiB');
    expect(read).toBeLessThanOrEqual(1024 * 1024);
    expect(DEFAULT_MAX_BYTES).toBe(64 * 1024 * 1024);
  });

  test.each([
    ['a folder', '.', '.: cannot read: it is a folder.', 'EISDIR'],
    ['a missing file', 'missing.txt', 'missing.txt: cannot read: no such file or folder.', 'ENOENT'],
  ])('%s is an InputError with the system code', (_name, file, message, code) => {
    try {
      readTextFile(file, { cwd: dir });
      throw new Error('read');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(message);
      expect((error as InputError).code).toBe(code);
    }
  });
});

describe('TextCollector', () => {
  test('decodes a character split between two chunks', () => {
    const bytes = Buffer.from('aé€😀b');
    const text = new TextCollector('x');
    for (let index = 0; index < bytes.length; index++) text.add(bytes.subarray(index, index + 1));
    expect(text.end()).toBe('aé€😀b');
  });
});

describe('formatBytes', () => {
  test.each([
    [1, '1 byte'], [2047, '2047 bytes'], [1024, '1 KiB'], [1536, '1536 bytes'], [64 * 1024 * 1024, '64 MiB'],
    [100_000_000, '100000000 bytes (95.4 MiB)'], [3 * 1024 ** 3, '3 GiB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('readFailure', () => {
  test.each([
    ['EACCES', 'permission denied'], ['EPERM', 'permission denied'], ['ENOENT', 'no such file or folder'],
    ['ELOOP', 'too many levels of symbolic links'], ['ENXIO', 'it is a socket, or a device that is not there'],
  ])('%s: %s', (code, words) => {
    expect(readFailure(Object.assign(new Error(`${code}: something, open 'x'`), { code }))).toBe(words);
  });

  test('another failure keeps the first line of its own message', () => {
    expect(readFailure(Object.assign(new Error('EIO: i/o error, read\nmore'), { code: 'EIO' }))).toBe('input/output error');
    expect(readFailure(Object.assign(new Error('EMFILE: too many open files, open\nmore'), { code: 'EMFILE' }))).toBe('EMFILE: too many open files, open');
  });
});
