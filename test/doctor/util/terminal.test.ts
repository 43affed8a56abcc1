import { hasControlCharacters, printable } from '../../../lib/doctor/util/terminal';

describe('printable', () => {
  test.each([
    ['ESC of a colour code', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['an OSC 8 hyperlink, BEL-terminated', '\u001b]8;;http://evil\u0007click\u001b]8;;\u0007', '\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07'],
    ['an OSC 0 title change', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['a newline that would forge a line', 'podinfo\n0 errors, 0 warnings', 'podinfo\\n0 errors, 0 warnings'],
    ['a carriage return that would overwrite a line', 'ok\rFAIL', 'ok\\rFAIL'],
    ['NUL, backspace and DEL', 'a\u0000b\u0008c\u007f', 'a\\x00b\\x08c\\x7f'],
    ['C1 CSI', 'x\u009b2Jy', 'x\\u009b2Jy'],
    ['a right-to-left override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['a line separator', 'one\u2028two', 'one\\u2028two'],
  ])('escapes %s', (_name, input, output) => {
    expect(printable(input)).toBe(output);
    expect(hasControlCharacters(input)).toBe(true);
    expect(hasControlCharacters(printable(input))).toBe(false);
  });

  test.each([
    ['plain ASCII', 'podinfo.test'],
    ['a tab', 'a\tb'],
    ['UTF-8 text', 'naïve café — ✓ 日本'],
    ['an empty string', ''],
  ])('leaves %s as it is', (_name, input) => {
    expect(printable(input)).toBe(input);
    expect(hasControlCharacters(input)).toBe(false);
  });
});
