/**
 * Text from input (names, URLs, commands, log messages) made safe to print on a terminal: every
 * control character is shown as an escape instead of acting, so input cannot move the cursor,
 * clear the screen, set the window title (OSC 0), hide a link (OSC 8), ring the bell, or start a
 * new line that forges output such as "0 errors". Unicode bidirectional controls and line
 * separators are escaped too, so text cannot reorder or split itself. Everything else, UTF-8
 * included, is printed as it is.
 */

// C0 controls but tab, DEL, C1 controls, U+2028/2029, and the bidirectional embedding, override
// and isolate characters.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\x1b' };

function escape(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with its control characters shown as escapes (`\x1b`, `\n`, `\x07`, `\u009b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/** Whether `text` holds a character `printable` would escape. */
export function hasControlCharacters(text: string): boolean {
  UNPRINTABLE.lastIndex = 0;
  const found = UNPRINTABLE.test(text);
  UNPRINTABLE.lastIndex = 0;
  return found;
}
