import * as fs from 'fs';
import * as path from 'path';
import { KubeObject, SourcedObject } from '../model/object';
import { isMap } from '../model/yaml';
import { typeName } from '../util/text';
import { InputError, readFailure, readTextFile, ReadOptions } from './read';
import { DOCUMENT_LIMITS, DocumentLimits, YamlDocument, yamlDocuments } from './yaml-documents';

/** A manifest that cannot be read or parsed, with the file named. `line` is 1-based. */
export class ManifestError extends InputError {
  constructor(file: string, message: string, line?: number) {
    super(file, message, line);
    this.name = 'ManifestError';
  }
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Parses YAML or JSON text with any number of documents into objects in document order.
 * A `kind: List` is expanded into its items; empty documents are skipped.
 * Throws a ManifestError naming `file` and the line of the first error.
 */
export function parseManifests(text: string, file: string, startOrder = 0): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const sourced of manifestObjects(text, file, startOrder)) objects.push(sourced);
  return objects;
}

/**
 * The objects of YAML or JSON text, one document at a time (see yaml-documents.ts): memory holds the
 * objects, and the syntax tree of one document at most.
 */
export function* manifestObjects(text: string, file: string, startOrder = 0, limits: DocumentLimits = DOCUMENT_LIMITS): Generator<SourcedObject, void, undefined> {
  let order = startOrder;
  const documents = yamlDocuments(text, file, limits);
  for (;;) {
    let next: IteratorResult<YamlDocument>;
    try {
      next = documents.next();
    } catch (error) {
      throw error instanceof InputError ? asManifestError(error) : error;
    }
    if (next.done) return;
    const { number, line, value, itemLines } = next.value;
    if (value === null || value === undefined) continue;
    const where = `document ${number} (line ${line})`;
    if (!isMap(value)) {
      throw new ManifestError(file, `${where} is ${typeName(value)}, not a Kubernetes object (a mapping with apiVersion and kind).`, line);
    }
    if (typeof value.kind !== 'string' || value.kind === '') {
      if (path.basename(file) === 'construct-metadata.json') {
        throw new ManifestError(file, 'this is the metadata cdk8s-cli writes for validation plugins, not a Kubernetes object; '
          + 'kubectl apply -f fails on it too. Delete it after synth, or name the manifests (e.g. dist/*.k8s.yaml).');
      }
      throw new ManifestError(file, `${where} has no kind; every Kubernetes object needs apiVersion and kind.`, line);
    }
    if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
      const items: unknown[] = Array.isArray(value.items) ? value.items : [];
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        const itemLine = itemLines[index] ?? line;
        if (!isMap(item) || typeof item.kind !== 'string' || item.kind === '') {
          throw new ManifestError(file, `item ${index + 1} of the List in ${where} is not a Kubernetes object with a kind.`, itemLine);
        }
        yield { object: item as KubeObject, source: { file, line: itemLine, order: order++ } };
      }
      continue;
    }
    yield { object: value as KubeObject, source: { file, line, order: order++ } };
  }
}

/** A regular file, or a symbolic link to one: kubectl follows links. */
function isFile(full: string, entry: fs.Dirent): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(full).isFile();
  } catch {
    return false;
  }
}

/**
 * The files `kubectl apply -f PATH...` would read, in its order: each path in turn; a folder contributes its
 * *.yaml, *.yml and *.json files in lexical order, without descending into subfolders. A path that is not a
 * folder is read whatever it is (a file, a FIFO such as `<(kustomize build)`, a device); in a folder, only
 * regular files and links to them count, so a FIFO there cannot stall the read.
 */
export function manifestFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  // The same file named twice (`lint base base/canary.yaml`, `lint *.yaml .`) is read once.
  const seen = new Set<string>();
  const add = (file: string) => {
    const resolved = path.resolve(cwd, file);
    if (seen.has(resolved)) return;
    seen.add(resolved);
    files.push(file);
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch (error) {
      throw new ManifestError(given, `cannot read: ${readFailure(error)}.`);
    }
    if (stat.isDirectory()) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(absolute, { withFileTypes: true });
      } catch (error) {
        throw new ManifestError(given, `cannot list the folder: ${readFailure(error)}.`);
      }
      const names = entries
        .filter((entry) => MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase()) && isFile(path.join(absolute, entry.name), entry))
        .map((entry) => entry.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const name of names) add(path.join(given, name));
    } else {
      add(given);
    }
  }
  return files;
}

/** The text of one manifest file, at most `maxBytes` of it. Throws a ManifestError naming the file. */
export function readManifestFile(file: string, options: ReadOptions = {}): string {
  try {
    return readTextFile(file, options);
  } catch (error) {
    throw error instanceof InputError ? asManifestError(error) : error;
  }
}

/** An input error as a ManifestError, which is what callers of the manifest readers catch. */
export function asManifestError(error: InputError): ManifestError {
  return error instanceof ManifestError ? error : new ManifestError(error.file, error.reason, error.line);
}

/**
 * Reads files and folders in `kubectl apply -f` order, at most `options.maxBytes` (64 MiB) from each file.
 * Throws a ManifestError for unreadable, oversized or unparsable input.
 */
export function loadManifests(paths: readonly string[], cwd = process.cwd(), options: Pick<ReadOptions, 'maxBytes'> = {}): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const file of manifestFiles(paths, cwd)) {
    const text = readManifestFile(file, { cwd, maxBytes: options.maxBytes });
    for (const sourced of manifestObjects(text, file, objects.length)) objects.push(sourced);
  }
  return objects;
}

/** Wraps objects that did not come from a file, e.g. `Chart.toJson()`, keeping their order. */
export function fromObjects(objects: readonly KubeObject[], file?: string): SourcedObject[] {
  return objects.map((object, order) => ({ object, source: { file, order } }));
}
