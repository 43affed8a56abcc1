import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Yaml } from 'cdk8s';

/**
 * Writes YAML files as cdk8s's `Yaml.save` does, sharing the serialization, most of a large synth's
 * cost, with helper threads on the other processors. A helper loads only the `yaml` package that
 * cdk8s itself uses (loading all of cdk8s would cost each thread some 70 MB) and calls it as
 * `Yaml.stringify` does; it first serializes a probe, and is used only if its bytes equal those of
 * `Yaml.stringify`, so the output is that of a sequential synth whatever the cdk8s version.
 *
 * The main thread hands out small batches of files on request, between the files it writes itself,
 * so only the batches in flight are copied to the helpers, and the threads stay evenly loaded.
 */

/** A file to write: its path and its documents, as `Yaml.save(path, docs)` takes them. */
export interface YamlFile {
  readonly path: string;
  readonly docs: readonly unknown[];
}

/** Below this many documents, starting threads costs more than it saves. */
const PARALLEL_MIN_DOCS = 1500;
/** Files in a batch handed to a helper. */
const BATCH = 8;
/** A helper that reports no progress for this long is given up, and its batch written here. */
const STALL_MS = 30_000;

// A helper thread: loads cdk8s's yaml package, says it is ready (with the probe serialized), then
// writes each batch it is sent and reports it. Each report also bumps `idle`, so that a main thread
// waiting on it wakes up. The serialization is cdk8s's Yaml.stringify (lib/yaml.ts in cdk8s 2.x).
const HELPER_SOURCE = `
const fs = require('fs');
const { workerData } = require('worker_threads');
const YAML = require(workerData.yaml);
const stringify = (docs) => docs.map((doc) => doc === undefined ? '\\n' : YAML.stringify(doc, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\\n');
const idle = new Int32Array(workerData.idle);
const port = workerData.port;
const report = (message) => {
  port.postMessage(message);
  Atomics.add(idle, 0, 1);
  Atomics.notify(idle, 0);
};
port.on('message', ({ batch, files }) => {
  try {
    for (const file of files) fs.writeFileSync(file.path, stringify(file.docs), { encoding: 'utf8' });
    report({ done: batch });
  } catch (e) {
    report({ done: batch, error: e && e.message ? e.message : String(e) });
  }
});
report({ ready: true, probe: stringify(workerData.probe) });
`;

/** Documents that exercise the choices of a YAML serializer: quoting, nulls, undefined, block text. */
const PROBE: readonly unknown[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', labels: { on: 'yes', n: '010' }, annotations: { gone: undefined } },
    data: { text: 'two\nlines', colon: 'a: b', hash: '# c', empty: '', number: 1.5, flag: true, nothing: null, list: [1, 'x', {}] } },
  undefined,
  { kind: 'Second' },
];

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** Whether its probe matched `Yaml.stringify`; until it says so, it gets no work. */
  usable: boolean;
  /** Bumped by the helper after each message it sends. */
  readonly idle: Int32Array;
  /** Batches sent and not yet reported done, by batch number. */
  readonly pending: Map<number, readonly YamlFile[]>;
  /** Files it reported written. */
  written: number;
  error?: string;
}

/** How many helper threads are worth starting for `docs` documents: the other processors, up to 3. */
export function helpersFor(docs: number): number {
  if (docs < PARALLEL_MIN_DOCS) return 0;
  const processors = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(3, processors - 1));
}

export class YamlWriter {
  private readonly helpers: Helper[] = [];

  /**
   * Starts `helpers` threads at once, so that they load cdk8s while the app is rendered. A thread
   * that cannot start is done without.
   */
  constructor(helpers: number) {
    for (let index = 0; index < helpers; index++) {
      const helper = startHelper();
      if (!helper) break;
      this.helpers.push(helper);
    }
  }

  /**
   * Waits until every helper thread has loaded and is ready for work, or `timeoutMs` passed (for
   * tests, which must know that the helpers take part). Returns how many are ready.
   */
  public waitUntilReady(timeoutMs: number): number {
    const deadline = Date.now() + timeoutMs;
    for (const helper of this.helpers) {
      while (Atomics.load(helper.idle, 0) === 0 && Date.now() < deadline) Atomics.wait(helper.idle, 0, 0, 50);
    }
    return this.helpers.filter((helper) => Atomics.load(helper.idle, 0) > 0).length;
  }

