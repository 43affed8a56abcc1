import { decodeTextStream, splitLines, TextLine } from '../../../lib/doctor/input/text-stream';

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

/** Each byte of `bytes` as its own chunk, as a slow pipe may deliver it. */
function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (byte) => Uint8Array.of(byte));
}

describe('decodeTextStream', () => {
  test.each([
    ['UTF-8', Buffer.from('naïve ✓ 😀\n'), 'naïve ✓ 😀\n'],
    ['UTF-8 after its byte order mark', Buffer.from('\ufeffkind: A'), 'kind: A'],
    ['UTF-16LE after its byte order mark (PowerShell\'s >)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Halt ✓\n', 'utf16le')]), 'Halt ✓\n'],
    ['UTF-16BE after its byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Halt ✓', 'utf16le').swap16()]), 'Halt ✓'],
    ['one byte', Buffer.from('a'), 'a'],
    ['nothing', Buffer.alloc(0), ''],
  ])('%s, whole or one byte at a time', async (_name, bytes, text) => {
    expect((await all(decodeTextStream(from([bytes])))).join('')).toBe(text);
    expect((await all(decodeTextStream(from(bytewise(bytes))))).join('')).toBe(text);
  });

  test('text chunks pass through', async () => {
    expect((await all(decodeTextStream(from(['a', 'b'])))).join('')).toBe('ab');
  });
});

describe('splitLines', () => {
  const texts = (lines: TextLine[]) => lines.map((line) => line.text);

  test.each([
    ['\\n', 'a\nb\n', ['a', 'b']],
    ['\\r\\n', 'a\r\nb\r\n', ['a', 'b']],
    ['a lone \\r', 'a\rb', ['a', 'b']],
    ['no final line break', 'a\nb', ['a', 'b']],
    ['empty lines kept', 'a\n\n\nb\n', ['a', '', '', 'b']],
    ['one empty line', '\n', ['']],
    ['nothing', '', []],
  ])('splits at %s', async (_name, text, lines) => {
    expect(texts(await all(splitLines(from([text]))))).toEqual(lines);
    // The same, whatever the pieces: one character at a time splits every \r\n in two.
    expect(texts(await all(splitLines(from(text.split('')))))).toEqual(lines);
  });

  test('numbers the lines from 1', async () => {
    expect((await all(splitLines(from(['a\n', '\nb'])))).map((line) => line.number)).toEqual([1, 2, 3]);
  });

  test('cuts a long line at the maximum length, keeps its number, and goes on with the next line', async () => {
    const lines = await all(splitLines(from(['ab', 'cdefgh', 'ij\nkl\n']), 4));
    expect(lines).toEqual([{ text: 'abcd', number: 1, truncated: true }, { text: 'kl', number: 2, truncated: false }]);
  });
});
