import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { createYamlEmitter, YamlEmitter } from './yaml-emitter';

/** A file to write: its path and its documents, as `Yaml.save(path, docs)` takes them. */
export interface YamlFile {
  readonly path: string;
  readonly docs: readonly unknown[];
}

/**
 * Documents that go through every path of the fast emitter (it writes each of them itself): nested
 * collections, empty ones, keys and strings that must be quoted, numbers, booleans and null.
 */
const PROBE: readonly unknown[] = [
  { apiVersion: 'v1', kind: 'List', metadata: { name: 'probe', labels: { 'app.kubernetes.io/name': 'x', 'on': 'yes', 'y': 'n', 'n': '010', '': '' } },
    items: [{ a: 1, b: [1, [2, 3], [], {}], c: { d: { e: null } } }, [], {}, 'x', ['y']],
    scalars: { int: -3, float: 0.5, big: 1e21, small: 1e-7, zero: -0, t: true, f: false, date: '2001-12-14', time: '1:20', hex: '0x1F', tilde: '~', hash: '# c',
      colon: 'a: b', dash: '-', quote: 'a"b', apostrophe: "a'b", both: 'a"b\'c', tab: 'a\tb', unicode: 'é', url: 'http://x:9898/', spaced: ' x', trailing: 'x ', nothing: null } },
];

let emitter: YamlEmitter | null | undefined;

/**
 * The fast emitter, made with the `yaml` package that cdk8s itself loads, when it writes the probe
 * exactly as `Yaml.stringify` does; null otherwise (another cdk8s or yaml version), and then
 * `Yaml.stringify` writes everything.
 */
function trustedEmitter(): YamlEmitter | null {
  if (emitter === undefined) {
    try {
      const yaml = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
      const emit = createYamlEmitter(yaml);
      emitter = PROBE.every((doc) => emit(doc) === Yaml.stringify(doc)) ? emit : null;
    } catch {
      emitter = null;
    }
  }
  return emitter;
}

/** `Yaml.stringify(...docs)`, byte for byte, through the fast emitter for the documents it covers. */
export function stringifyDocuments(docs: readonly unknown[]): string {
  const emit = trustedEmitter();
  if (!emit) return Yaml.stringify(...docs);
  return docs.map((doc) => (doc === undefined ? '\n' : emit(doc) ?? Yaml.stringify(doc))).join('---\n');
}

/** Writes each file as `Yaml.save(file.path, file.docs)` does, in order. */
export function writeYamlFiles(files: readonly YamlFile[]): void {
  for (const file of files) fs.writeFileSync(file.path, stringifyDocuments(file.docs), { encoding: 'utf8' });
}

/** Whether the fast emitter passed its probe and is in use (for tests and the bench). */
export function fastEmitterActive(): boolean {
  return trustedEmitter() !== null;
}
