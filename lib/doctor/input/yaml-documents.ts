/**
 * The documents of a YAML (or JSON) text as plain data, one at a time, in bounded memory and time.
 *
 * The text is cut into documents at their `---` lines before yaml sees it (YAML forbids such a line
 * inside any content, so the cut is exact), and each document is parsed alone: its syntax tree is
 * dropped once its value is built. yaml needs some hundred bytes per token of the document it
 * parses, so a document may have at most `maxDocumentTokens` tokens and `maxDocumentBytes` bytes;
 * a Kubernetes object is far smaller (etcd stores at most 1.5 MiB). Larger documents are read only
 * when they hold many objects: a List in the block style `kubectl get -o yaml` writes is parsed
 * item by item, and a JSON document (`kubectl get -o json`) with JSON.parse. Anything else that
 * large is refused with a sentence. Duplicate keys are found in one pass (yaml's own check compares
 * every pair of keys of a mapping).
 */
import { Composer, Document, isAlias, isMap, isScalar, isSeq, Lexer, Node, Parser, Tags, visit } from 'yaml';
import { splitBlockList } from './block-list';
import { formatBytes, InputError } from './read';

export interface DocumentLimits {
  /** The most bytes of one document parsed with yaml. */
  readonly maxDocumentBytes: number;
  /** The most YAML tokens (scalars, indicators, line breaks, comments) of one document. */
  readonly maxDocumentTokens: number;
  /** From this size on, a List is parsed item by item and a JSON document with JSON.parse. */
  readonly largeDocumentBytes: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxDocumentBytes: 8 * 1024 * 1024,
  maxDocumentTokens: 1_000_000,
  largeDocumentBytes: 1024 * 1024,
};

/** One document of the text. */
export interface YamlDocument {
  /** 1-based position among the documents of the text, empty ones included. */
  readonly number: number;
  /** 1-based line where its content starts. */
  readonly line: number;
  /** Its value as plain data; null or undefined when it is empty. */
  readonly value: unknown;
  /** The line of each item of its `items` list, when it has one and the lines are known. */
  readonly itemLines: readonly number[];
}

/**
 * The most nodes the aliases of one document may expand to. A real manifest reuses an anchor a few
 * times; a "billion laughs" document nests aliases of aliases to expand a few lines into billions
 * of nodes.
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * kubectl reads YAML with the YAML 1.1 schema (`yes` and `on` are booleans, `0755` is octal),
 * but without YAML 1.1's base-60 numbers and timestamps: `1:20` stays a string.
 */
