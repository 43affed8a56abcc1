import { wrapLine } from '../../../lib/cli/format/wrap';

describe('wrapLine', () => {
  test('a short line is left alone', () => {
    expect(wrapLine('  short line', 100)).toEqual(['  short line']);
  });

  test('continuation lines align after a leading label, which keeps its spacing', () => {
    expect(wrapLine('  Rollback:  at t=7m when every check fails from the first one', 40)).toEqual([
      '  Rollback:  at t=7m when every check',
      '             fails from the first one',
    ]);
  });

  test('without a label, continuations are indented two more columns', () => {
    expect(wrapLine('    one two three four five six seven', 20)).toEqual(['    one two three', '      four five six', '      seven']);
  });

  test('a span in backticks is never broken, even past the width', () => {
    const lines = wrapLine('note: run `hey -z 1m55s -q 10 -c 2 http://podinfo-canary.test:9898/` now', 30);
    expect(lines).toContain('      `hey -z 1m55s -q 10 -c 2 http://podinfo-canary.test:9898/`');
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe('note: run `hey -z 1m55s -q 10 -c 2 http://podinfo-canary.test:9898/` now');
  });
});
