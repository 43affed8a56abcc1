/**
 * A List document in the block style `kubectl get -o yaml` writes, cut into its items without parsing
 * it, so that each item can be parsed alone:
 *
 *     apiVersion: v1
 *     items:
 *     - apiVersion: apps/v1
 *       kind: Deployment
 *       ...
 *     kind: List
 *
 * `items:` is a key of the top-level mapping, at the start of its line; its items are the lines that
 * start with `- ` at the indentation of the first one, each running to the next. YAML allows nothing
 * of an item at or left of that indentation but the next item's dash, so the cut is exact; a document
 * of any other shape is not cut.
 */

/** The parts of a block-style List document, as [start, end) offsets into the text. */
export interface BlockList {
  /** The top-level keys before `items:`. */
  readonly head: readonly [number, number];
  /** Each item, from its dash to the next item. */
  readonly items: ReadonlyArray<readonly [number, number]>;
  /** The top-level keys after the items. */
  readonly tail: readonly [number, number];
}

/** Blank, or only a comment. */
const EMPTY_LINE = /^[ \t]*(#.*)?\r?$/;

/** The parts of text[start, end) when it is a block-style List, else undefined. */
export function splitBlockList(text: string, start: number, end: number): BlockList | undefined {
  const itemsKey = /^items:[ \t]*(?:#.*)?\r?$/gm;
  itemsKey.lastIndex = start;
  const found = itemsKey.exec(text);
  if (!found || found.index >= end) return undefined;
  let position = Math.min(endOfLine(text, found.index), end);
  let indent: number | undefined;
  const items: Array<[number, number]> = [];
  while (position < end) {
    const next = Math.min(endOfLine(text, position), end);
    const line = text.slice(position, text[next - 1] === '\n' ? next - 1 : next);
    if (!EMPTY_LINE.test(line)) {
      const lineIndent = /^ */.exec(line)![0].length;
      const isItem = /^ *-(?:[ \t]|\r?$)/.test(line);
      indent ??= isItem ? lineIndent : -1;
      if (indent < 0 || lineIndent < indent || (lineIndent === indent && !isItem)) break;
      if (lineIndent === indent) {
        if (items.length > 0) items[items.length - 1][1] = position;
        items.push([position, end]);
      }
    }
    position = next;
  }
  if (items.length === 0) return undefined;
  items[items.length - 1][1] = position;
  return { head: [start, found.index], items, tail: [position, end] };
}

/** The offset after the line break of the line at `position`, or the end of the text. */
function endOfLine(text: string, position: number): number {
  const newline = text.indexOf('\n', position);
  return newline === -1 ? text.length : newline + 1;
}
