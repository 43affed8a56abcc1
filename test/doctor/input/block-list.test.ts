import { splitBlockList } from '../../../lib/doctor/input/block-list';

function parts(text: string): { head: string; items: string[]; tail: string } | undefined {
  const list = splitBlockList(text, 0, text.length);
  return list && { head: text.slice(...list.head), items: list.items.map(([start, end]) => text.slice(start, end)), tail: text.slice(...list.tail) };
}

describe('splitBlockList', () => {
  test('cuts kubectl get -o yaml output into the keys around the items, and each item', () => {
    expect(parts('apiVersion: v1\nitems:\n- kind: A\n  data:\n    x: |\n      - not an item\n- kind: B\n# comment\n\n-   kind: C\nkind: List\nmetadata: {}\n')).toEqual({
      head: 'apiVersion: v1\n',
      items: ['- kind: A\n  data:\n    x: |\n      - not an item\n', '- kind: B\n# comment\n\n', '-   kind: C\n'],
      tail: 'kind: List\nmetadata: {}\n',
    });
  });

  test('items indented under the key', () => {
    expect(parts('items:\n  - kind: A\n    x: 1\n  - kind: B\nkind: List\n')?.items).toEqual(['  - kind: A\n    x: 1\n', '  - kind: B\n']);
  });

  test('a dash alone on its line starts an item', () => {
    expect(parts('items:\n-\n  kind: A\n- kind: B\n')?.items).toEqual(['-\n  kind: A\n', '- kind: B\n']);
  });

  test.each([
    ['no items key', 'kind: List\nmetadata: {}\n'],
    ['items in flow style', 'items: [{kind: A}]\n'],
    ['items that are not a list', 'items:\n  a: 1\n'],
    ['items nested under another key', 'spec:\n  items:\n  - kind: A\n'],
  ])('%s: not cut', (_name, text) => {
    expect(parts(text)).toBeUndefined();
  });
});