function kubectlTags(tags: Tags): Tags {
  return tags.filter((tag) => (typeof tag === 'string'
    ? !['intTime', 'floatTime', 'timestamp'].includes(tag)
    : tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp'));
}

const COMPOSE_OPTIONS = { version: '1.1', customTags: kubectlTags, uniqueKeys: false } as const;

/**
 * Line numbers of offsets in a text, counted as the offsets are asked for. Documents are read in
 * order, so counting forward from the last answer reads the text once in all; this keeps no table
 * of line starts, which for a file of short lines would cost more memory than the file.
 */
export class LineFinder {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** The 1-based line of `offset`. */
  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    for (let next = this.text.indexOf('\n', this.offset); next !== -1 && next < offset; next = this.text.indexOf('\n', this.offset)) {
      this.line++;
      this.offset = next + 1;
    }
    return this.line;
  }
}

/** Reads the documents of one text, reporting errors against `file`. */
class DocumentReader {
  private number = 0;
  readonly lines: LineFinder;

  constructor(private readonly text: string, private readonly file: string, private readonly limits: DocumentLimits) {
    this.lines = new LineFinder(text);
  }

  error(message: string, offset: number): InputError {
    return new InputError(this.file, message, this.lines.lineAt(offset));
  }

  * documents(): Generator<YamlDocument, void, undefined> {
    for (const [start, end] of documentRanges(this.text)) {
      if (end - start >= this.limits.largeDocumentBytes) {
        const large = this.largeDocument(start, end);
        if (large) {
          yield large;
          continue;
        }
      }
      for (const document of this.parse(start, end)) yield this.plain(document, start);
    }
  }

  /** The yaml documents of text[start, end), within the limits. Positions in them are relative to `start`. */
  private* parse(start: number, end: number): Generator<Document.Parsed, void, undefined> {
    if (end - start > this.limits.maxDocumentBytes) throw this.tooLarge(start, `more than ${formatBytes(this.limits.maxDocumentBytes)}`);
    const parser = new Parser();
    const composer = new Composer(COMPOSE_OPTIONS);
    let tokens = 0;
    for (const lexeme of new Lexer().lex(this.text.slice(start, end))) {
      if (++tokens > this.limits.maxDocumentTokens) throw this.tooLarge(start, `more than ${this.limits.maxDocumentTokens} YAML tokens`);
      for (const token of parser.next(lexeme)) yield* composer.next(token);
    }
    for (const token of parser.end()) yield* composer.next(token);
    yield* composer.end();
  }

  private tooLarge(start: number, size: string): InputError {
    return this.error(`document ${this.number + 1} has ${size}, more than a Kubernetes object can have (etcd stores at most 1.5 MiB); `
      + 'write one document per object.', start);
  }

  /** A yaml document as plain data, checked first for what yaml would choke on or accept wrongly. */
  private plain(document: Document.Parsed, base: number): YamlDocument {
    this.number++;
    const syntaxError = document.errors[0];
    if (syntaxError) throw this.error(`invalid YAML: ${yamlErrorText(syntaxError.message)}`, base + syntaxError.pos[0]);
    const line = this.lines.lineAt(base + (document.contents?.range?.[0] ?? document.range[0]));
    const where = `document ${this.number} (line ${line})`;
    const problem = nodeProblem(document);
    if (problem) throw this.error(problemText(problem, where), base + problem.offset);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw this.conversionError(error, document, base, where, line);
    }
    const itemNodes = hasItems(value) ? listItemNodes(document.contents) : [];
    return { number: this.number, line, value, itemLines: itemNodes.map((node) => (node.range ? this.lines.lineAt(base + node.range[0]) : line)) };
  }

  /** yaml's refusals while building the value (too many aliases, a bad merge key) as errors at their line. */
  private conversionError(error: unknown, document: Document.Parsed, base: number, where: string, line: number): InputError {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('Excessive alias count')) {
      return new InputError(this.file, `the aliases in ${where} expand to more than ${MAX_ALIAS_COUNT} nodes, as a "billion laughs" `
        + 'attack does; write the repeated parts out, or alias them fewer times.', line);
    }
    if (message.startsWith('Merge sources must be maps')) {
      const merge = badMergeOffset(document);
      return new InputError(this.file, 'a merge key (<<) must be given a mapping, an alias of one, or a list of them.',
        merge === undefined ? line : this.lines.lineAt(base + merge));
    }
    if (error instanceof RangeError) return new InputError(this.file, `${where} is nested too deeply to read.`, line);
    return new InputError(this.file, `${where} cannot be read: ${firstLine(message)}`, line);
  }

  /**
   * A document too large for yaml's syntax tree, read another way when it holds many objects: JSON with
   * JSON.parse, a block-style List item by item. Undefined when it is neither; it is then parsed as any
   * other, within the limits.
   */
  private largeDocument(start: number, end: number): YamlDocument | undefined {
    const json = this.jsonDocument(start, end);
    if (json) return json;
    const list = splitBlockList(this.text, start, end);
    if (!list) return undefined;
    // The mapping around the items (apiVersion, kind, metadata), before and after them.
    const outer: Record<string, unknown> = {};
    for (const [partStart, partEnd] of [list.head, list.tail]) {
      for (const document of this.parse(partStart, partEnd)) {
        const part = this.plain(document, partStart);
        this.number--;
        if (part.value === null || part.value === undefined) continue;
        if (typeof part.value !== 'object' || Array.isArray(part.value)) return undefined;
        Object.assign(outer, part.value);
      }
    }
    const number = this.number + 1;
    const items: unknown[] = [];
    const itemLines: number[] = [];
    for (const [itemStart, itemEnd] of list.items) {
      for (const document of this.parse(itemStart, itemEnd)) {
        const item = this.plainItem(document, itemStart);
        if (item === undefined) continue;
        items.push(item);
        itemLines.push(this.lines.lineAt(itemStart));
      }
    }
    this.number = number;
    return { number, line: this.lines.lineAt(list.head[0]), value: { ...outer, items }, itemLines };
  }

  /** The one item of a List item's text (`- kind: ...`), or undefined for text with none (a comment). */
  private plainItem(document: Document.Parsed, base: number): unknown {
    const before = this.number;
    let item: YamlDocument;
    try {
      item = this.plain(document, base);
    } catch (error) {
      if (error instanceof InputError && error.reason.includes('has no anchor')) {
        throw new InputError(this.file, `${error.reason.replace(/ in document \d+ \(line \d+\)\.$/, '')} in its item of a List too large to `
          + 'read at once, whose items must not share anchors; write the aliased values out.', error.line);
      }
      throw error;
    } finally {
      this.number = before;
    }
    if (item.value === null || item.value === undefined) return undefined;
    if (!Array.isArray(item.value) || item.value.length !== 1) throw this.error('a List item could not be read apart from the others.', base);
    return item.value[0];
  }

  /** A large document that is JSON, parsed with JSON.parse (which keeps the last of repeated keys, as kubectl's JSON decoder does). */
  private jsonDocument(start: number, end: number): YamlDocument | undefined {
    const body = /^(?:---[ \t]*)?(?:\s*#[^\n]*)*\s*/.exec(this.text.slice(start, Math.min(end, start + 4096)));
    const first = start + (body ? body[0].length : 0);
    if (this.text[first] !== '{' && this.text[first] !== '[') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(this.text.slice(first, end));
    } catch {
      return undefined;
    }
    this.number++;
    const line = this.lines.lineAt(first);
    return { number: this.number, line, value, itemLines: hasItems(value) ? value.items.map(() => line) : [] };
  }
}

