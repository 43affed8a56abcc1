import { LineReader, MAX_LINE, parseLogInput } from '../../../lib/doctor/input/logs';

/** The lines a LineReader makes of these pieces. */
function linesOf(...pieces: Array<Uint8Array | string>): string[] {
  const lines: string[] = [];
  const reader = new LineReader((line) => lines.push(line));
  for (const piece of pieces) reader.push(piece);
  reader.end();
  return lines;
}

describe('an input read piece by piece gives the lines of the whole text', () => {
  test.each([
    ['a\nb\n', ['a', 'b']],
    ['a\r\nb', ['a', 'b']],
    ['a\rb\r', ['a', 'b']],
    ['\n', ['']],
    ['a\n\n', ['a', '']],
    ['', []],
  ])('%j', (text, expected) => {
    // GIVEN the text whole, and cut after every character
    // THEN both give the lines split(/\r\n|\n|\r/) gives, without a last empty line
    expect(linesOf(text)).toEqual(expected);
    expect(linesOf(...text.split(''))).toEqual(expected);
    expect(parseLogInput(text).lines).toBe(expected.length);
  });

  test('a CRLF split between two pieces is one line break', () => {
    expect(linesOf('a\r', '\nb')).toEqual(['a', 'b']);
  });

  test('UTF-8 split inside a character, and UTF-16 whose byte order mark arrives byte by byte', () => {
    const utf8 = Buffer.from('café ✓\n', 'utf8');
    expect(linesOf(...Array.from(utf8, (byte) => Uint8Array.of(byte)))).toEqual(['café ✓']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Routing all traffic to primary\r\nx', 'utf16le')]);
    expect(linesOf(utf16.subarray(0, 1), utf16.subarray(1, 7), utf16.subarray(7))).toEqual(['Routing all traffic to primary', 'x']);
    const bigEndian = Buffer.from('\ufeffok\n', 'utf16le').swap16();
    expect(linesOf(bigEndian)).toEqual(['ok']);
  });

  test('a line longer than MAX_LINE keeps its start, and memory does not grow with the rest of it', () => {
    // GIVEN one line of 10 MiB in 1 KiB pieces, then a short one
    const piece = 'x'.repeat(1024);
    const lines = linesOf(...Array.from({ length: 10 * 1024 }, () => piece), '\nnext');
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE, 4]);
  });
});
