import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { YamlWriter } from '../../lib/synth/yaml-writer';

// The helper threads must write exactly what Yaml.save writes, and must really take part.

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-writer-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Documents with the values a YAML serializer has to choose a style for. */
function docsOf(index: number): unknown[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${index}`, labels: { on: 'yes', n: '010' } },
      data: { text: `line ${index}\nnext`, colon: 'a: b', empty: '', quoted: "it's", version: '1.10', flag: true, nothing: null } },
    undefined,
    { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${index}` }, spec: { ports: [{ port: 80, targetPort: 'http' }] } },
  ];
}

test.each([1, 2])('%s helper thread(s) write, byte for byte, what Yaml.save writes', (helpers) => {
  const files = Array.from({ length: 300 }, (_, index) => ({ path: path.join(dir, `f-${index}.yaml`), docs: docsOf(index) }));
  const writer = new YamlWriter(helpers);
  expect(writer.waitUntilReady(30_000)).toBe(helpers);
  const byHelpers = writer.write(files);
  expect(byHelpers).toBeGreaterThan(0);
  expect(byHelpers).toBeLessThanOrEqual(files.length);
  for (const file of files) expect(fs.readFileSync(file.path, 'utf8')).toBe(Yaml.stringify(...file.docs));
});

test('without helper threads, everything is written here', () => {
  const files = Array.from({ length: 5 }, (_, index) => ({ path: path.join(dir, `f-${index}.yaml`), docs: docsOf(index) }));
  expect(new YamlWriter(0).write(files)).toBe(0);
  for (const file of files) expect(fs.readFileSync(file.path, 'utf8')).toBe(Yaml.stringify(...file.docs));
});

test('an error in a helper thread is thrown here', () => {
  const files = Array.from({ length: 200 }, (_, index) => ({ path: path.join(dir, index % 50 === 49 ? 'missing/folder' : '', `f-${index}.yaml`), docs: docsOf(index) }));
  const writer = new YamlWriter(1);
  writer.waitUntilReady(30_000);
  expect(() => writer.write(files)).toThrow(/ENOENT: no such file or directory, open '.*missing\/folder\/f-\d+\.yaml'/);
});

test('close() stops helpers that were given no work', () => {
  const writer = new YamlWriter(1);
  writer.close();
  expect(writer.write([{ path: path.join(dir, 'a.yaml'), docs: docsOf(0) }])).toBe(0);
});
