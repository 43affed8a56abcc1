import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
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

/**
 * Below this many documents, the fast emitter is not worth loading: in a bundled app, cdk8s's copy of
 * `yaml` is loaded from disk a second time for it (some 35 ms).
 */
const FAST_MIN_DOCS = 200;

/**
 * `Yaml.stringify(...docs)`, byte for byte, through the fast emitter for the documents it covers
 * (unless `fast` is false).
 */
export function stringifyDocuments(docs: readonly unknown[], fast = docs.length >= FAST_MIN_DOCS): string {
  const emit = fast ? trustedEmitter() : null;
  if (!emit) return Yaml.stringify(...docs);
  return docs.map((doc) => (doc === undefined ? '\n' : emit(doc) ?? Yaml.stringify(doc))).join('---\n');
}

/** From this many files on, writing goes to a thread of its own. */
const PARALLEL_MIN_FILES = 64;
/**
 * Writer threads. The writes wait on the file system more than they use a processor; a second thread
 * wrote no faster on two processors, and used more CPU.
 */
const WRITER_THREADS = 1;
/** Files handed to a writer thread at a time. */
const BATCH = 8;
/** A writer thread that reports no file written for this long is given up, and its files written here. */
const STALL_MS = 30_000;

// A writer thread: writes each batch of [index, path, text] it is sent, marks each file in the shared
// `state` (1 written, 2 failed: the main thread writes it again, to fail with its own error), and
// counts it in `progress`, waking the main thread.
const WRITER_SOURCE = `
const fs = require('fs');
const { parentPort, workerData } = require('worker_threads');
const state = new Int32Array(workerData.state);
const progress = new Int32Array(workerData.progress);
parentPort.on('message', (batch) => {
  for (const [index, file, text] of batch) {
    try {
      fs.writeFileSync(file, text, { encoding: 'utf8' });
      Atomics.store(state, index, 1);
    } catch {
      Atomics.store(state, index, 2);
    }
    Atomics.add(progress, 0, 1);
    Atomics.notify(progress, 0);
  }
});
`;

/**
 * Writes each file as `Yaml.save(file.path, file.docs)` does, in order (the last file of a path
 * wins). For many files, threads write them while this one serializes the next: the writes are
 * mostly the file system's time. Throws the first error of any file; then, unlike a sequential
 * write, files after the failed one may have been written too.
 */
export function writeYamlFiles(files: readonly YamlFile[]): void {
  const fast = files.reduce((sum, file) => sum + file.docs.length, 0) >= FAST_MIN_DOCS;
  const stringify = (docs: readonly unknown[]) => stringifyDocuments(docs, fast);
  const last = new Map<string, number>();
  files.forEach((file, index) => last.set(file.path, index));
  const writers = files.length >= PARALLEL_MIN_FILES ? startWriters(WRITER_THREADS, files.length) : undefined;
  if (!writers) {
    for (const file of files) fs.writeFileSync(file.path, stringify(file.docs), { encoding: 'utf8' });
    return;
  }
  let handed = 0;
  let batch: Array<[number, string, string]> = [];
  let next = 0;
  const send = () => {
    handed += batch.length;
    writers.threads[next++ % writers.threads.length].postMessage(batch);
    batch = [];
  };
  try {
    files.forEach((file, index) => {
      if (last.get(file.path) !== index) {
        Atomics.store(writers.state, index, 1); // a later file of the same path replaces it
        return;
      }
      batch.push([index, file.path, stringify(file.docs)]);
      if (batch.length === BATCH) send();
    });
    if (batch.length > 0) send();
    waitForWriters(writers, handed);
    // What a stalled thread did not write, and what failed (to fail here with the error of this thread).
    files.forEach((file, index) => {
      if (Atomics.load(writers.state, index) !== 1) fs.writeFileSync(file.path, stringify(file.docs), { encoding: 'utf8' });
    });
  } catch (error) {
    // The files serialized before the failure are written, as a sequential write would have done.
    if (batch.length > 0) send();
    waitForWriters(writers, handed);
    throw error;
  } finally {
    for (const thread of writers.threads) void thread.terminate();
  }
}

interface Writers {
  readonly threads: Worker[];
  /** Per file: 0 pending, 1 written (or replaced), 2 failed. */
  readonly state: Int32Array;
  /** Files the threads are done with. */
  readonly progress: Int32Array;
}

function startWriters(count: number, files: number): Writers | undefined {
  const state = new Int32Array(new SharedArrayBuffer(4 * files));
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const threads: Worker[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const thread = new Worker(WRITER_SOURCE, { eval: true, workerData: { state: state.buffer, progress: progress.buffer } });
      // A thread that fails writes nothing more; what it did not write is written here after the stall.
      thread.on('error', () => undefined);
      thread.unref();
      threads.push(thread);
    }
  } catch {
    for (const thread of threads) void thread.terminate();
    return undefined;
  }
  return { threads, state, progress };
}

/** Waits until the threads are done with the `handed` files, or report nothing for STALL_MS. */
function waitForWriters(writers: Writers, handed: number): void {
  let seen = Atomics.load(writers.progress, 0);
  let since = Date.now();
  while (seen < handed) {
    Atomics.wait(writers.progress, 0, seen, 200);
    const now = Atomics.load(writers.progress, 0);
    if (now !== seen) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since > STALL_MS) {
      return;
    }
  }
}


/** Whether the fast emitter passed its probe and is in use (for tests and the bench). */
export function fastEmitterActive(): boolean {
  return trustedEmitter() !== null;
}
