import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, parseAllDocuments, Tags, visit } from 'yaml';
import { KubeObject, SourcedObject } from '../model/object';
import { isMap } from '../model/yaml';
import { typeName } from '../util/text';

/** A manifest that cannot be read or parsed. `line` is 1-based. */
export class ManifestError extends Error {
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'ManifestError';
  }
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * kubectl reads YAML with the YAML 1.1 schema (`yes` and `on` are booleans, `0755` is octal),
 * but without YAML 1.1's base-60 numbers and timestamps: `1:20` stays a string.
 */
function kubectlTags(tags: Tags): Tags {
  return tags.filter((tag) => (typeof tag === 'string'
    ? !['intTime', 'floatTime', 'timestamp'].includes(tag)
    : tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp'));
}

/**
 * Parses YAML or JSON text with any number of documents into objects in document order.
 * A `kind: List` is expanded into its items; empty documents are skipped.
 * Throws a ManifestError naming `file` and the line of the first syntax error.
 */
export function parseManifests(text: string, file: string, startOrder = 0): SourcedObject[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', customTags: kubectlTags, lineCounter, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
      throw new ManifestError(file, `invalid YAML: ${firstLine(error.message)}`, line);
    }
  }
  const objects: SourcedObject[] = [];
  let documentNumber = 0;
  for (const document of list) {
    documentNumber++;
    const recursive = recursiveAlias(document);
    if (recursive) {
      throw new ManifestError(file, `the alias *${recursive.name} refers to the node it is in, which makes the object infinite; `
        + 'Kubernetes objects cannot hold such a cycle.', lineCounter.linePos(recursive.offset).line);
    }
    const value = document.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) continue;
    const contentStart = document.contents?.range?.[0] ?? document.range[0];
    const line = lineCounter.linePos(contentStart).line;
    const where = `document ${documentNumber} (line ${line})`;
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
      const items = Array.isArray(value.items) ? value.items : [];
      const itemNodes = listItemNodes(document.contents);
      items.forEach((item: unknown, index: number) => {
        const itemStart = itemNodes[index]?.range?.[0];
        const itemLine = itemStart !== undefined ? lineCounter.linePos(itemStart).line : line;
        if (!isMap(item) || typeof item.kind !== 'string' || item.kind === '') {
          throw new ManifestError(file, `item ${index + 1} of the List in ${where} is not a Kubernetes object with a kind.`, itemLine);
        }
        objects.push({ object: item as KubeObject, source: { file, line: itemLine, order: startOrder + objects.length } });
      });
      continue;
    }
    objects.push({ object: value as KubeObject, source: { file, line, order: startOrder + objects.length } });
  }
  return objects;
}

/** An alias inside the very node its anchor names (`metadata: &m {self: *m}`), which yaml turns into a circular object. */
function recursiveAlias(document: Document.Parsed): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  visit(document, {
    Alias(_key, alias, ancestors) {
      const anchored = alias.resolve(document);
      if (anchored && ancestors.includes(anchored)) {
        found = { name: alias.source, offset: alias.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** The YAML nodes of a List document's `items`, to give each item its own line. */
function listItemNodes(contents: unknown): Array<{ range?: [number, number, number] | null }> {
  const node = contents as { get?: (key: string, keepScalar?: boolean) => unknown } | null;
  const items = node?.get?.('items', true) as { items?: Array<{ range?: [number, number, number] | null }> } | undefined;
  return items?.items ?? [];
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
 * *.yaml, *.yml and *.json files in lexical order, without descending into subfolders.
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
      throw new ManifestError(given, `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
    if (stat.isDirectory()) {
      const entries = fs.readdirSync(absolute, { withFileTypes: true })
        .filter((entry) => MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase()) && isFile(path.join(absolute, entry.name), entry))
        .map((entry) => entry.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const name of entries) add(path.join(given, name));
    } else {
      add(given);
    }
  }
  return files;
}

/** Reads files and folders in `kubectl apply -f` order. Throws ManifestError for unreadable or unparsable input. */
export function loadManifests(paths: readonly string[], cwd = process.cwd()): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const file of manifestFiles(paths, cwd)) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new ManifestError(file, `cannot read: ${(error as Error).message}`);
    }
    for (const sourced of parseManifests(text, file, objects.length)) objects.push(sourced);
  }
  return objects;
}

/** Wraps objects that did not come from a file, e.g. `Chart.toJson()`, keeping their order. */
export function fromObjects(objects: readonly KubeObject[], file?: string): SourcedObject[] {
  return objects.map((object, order) => ({ object, source: { file, order } }));
}
