/** Strings whose written form an emitter remembers, at most (each up to 256 characters). */
const MAX_KNOWN = 50_000;

/** Writes one YAML document, or returns undefined when it leaves the document to the `yaml` package. */
export type YamlEmitter = (doc: unknown) => string | undefined;

/**
 * A fast path for cdk8s's `Yaml.stringify` of one document: the bytes that the `yaml` package
 * (given to the factory: cdk8s's own copy) writes with cdk8s's options (`lineWidth: 0`,
 * `version: '1.1'`), for the documents that Kubernetes manifests nearly always are, in a fraction
 * of the time (`yaml` builds a syntax tree of every document first). It covers block maps and
 * sequences of plain data and scalars on one line, and takes its choice of plain or quoted strings
 * from the `yaml` package's own rules and its schema's patterns. For anything else (text on several
 * lines, `undefined`, an object met twice, which `yaml` writes with an anchor, a Map, a Date, a
 * class instance...) it returns undefined, and the caller uses `yaml`.
 *
 * `stringifyDocuments` (yaml-files.ts) uses it only after it wrote a probe exactly as
 * `Yaml.stringify` does, so that another version of `yaml` falls back as a whole.
 */
export function createYamlEmitter(yaml: any): YamlEmitter {
  const schema = new yaml.Document(undefined, { version: '1.1' }).schema;
  // As plainString in yaml's stringifyString.js: strings a plain scalar may not be, and the
  // patterns of the schema's other types (numbers, booleans, null, dates, ...), which are quoted.
  const notPlain = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
  const forcedDouble = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
  const documentMarker = /^(%|---|\.\.\.)/m;
  const typed: RegExp[] = [...(schema.tags ?? []), ...(schema.compat ?? [])]
    .filter((tag: any) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test instanceof RegExp)
    .map((tag: any) => tag.test);

  /** A JSON-quoted string that yaml's double quoting leaves as it is, or undefined. */
  const doubleQuoted = (value: string): string | undefined => {
    const json = JSON.stringify(value);
    return json.includes('\\u') || json.includes('\\n') ? undefined : json;
  };
  const quoted = (value: string): string | undefined => {
    const hasDouble = value.includes('"');
    const hasSingle = value.includes("'");
    return hasDouble && !hasSingle ? `'${value}'` : doubleQuoted(value);
  };
  const written = (value: string): string | undefined => {
    // '<<' is yaml 1.1's merge key, which yaml writes by a rule of its own.
    if (value.includes('\n') || documentMarker.test(value) || value === '<<') return undefined;
    if (forcedDouble.test(value)) return doubleQuoted(value);
    if (notPlain.test(value)) return quoted(value);
    for (const test of typed) if (test.test(value)) return quoted(value);
    return value;
  };
  // Keys and many values repeat from one manifest to the next; a string's form is decided once.
  const known = new Map<string, string | undefined>();
  const string = (value: string): string | undefined => {
    const hit = known.get(value);
    if (hit !== undefined || known.has(value)) return hit;
    const result = written(value);
    if (known.size < MAX_KNOWN && value.length <= 256) known.set(value, result);
    return result;
  };
  const scalar = (value: unknown): string | undefined => {
    switch (typeof value) {
      case 'string': return string(value);
      case 'boolean': return value ? 'true' : 'false';
      case 'number': return Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : JSON.stringify(value)) : undefined;
      case 'object': return value === null ? 'null' : undefined;
      default: return undefined;
    }
  };

  let seen = new Set<object>();
  // yaml writes an object with toJSON as what it returns, and anything iterable as a sequence.
  const isPlainObject = (value: object) => {
    const prototype = Object.getPrototypeOf(value);
    return (prototype === Object.prototype || prototype === null) && !('toJSON' in value) && !(Symbol.iterator in value);
  };
  const arrayIterator = Array.prototype[Symbol.iterator];
  /** A collection as the value of a key or an item of a sequence: block lines at `indent`, or flow when empty. */
  const collection = (value: object, indent: string): { text: string; block: boolean } | undefined => {
    if (seen.has(value)) return undefined;
    seen.add(value);
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype || value[Symbol.iterator] !== arrayIterator || 'toJSON' in value) return undefined;
      if (value.length === 0) return { text: '[]', block: false };
      const text = sequence(value, indent);
      return text === undefined ? undefined : { text, block: true };
    }
    if (!isPlainObject(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length === 0) return { text: '{}', block: false };
    const text = map(value as Record<string, unknown>, keys, indent);
    return text === undefined ? undefined : { text, block: true };
  };
  const map = (value: Record<string, unknown>, keys: string[], indent: string): string | undefined => {
    const inner = `${indent}  `;
    let text = '';
    for (let index = 0; index < keys.length; index++) {
      const key = string(keys[index]);
      if (key === undefined || key.length > 1024) return undefined;
      const item = value[keys[index]];
      let line: string;
      if (item !== null && typeof item === 'object') {
        const nested = collection(item, inner);
        if (nested === undefined) return undefined;
        line = nested.block ? `${key}:\n${inner}${nested.text}` : `${key}: ${nested.text}`;
      } else {
        const written = scalar(item);
        if (written === undefined) return undefined;
        line = `${key}: ${written}`;
      }
      text += index === 0 ? line : `\n${indent}${line}`;
    }
    return text;
  };
  const sequence = (value: unknown[], indent: string): string | undefined => {
    const inner = `${indent}  `;
    let text = '';
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) return undefined;
      const item = value[index];
      let line: string;
      if (item !== null && typeof item === 'object') {
        const nested = collection(item, inner);
        if (nested === undefined) return undefined;
        line = `- ${nested.text}`;
      } else {
        const written = scalar(item);
        if (written === undefined) return undefined;
        line = `- ${written}`;
      }
      text += index === 0 ? line : `\n${indent}${line}`;
    }
    return text;
  };

  return (doc: unknown): string | undefined => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
    seen = new Set();
    const written = collection(doc, '');
    return written?.block ? `${written.text}\n` : undefined;
  };
}