/**
 * The documents of YAML or JSON text as plain data, in order. Throws an InputError naming `file` and the
 * line for a syntax error, a broken or exploding alias, a bad merge key, a repeated key, or a document
 * too large to be a Kubernetes object.
 */
export function yamlDocuments(text: string, file: string, limits: DocumentLimits = DOCUMENT_LIMITS): Generator<YamlDocument, void, undefined> {
  return new DocumentReader(text, file, limits).documents();
}

/**
 * Where each document of a YAML stream is: from one `---` line (or the start) to the next. Directive
 * lines (`%YAML 1.1`) just before a `---` line belong to the document it starts.
 */
export function* documentRanges(text: string): Generator<readonly [number, number], void, undefined> {
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  let start = 0;
  for (let match = marker.exec(text); match; match = marker.exec(text)) {
    let cut = match.index;
    // Directives (and comments among them) directly above the marker.
    for (let previous = lineBefore(text, cut); previous && /^(%|#|\s*\r?$)/.test(text.slice(previous[0], previous[1])); previous = lineBefore(text, previous[0])) {
      if (text[previous[0]] === '%') cut = previous[0];
    }
    if (cut > start) yield [start, cut];
    start = cut;
  }
  if (text.length > start || text.length === 0) yield [start, text.length];
}

/** The line before the one starting at `lineStart`, as [start, end) without its line break; undefined at the top. */
function lineBefore(text: string, lineStart: number): [number, number] | undefined {
  if (lineStart === 0) return undefined;
  const end = lineStart - 1;
  return [text.lastIndexOf('\n', end - 1) + 1, end];
}

function hasItems(value: unknown): value is { items: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items);
}

/** yaml's message for a syntax error, on one line, in words for the cases it words poorly. */
function yamlErrorText(message: string): string {
  if (message.includes('Maximum call stack size exceeded')) return 'it is nested too deeply to read.';
  return firstLine(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

interface NodeProblem {
  readonly problem: 'recursive-alias' | 'unresolved-alias' | 'duplicate-key';
  readonly name: string;
  readonly offset: number;
}

function problemText(problem: NodeProblem, where: string): string {
  switch (problem.problem) {
    case 'recursive-alias':
      return `the alias *${problem.name} refers to the node it is in, which makes the object infinite; Kubernetes objects cannot hold such a cycle.`;
    case 'unresolved-alias':
      return `the alias *${problem.name} has no anchor &${problem.name} before it in ${where}.`;
    case 'duplicate-key':
      return `invalid YAML: the key ${quoteKey(problem.name)} appears twice in one mapping.`;
  }
}

function quoteKey(name: string): string {
  const quoted = JSON.stringify(name);
  return quoted.length > 80 ? `${quoted.slice(0, 76)}..."` : quoted;
}

/**
 * In one walk over the document: an alias without an anchor before it; an alias inside the very node its
 * anchor names (`metadata: &m {self: *m}`), which yaml would turn into a circular object; a key repeated
 * in a mapping. Aliases resolve as in yaml: to the last node before them with that anchor.
 */
function nodeProblem(document: Document.Parsed): NodeProblem | undefined {
  const anchored = new Map<string, Node>();
  let found: NodeProblem | undefined;
  visit(document, (_key, node, ancestors) => {
    if (isAlias(node)) {
      const target = anchored.get(node.source);
      if (target === undefined || ancestors.includes(target)) {
        found = { problem: target === undefined ? 'unresolved-alias' : 'recursive-alias', name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) anchored.set(node.anchor, node);
    if (isMap(node)) {
      // As yaml compares keys: scalar keys by value (a merge key `<<` is a new symbol each time).
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (!isScalar(pair.key) || Number.isNaN(pair.key.value)) continue;
        if (keys.has(pair.key.value)) {
          found = { problem: 'duplicate-key', name: String(pair.key.value), offset: pair.key.range?.[0] ?? 0 };
          return visit.BREAK;
        }
        keys.add(pair.key.value);
      }
    }
    return undefined;
  });
  return found;
}

/** The offset of the value of the first merge key (`<<`) given something other than mappings. */
function badMergeOffset(document: Document.Parsed): number | undefined {
  const resolve = (node: unknown) => (isAlias(node) ? node.resolve(document) : node);
  let offset: number | undefined;
  visit(document, {
    Pair(_key, pair) {
      const key = pair.key;
      if (!(isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<')) return undefined;
      const value = resolve(pair.value);
      const sources = isSeq(value) ? value.items.map(resolve) : [value];
      if (sources.every((source) => isMap(source))) return undefined;
      offset = (pair.value as Node | null)?.range?.[0] ?? key.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The YAML nodes of a document's `items`, to give each item of a List its own line. */
function listItemNodes(contents: unknown): Array<{ range?: [number, number, number] | null }> {
  const node = contents as { get?: (key: string, keepScalar?: boolean) => unknown } | null;
  const items = node?.get?.('items', true) as { items?: Array<{ range?: [number, number, number] | null }> } | undefined;
  return items?.items ?? [];
}