  /**
   * Writes `files` as `Yaml.save` in this order would (the last file of a path wins), then stops
   * the helper threads. Throws the first error of any thread. Returns how many files helpers wrote.
   */
  public write(files: readonly YamlFile[]): number {
    const last = new Map<string, YamlFile>();
    for (const file of files) {
      last.delete(file.path);
      last.set(file.path, file);
    }
    const queue = [...last.values()];
    const helpers = this.helpers.splice(0);
    const probe = helpers.length > 0 ? Yaml.stringify(...PROBE) : '';
    let next = 0;
    let batches = 0;
    const handOut = (helper: Helper) => {
      const batch = queue.slice(next, next + BATCH);
      next += batch.length;
      helper.pending.set(batches, batch);
      helper.port.postMessage({ batch: batches++, files: batch });
    };
    const serve = () => {
      for (const helper of helpers) {
        for (let message = receive(helper); message; message = receive(helper)) {
          if (message.ready) helper.usable = message.probe === probe;
          if (!helper.usable) continue;
          if (message.done !== undefined) {
            helper.written += helper.pending.get(message.done)?.length ?? 0;
            helper.pending.delete(message.done);
          }
          if (message.error !== undefined) helper.error ??= message.error;
          // A ready helper gets two batches, so that it has the next one while it reports this one.
          for (let count = message.ready ? 2 : 1; count > 0 && helper.error === undefined && next < queue.length; count--) handOut(helper);
        }
      }
    };
    let failure: unknown;
    try {
      while (next < queue.length) {
        serve();
        if (next >= queue.length) break;
        const file = queue[next++];
        Yaml.save(file.path, [...file.docs]);
      }
      // The rest is in the helpers' hands: wait for them, writing here what a stalled one holds.
      for (const helper of helpers) {
        this.drain(helper, serve);
        for (const batch of helper.pending.values()) for (const file of batch) Yaml.save(file.path, [...file.docs]);
      }
    } catch (error) {
      failure = error;
    } finally {
      for (const helper of helpers) stop(helper);
    }
    if (failure !== undefined) throw failure;
    const helperError = helpers.find((helper) => helper.error !== undefined)?.error;
    if (helperError !== undefined) throw new Error(helperError);
    return helpers.reduce((sum, helper) => sum + helper.written, 0);
  }

  /** Stops helper threads that were started but given no work (the synth failed before writing). */
  public close(): void {
    for (const helper of this.helpers.splice(0)) stop(helper);
  }

  /** Waits until `helper` has no batch pending, or reports nothing for STALL_MS. */
  private drain(helper: Helper, serve: () => void): void {
    let seen = Atomics.load(helper.idle, 0);
    let since = Date.now();
    while (helper.pending.size > 0 && helper.error === undefined) {
      if (Atomics.wait(helper.idle, 0, seen, 200) !== 'timed-out' || Atomics.load(helper.idle, 0) !== seen) {
        seen = Atomics.load(helper.idle, 0);
        since = Date.now();
        serve();
      } else if (Date.now() - since > STALL_MS) {
        return;
      }
    }
  }
}

function receive(helper: Helper): { ready?: boolean; probe?: string; done?: number; error?: string } | undefined {
  return receiveMessageOnPort(helper.port)?.message;
}

function startHelper(): Helper | undefined {
  try {
    const { port1, port2 } = new MessageChannel();
    const idle = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { yaml: cdk8sYaml(), probe: PROBE, idle: idle.buffer, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    return { worker, port: port1, idle, usable: false, pending: new Map(), written: 0 };
  } catch {
    return undefined;
  }
}

/** The `yaml` package that cdk8s requires (its own bundled copy). */
function cdk8sYaml(): string {
  return require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] });
}

function stop(helper: Helper): void {
  helper.port.close();
  void helper.worker.terminate();
}
