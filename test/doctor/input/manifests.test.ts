import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fromObjects, loadManifests, manifestFiles, ManifestError, manifestObjects, parseManifests } from '../../../lib/doctor/input/manifests';
import { InputError } from '../../../lib/doctor/input/read';

describe('parseManifests', () => {
  test('reads every document with its 1-based line and order, skipping empty ones', () => {
    const objects = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n# only a comment\n---\nkind: Service\nmetadata: {name: b}\n', 'x.yaml', 3);
    expect(objects.map((o) => [o.object.kind, o.source.file, o.source.line, o.source.order])).toEqual([
      ['Namespace', 'x.yaml', 1, 3],
      ['Service', 'x.yaml', 8, 4],
    ]);
  });

  test('expands kind: List into its items, each with its own line', () => {
    const objects = parseManifests('apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n- kind: Deployment\n  metadata: {name: b}\n', 'list.yaml');
    expect(objects.map((o) => [o.object.kind, o.source.line])).toEqual([['Service', 4], ['Deployment', 6]]);
  });

  test('reads JSON', () => {
    const objects = parseManifests('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}', 'a.json');
    expect(objects[0].object.metadata?.name).toBe('a');
  });

  test('reads scalars as kubectl does (YAML 1.1 booleans, no base-60 numbers)', () => {
    const [{ object }] = parseManifests('kind: ConfigMap\ndata:\n  a: yes\n  b: 1:20\n  c: "yes"\n', 'cm.yaml');
    expect(object.data).toEqual({ a: true, b: '1:20', c: 'yes' });
  });

  test('a YAML syntax error names the file and line', () => {
    expect(() => parseManifests('kind: A\n---\nkind: B\nmetadata:\n  labels: {a: 1\n', 'bad.yaml')).toThrow(ManifestError);
    try {
      parseManifests('kind: A\nmetadata:\n  name: a\n bad: 1\n', 'bad.yaml');
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).file).toBe('bad.yaml');
      expect((error as ManifestError).line).toBe(4);
      expect((error as ManifestError).message).toMatch(/^bad\.yaml:4: invalid YAML: /);
    }
  });

  test('an alias inside the node its anchor names is a ManifestError with the line, not a crash', () => {
    // GIVEN a webhook metadata that refers to itself
    const text = 'kind: Canary\nmetadata: {name: a}\nspec:\n  analysis:\n    webhooks:\n    - name: x\n      metadata: &m\n        cmd: hey\n        self: *m\n';

    // WHEN parsed
    // THEN the error names the file, the line of the alias and the alias
    expect(() => parseManifests(text, 'loop.yaml')).toThrow(ManifestError);
    expect(() => parseManifests(text, 'loop.yaml')).toThrow(/^loop\.yaml:9: the alias \*m refers to the node it is in/);
  });

  test('an alias to an earlier node is fine', () => {
    const [{ object }] = parseManifests('kind: A\nx: &x {a: 1}\nz: *x\n', 'ok.yaml');
    expect(object.z).toEqual({ a: 1 });
  });

  test('a document that is not a mapping with a kind names the file and the document', () => {
    expect(() => parseManifests('kind: A\n---\n- a\n- b\n', 'f.yaml')).toThrow('f.yaml:3: document 2 (line 3) is a list');
    expect(() => parseManifests('apiVersion: v1\nmetadata: {name: a}\n', 'f.yaml')).toThrow('f.yaml:1: document 1 (line 1) has no kind');
    // cdk8s-cli's validation plugins leave this file beside the manifests; say what it is
    expect(() => parseManifests('{"version":"1.0.0","resources":{}}', 'dist/construct-metadata.json'))
      .toThrow('dist/construct-metadata.json: this is the metadata cdk8s-cli writes for validation plugins, not a Kubernetes object');
  });
});

