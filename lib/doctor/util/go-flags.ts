/**
 * Go's `flag` package, the way Flagger and hey read their command lines: `-name` or `--name`, with
 * `-name=value` or `-name value` for a flag that takes a value. The flags end at `--` (dropped), at
 * `-`, or at the first word that is not a flag.
 */

export interface GoFlagSet {
  /** Flags that take no value. */
  readonly booleans: ReadonlySet<string>;
  /** Flags that take a value; undefined when every flag that is not boolean does (an unknown flag is then not an error). */
  readonly values?: ReadonlySet<string>;
}

export interface GoFlags {
  /** The last value given to each flag; `true` for a boolean flag without `=value`. */
  readonly values: ReadonlyMap<string, string>;
  /** The words after the flags. */
  readonly args: readonly string[];
  /** Why the program would stop with its usage instead: a flag it does not know, or one without its value. */
  readonly error?: { readonly reason: 'unknown' | 'no-value'; readonly flag: string };
}

export function parseGoFlags(words: readonly string[], set: GoFlagSet): GoFlags {
  const values = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return { values, args: words.slice(i + 1) };
    if (!word.startsWith('-') || word === '-') return { values, args: words.slice(i) };
    const body = word.replace(/^--?/, '');
    const equals = body.indexOf('=');
    const name = equals >= 0 ? body.slice(0, equals) : body;
    if (set.booleans.has(name)) {
      values.set(name, equals >= 0 ? body.slice(equals + 1) : 'true');
      continue;
    }
    if (set.values && !set.values.has(name)) return { values, args: [], error: { reason: 'unknown', flag: name } };
    const value = equals >= 0 ? body.slice(equals + 1) : words[++i];
    if (value === undefined) return { values, args: [], error: { reason: 'no-value', flag: name } };
    values.set(name, value);
  }
  return { values, args: [] };
}
