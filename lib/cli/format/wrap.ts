/** Terminal width the CLI's prose is wrapped to. */
export const TEXT_WIDTH = 100;

/**
 * Wraps `text` to `width` columns: the first line starts with `first`, the others with `rest`. A span
 * in backticks (a command or a URL in a sentence) is never broken, so it can still be copied whole.
 */
export function wrapWords(text: string, first: string, rest: string, width = TEXT_WIDTH): string[] {
  const tokens = text.match(/`[^`]*`\S*|\S+/g) ?? [];
  const lines: string[] = [];
  let current = first;
  let empty = true;
  for (const token of tokens) {
    if (!empty && current.length + 1 + token.length > width) {
      lines.push(current);
      current = rest + token;
    } else {
      current += (empty ? '' : ' ') + token;
    }
    empty = false;
  }
  lines.push(current);
  return lines;
}

/**
 * Wraps one line of prose to `width` columns. Continuation lines keep the line's indentation, plus the
 * width of a leading label such as `Rollback:  ` or `note: `.
 */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)![0];
  const body = line.slice(indent.length);
  const label = /^[A-Z]?[a-z]+:\s+/.exec(body)?.[0];
  const labelled = label !== undefined && label.length <= 12;
  const hanging = indent + ' '.repeat(labelled ? label.length : 2);
  return wrapWords(body.slice(labelled ? label.length : 0), indent + (labelled ? label : ''), hanging, width);
}