describe('manifestObjects', () => {
  test('yields the objects one document at a time: the first before a later document is parsed', () => {
    const objects = manifestObjects('kind: A\n---\nkind: B\n---\nkind: [\n', 'x.yaml', 5);
    expect(objects.next().value).toMatchObject({ object: { kind: 'A' }, source: { line: 1, order: 5 } });
    expect(objects.next().value).toMatchObject({ object: { kind: 'B' }, source: { line: 3, order: 6 } });
    expect(() => objects.next()).toThrow(ManifestError);
  });

  test('every error about the text is a ManifestError, an InputError naming the file', () => {
    for (const text of ['a: *x\n', 'kind: A\nkind: B\n', 'm:\n  <<: 1\n', '[1]\n']) {
      try {
        parseManifests(text, 'x.yaml');
        throw new Error(`no error for ${text}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestError);
        expect(error).toBeInstanceOf(InputError);
        expect((error as ManifestError).file).toBe('x.yaml');
      }
    }
  });
});

describe('loadManifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads a folder like kubectl apply -f: manifest files in lexical order, not recursively', () => {
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'kind: B\n---\nkind: C\n');
    fs.writeFileSync(path.join(dir, 'a.json'), '{"kind": "A"}');
    fs.writeFileSync(path.join(dir, 'README.md'), '# not a manifest');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', '0.yaml'), 'kind: Nested\n');
    fs.writeFileSync(path.join(dir, 'c.yml'), 'kind: D\n');

    const objects = loadManifests(['.'], dir);

    expect(objects.map((o) => [o.object.kind, o.source.file, o.source.order])).toEqual([
      ['A', 'a.json', 0], ['B', 'b.yaml', 1], ['C', 'b.yaml', 2], ['D', 'c.yml', 3],
    ]);
  });

  test('reads several paths in the order given', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: A\n');
    fs.writeFileSync(path.join(dir, 'z.yaml'), 'kind: Z\n');
    expect(loadManifests(['z.yaml', 'a.yaml'], dir).map((o) => o.object.kind)).toEqual(['Z', 'A']);
  });

  test('a file named twice, directly and through its folder, is read once', () => {
    // GIVEN a folder with one file
    fs.mkdirSync(path.join(dir, 'base'));
    fs.writeFileSync(path.join(dir, 'base', 'a.yaml'), 'kind: A\n');

    // WHEN the folder and the file are both given, as `lint base base/a.yaml` or `lint *.yaml .` do
    // THEN the file is read once, where it first appears
    expect(manifestFiles(['base', 'base/a.yaml', './base/a.yaml'], dir)).toEqual([path.join('base', 'a.yaml')]);
    expect(loadManifests(['base', 'base/a.yaml'], dir).map((o) => o.object.kind)).toEqual(['A']);
  });

  test('a symbolic link to a file in a folder is read, as kubectl follows links', () => {
    // GIVEN a folder with a link to a manifest elsewhere, and a dangling link
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'shared', 'ns.yaml'), 'kind: Namespace\n');
    fs.symlinkSync(path.join('..', 'shared', 'ns.yaml'), path.join(dir, 'app', '00-ns.yaml'));
    fs.symlinkSync(path.join('..', 'shared', 'gone.yaml'), path.join(dir, 'app', 'gone.yaml'));
    fs.writeFileSync(path.join(dir, 'app', 'svc.yaml'), 'kind: Service\n');

    // WHEN the folder is read
    // THEN the linked file counts like any other; the dangling link is not a file
    expect(loadManifests(['app'], dir).map((o) => [o.object.kind, o.source.file])).toEqual([
      ['Namespace', path.join('app', '00-ns.yaml')], ['Service', path.join('app', 'svc.yaml')],
    ]);
  });

  test('a missing path is a ManifestError naming it', () => {
    expect(() => loadManifests(['nope.yaml'], dir)).toThrow('nope.yaml: cannot read: no such file or folder');
  });

  test('each file is read up to maxBytes (64 MiB by default), and a larger one is a ManifestError', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: A\n');
    expect(loadManifests(['a.yaml'], dir, { maxBytes: 8 })).toHaveLength(1);
    expect(() => loadManifests(['a.yaml'], dir, { maxBytes: 7 })).toThrow(new ManifestError('a.yaml', 'larger than 7 bytes, the size limit per input (--max-bytes).'));
    expect(() => loadManifests(['/dev/zero'], dir)).toThrow(new ManifestError('/dev/zero', 'larger than 64 MiB, the size limit per input (--max-bytes).'));
  });
});

describe('fromObjects', () => {
  test('keeps the order of objects without a file', () => {
    const sourced = fromObjects([{ kind: 'A' }, { kind: 'B' }]);
    expect(sourced.map((s) => [s.object.kind, s.source.order, s.source.file])).toEqual([['A', 0, undefined], ['B', 1, undefined]]);
  });
});
