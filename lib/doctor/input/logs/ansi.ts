/**
 * Colour and other terminal escape sequences that tools add to what they print: stern and kubectl
 * plugins colour the level field (`\x1b[34mINFO\x1b[0m`), some colour pod names. They carry no meaning
 * in a log, so they are removed before a line is read; any other control character is left to the
 * readers (and escaped on output).
 */

// CSI sequences (colours, cursor moves), OSC sequences ended by BEL or ST (titles, hyperlinks), and
// two-character escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** `line` without terminal escape sequences. */
export function stripEscapes(line: string): string {
  return line.includes('\u001b') ? line.replace(ESCAPE_SEQUENCES, '') : line;
}
