import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { FlaggerTutorialChart } from '../../lib';
import { createYamlEmitter } from '../../lib/synth/yaml-emitter';
import { fastEmitterActive, stringifyDocuments, writeYamlFiles } from '../../lib/synth/yaml-files';

// The fast emitter must write exactly what cdk8s's Yaml.stringify writes for every document it
// takes, and leave the rest to yaml. Each case compares against Yaml.stringify itself.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
const emit = createYamlEmitter(yaml);
const ROOT = path.join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(entry.name) ? [file] : [];
  });
}

test('the fast emitter passed its probe, so synth uses it', () => {
  expect(fastEmitterActive()).toBe(true);
});

test('every object of the tutorial chart goes through the fast emitter, byte for byte', () => {
  const app = Testing.app();
  new FlaggerTutorialChart(app, 'podinfo');
  const docs = app.charts.flatMap((chart) => chart.toJson());
  expect(docs.length).toBeGreaterThan(8);
  for (const doc of docs) {
    const written = emit(doc);
    expect(written).toBeDefined();
    expect(written).toBe(Yaml.stringify(doc));
  }
});

test('every document of the test fixtures it takes comes out as Yaml.stringify writes it', () => {
  let taken = 0;
  let all = 0;
  for (const file of yamlFiles(path.join(ROOT, 'test', 'fixtures'))) {
    let documents: unknown[];
    try {
      documents = yaml.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((document: any) => document.toJS());
    } catch {
      continue; // fixtures of broken input
    }
    for (const doc of documents) {
      if (doc === null || typeof doc !== 'object') continue;
      all++;
      const written = emit(doc);
      if (written === undefined) continue;
      taken++;
      expect(written).toBe(Yaml.stringify(doc));
    }
  }
  expect(all).toBeGreaterThan(300);
  expect(taken / all).toBeGreaterThan(0.5);
});

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces of strings that each pull a YAML serializer towards one of its choices.
const PIECES = ['a', 'Z', 'podinfo', '0', '1', '9', '010', '0x1F', '0o7', '0b1', '1_000', '1e3', '.5', '-', '+', '.', ':', ': ', ' :', '#', ' #', '# ', ' ', '  ', '\t',
  '"', "'", '\\', '?', '!', '&', '*', '%', '@', '`', '|', '>', ',', '[', ']', '{', '}', '~', '<<', '=', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'NULL',
  '.inf', '-.Inf', '.nan', '2001-12-14', '12:30', '1:20:3', 'http://x:80/', 'é', '中', '😀', '\u0007', '\u0085', '\u00a0', '\u2028', '\n', '---', '...', '/'];

function randomString(next: () => number): string {
  const length = Math.floor(next() * 4);
  let text = '';
  for (let index = 0; index < length; index++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

function randomValue(next: () => number, depth: number): unknown {
  const choice = next();
  if (depth > 0 && choice < 0.2) return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [randomString(next), randomValue(next, depth - 1)]));
  if (depth > 0 && choice < 0.35) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth - 1));
  if (choice < 0.8) return randomString(next);
  if (choice < 0.85) return next() < 0.5;
  if (choice < 0.9) return null;
  const numbers = [0, -0, 1, -1, 0.5, 1e21, 1e-7, 123456789012, -3.25, Number.MAX_SAFE_INTEGER];
  return numbers[Math.floor(next() * numbers.length)];
}

test('random documents: whatever it takes comes out as Yaml.stringify writes it', () => {
  const next = random(20261129);
  let taken = 0;
  const count = 4000;
  for (let index = 0; index < count; index++) {
    const doc = Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 5) }, () => [randomString(next), randomValue(next, 3)]));
    const written = emit(doc);
    if (written === undefined) continue;
    taken++;
    if (written !== Yaml.stringify(doc)) {
      // The document in the message, to replay it.
      expect({ doc, written }).toEqual({ doc, written: Yaml.stringify(doc) });
    }
  }
  expect(taken).toBeGreaterThan(count / 10);
});

describe('leaves to yaml', () => {
  class Custom {
    public readonly a = 1;
  }
  const shared = { a: 1 };
  test.each<[string, unknown]>([
    ['text on several lines', { a: 'one\ntwo' }],
    ['undefined', { a: undefined }],
    ['an object met twice (yaml writes an anchor)', { a: shared, b: shared }],
    ['a Date', { a: new Date(0) }],
    ['a Map', { a: new Map([['k', 'v']]) }],
    ['a class instance', { a: new Custom() }],
    ['an object with toJSON', { a: { toJSON: () => 'x' } }],
    ['an object with an iterator (yaml writes a sequence)', { a: { b: 2, *[Symbol.iterator]() { yield 1; } } }],
    ['an array with an iterator of its own', { a: Object.assign([1, 2], { *[Symbol.iterator]() { yield 9; } }) }],
    ['the merge key', { a: '<<' }],
    ['a document marker', { a: '--- x' }],
    ['a character yaml escapes its own way', { a: 'bell\u0007' }],
    ['a sparse array', { a: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['a bigint', { a: BigInt(1) }],
    ['NaN', { a: NaN }],
    ['a sequence at the top', [1, 2]],
    ['an empty map at the top', {}],
  ])('%s', (_name, doc) => {
    expect(emit(doc)).toBeUndefined();
    // and the whole synth still writes what Yaml.stringify writes
    expect(stringifyDocuments([doc], true)).toBe(Yaml.stringify(doc));
  });
});

test('stringifyDocuments writes several documents, undefined among them, as Yaml.stringify does', () => {
  const docs = [{ kind: 'A', metadata: { name: 'a' } }, undefined, { kind: 'B', text: 'two\nlines' }, { kind: 'C' }];
  expect(stringifyDocuments(docs, true)).toBe(Yaml.stringify(...docs));
});

test('writeYamlFiles writes each file as Yaml.save does, the last of a path winning', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-files-'));
  try {
    const files = [
      { path: path.join(dir, 'a.yaml'), docs: [{ kind: 'A', on: 'yes' }] },
      { path: path.join(dir, 'b.yaml'), docs: [{ kind: 'B' }, undefined] },
      { path: path.join(dir, 'a.yaml'), docs: [{ kind: 'A2' }] },
    ];
    writeYamlFiles(files);
    const saved = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-save-'));
    for (const file of files) Yaml.save(path.join(saved, path.basename(file.path)), [...file.docs]);
    for (const name of ['a.yaml', 'b.yaml']) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(fs.readFileSync(path.join(saved, name), 'utf8'));
    fs.rmSync(saved, { recursive: true, force: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with writer threads, a document that fails to serialize fails the write, and every file before it is written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-files-'));
  try {
    const files = Array.from({ length: 100 }, (_, index) => ({
      path: path.join(dir, `f${index}.yaml`),
      docs: [index === 70 ? { get boom(): string { throw new Error('boom'); } } : { kind: 'ConfigMap', index }],
    }));
    expect(() => writeYamlFiles(files)).toThrow('boom');
    for (let index = 0; index < 70; index++) expect(fs.readFileSync(path.join(dir, `f${index}.yaml`), 'utf8')).toBe(Yaml.stringify(files[index].docs[0]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
