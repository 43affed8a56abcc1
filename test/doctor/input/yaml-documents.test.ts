import { DOCUMENT_LIMITS, documentRanges, LineFinder, yamlDocuments } from '../../../lib/doctor/input/yaml-documents';
import { InputError } from '../../../lib/doctor/input/read';

const documents = (text: string, limits = DOCUMENT_LIMITS) => [...yamlDocuments(text, 'f.yaml', limits)];
const pieces = (text: string) => [...documentRanges(text)].map(([start, end]) => text.slice(start, end));

describe('documentRanges', () => {
  test('cuts at --- lines, content on the marker line included', () => {
    expect(pieces('a: 1\n---\nb: 2\n--- {c: 3}\n---\n')).toEqual(['a: 1\n', '---\nb: 2\n', '--- {c: 3}\n', '---\n']);
  });

  test('a --- that is not a whole marker does not cut', () => {
    expect(pieces('a: "x\n---b"\nc: ----\n')).toEqual(['a: "x\n---b"\nc: ----\n']);
  });

  test('directives above a marker go with the document it starts', () => {
    expect(pieces('a: 1\n...\n%YAML 1.1\n# note\n---\nb: 2\n')).toEqual(['a: 1\n...\n', '%YAML 1.1\n# note\n---\nb: 2\n']);
  });

  test('an empty text is one empty piece', () => {
    expect(pieces('')).toEqual(['']);
  });
});

describe('yamlDocuments', () => {
  test('numbers documents, empty ones included, with the line of their content', () => {
    expect(documents('# head\n---\na: 1\n---\n---\n\nb: 2\n...\nc: 3\n').map(({ number, line, value }) => [number, line, value])).toEqual([
      [1, 3, { a: 1 }], [2, 4, null], [3, 7, { b: 2 }], [4, 9, { c: 3 }],
    ]);
  });

  test('the lines of List items', () => {
    expect(documents('kind: List\nitems:\n- a: 1\n\n- b: 2\n')[0].itemLines).toEqual([3, 5]);
  });

  test('an alias bomb, an unresolved alias and a bad merge key are InputErrors at their line', () => {
    expect(() => documents('a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'))
      .toThrow(new InputError('f.yaml', 'the aliases in document 1 (line 1) expand to more than 1000 nodes, as a "billion laughs" attack does; '
        + 'write the repeated parts out, or alias them fewer times.', 1));
    expect(() => documents('a: 1\nb: *x\n')).toThrow('f.yaml:2: the alias *x has no anchor &x before it in document 1 (line 1).');
    expect(() => documents('a: 1\nb:\n  <<: [{x: 1}, 2]\n')).toThrow('f.yaml:3: a merge key (<<) must be given');
  });

  test('merge keys that are right work as in YAML 1.1', () => {
    expect(documents('base: &b {p: 1, q: 2}\nc:\n  <<: [*b, {r: 3}]\n  q: 4\n')[0].value).toEqual({ base: { p: 1, q: 2 }, c: { p: 1, q: 4, r: 3 } });
  });

  test('a repeated key is an error at the second; keys of different types or different mappings are not repeats', () => {
    expect(() => documents('a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n')).toThrow('f.yaml:5: invalid YAML: the key "x" appears twice in one mapping.');
    expect(() => documents('{a: 1, a: 2}\n')).toThrow('f.yaml:1: invalid YAML: the key "a" appears twice');
    expect(documents('1: a\n"1": b\np: {1: a}\nq: {1: b}\n')[0].value).toEqual({ 1: 'b', p: { 1: 'a' }, q: { 1: 'b' } });
  });

  test('a document over the byte or token limit is refused before yaml builds it', () => {
    const limits = { ...DOCUMENT_LIMITS, maxDocumentBytes: 100, maxDocumentTokens: 50 };
    expect(() => documents(`a: 1\n---\nb: "${'x'.repeat(100)}"\n`, limits)).toThrow('f.yaml:2: document 2 has more than 100 bytes, more than a Kubernetes object can have');
    expect(() => documents(`a: [${'1,'.repeat(30)}1]\n`, limits)).toThrow('f.yaml:1: document 1 has more than 50 YAML tokens');
    expect(documents(`a: [${'1,'.repeat(10)}1]\n`, limits)[0].value).toEqual({ a: Array(11).fill(1) });
  });
});

describe('yamlDocuments: large documents that hold many objects', () => {
  /** Limits under which the documents below are large; only items fit under the token limit. */
  const limits = { maxDocumentBytes: 400, maxDocumentTokens: 60, largeDocumentBytes: 200 };
  const item = (index: number) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c${index}\n  data: {a: "${index}"}\n`;
  const list = `apiVersion: v1\nitems:\n${[0, 1, 2, 3, 4].map(item).join('# between\n')}kind: List\nmetadata:\n  resourceVersion: ""\n`;

  test('a block-style List (kubectl get -o yaml) is read item by item, with the value and lines of a whole parse', () => {
    // GIVEN a List too large for the limits, and the same read whole
    const [whole] = documents(`---\n${list}`);
    const [split] = documents(`---\n${list}`, limits);

    // THEN the value and the item lines are the same
    expect(split.value).toEqual(whole.value);
    expect(split.itemLines).toEqual(whole.itemLines);
    expect(split.itemLines).toEqual([4, 10, 16, 22, 28]);
    expect(split.line).toBe(1);
  });

  test('with indented items, after another document', () => {
    const indented = list.replace(/^([- ] )/gm, '  $1').replace(/^  # between/gm, '# between');
    expect(documents(`a: 1\n---\n${indented}`, limits)[1].value).toEqual(documents(`a: 1\n---\n${indented}`)[1].value);
  });

  test('a List whose items share an anchor is refused with the reason', () => {
    const shared = list.replace('data: {a: "0"}', 'data: &d {a: "0"}').replace('data: {a: "3"}', 'data: *d');
    expect(() => documents(shared, limits)).toThrow(/f\.yaml:\d+: the alias \*d has no anchor &d before it in its item of a List too large to read at once, whose items must not share anchors/);
  });

  test('a large JSON document is read with JSON.parse', () => {
    const json = JSON.stringify({ kind: 'List', items: [0, 1, 2, 3, 4, 5, 6].map((index) => ({ kind: 'ConfigMap', metadata: { name: `c${index}` } })) }, null, 1);
    expect(json.length).toBeGreaterThan(limits.maxDocumentBytes);
    const [document] = documents(`# comment\n---\n${json}\n`, limits);
    expect(document.value).toEqual(JSON.parse(json));
    expect(document.line).toBe(3);
    expect(document.itemLines).toEqual(Array(7).fill(3));
  });

  test('a large document of any other shape is refused', () => {
    expect(() => documents(`kind: ConfigMap\ndata:\n${'  k: v\n'.repeat(80)}`, limits)).toThrow('f.yaml:1: document 1 has more than 400 bytes');
  });
});

describe('LineFinder', () => {
  test('answers forward and backward', () => {
    const lines = new LineFinder('a\nb\nc\n');
    expect([0, 2, 4, 5, 1, 0, 6].map((offset) => lines.lineAt(offset))).toEqual([1, 2, 3, 3, 1, 1, 4]);
  });
});
