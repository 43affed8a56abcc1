/** Small pieces of English for messages: counts, and values as the user wrote them. */

/** `1 check`, `5 checks`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A value as it reads in a sentence: a string as it is, anything else as JSON (`[1,2]`, `true`). */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value as JSON, so a string shows its quotes (`"10"` is not `10`); `undefined` as itself. */
export function quoteValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** What kind of YAML value it is, for "... is a list, not a mapping": `null`, `a list`, `a mapping`, `a string`, `a number`... */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
