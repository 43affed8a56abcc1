/**
 * Just enough of POSIX shell to read a loadtester command (words, quotes, pipes and lists, `sh -c '...'`,
 * and wrappers such as `timeout 30s`; not an interpreter: variables stay as written), and to quote a
 * word for a command the doctor suggests.
 */

/** One command of a pipeline or list. */
export interface SimpleCommand {
  /** The words, after leading `NAME=value` assignments and wrappers (`timeout 5s`, `nohup`, ...) are removed. */
  readonly argv: readonly string[];
  /** The program's base name, e.g. `curl` for `/usr/bin/curl`. Empty when there is no word. */
  readonly program: string;
  /** What joins it to the next command: `|`, `&&`, `||`, `;`, `&`, or `` after the last one. */
  readonly next: string;
}

type Token = { readonly word: string } | { readonly operator: string };

const OPERATORS = ['&&', '||', ';;', '|&', '$(', '|', ';', '&', '(', ')', '`', '\n'];
const OPERATOR_START = new Set(OPERATORS.map((op) => op[0]));

function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < script.length; i++) {
    const char = script[i];
    if (char === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? script.length : end;
      word += script.slice(i + 1, stop);
      inWord = true;
      i = stop;
      continue;
    }
    if (char === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === '\\' && j + 1 < script.length && '"\\$`'.includes(script[j + 1])) j++;
        word += script[j];
      }
      i = j;
      continue;
    }
    if (char === '\\') {
      if (script[i + 1] === '\n') {
        i++;
        continue;
      }
      if (i + 1 < script.length) word += script[++i];
      inWord = true;
      continue;
    }
    if (char === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
      i--;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
      continue;
    }
    const operator = OPERATOR_START.has(char) ? OPERATORS.find((op) => script.startsWith(op, i)) : undefined;
    if (operator) {
      endWord();
      tokens.push({ operator });
      i += operator.length - 1;
      continue;
    }
    if (char === '>' || char === '<') {
      // A redirection: drop it and its target, e.g. `> /dev/null`, `2>&1`, `<<< text`.
      if (/^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      endWord();
      while (script[i + 1] === '>' || script[i + 1] === '<' || script[i + 1] === '&') i++;
      while (script[i + 1] === ' ' || script[i + 1] === '\t') i++;
      let j = i + 1;
      while (j < script.length && !' \t\n;|&()'.includes(script[j])) j++;
      i = j - 1;
      continue;
    }
    word += char;
    inWord = true;
  }
  endWord();
  return tokens;
}

const WRAPPERS = new Set(['nohup', 'exec', 'time', 'command', 'builtin', 'nice', 'stdbuf', 'eval']);
/** Reserved words that come before a command: `if curl ...; then grep ...`, `while true; do hey ...; done`. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'ash', 'dash', 'ksh']);

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Drops assignments and wrappers; expands `sh -c SCRIPT`. */
function unwrap(words: string[], next: string, out: SimpleCommand[], depth: number): void {
  let argv = words;
  for (;;) {
    while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0])) argv = argv.slice(1);
    if (argv.length === 0) break;
    const program = basename(argv[0]);
    if (program === 'env') {
      argv = argv.slice(1);
      while (argv.length > 0 && argv[0].startsWith('-')) argv = argv.slice(1);
      continue;
    }
    if (program === 'timeout') {
      let rest = argv.slice(1);
      while (rest.length > 0 && rest[0].startsWith('-')) rest = rest.slice(rest[0] === '-s' || rest[0] === '-k' ? 2 : 1);
      argv = rest.slice(1);
      continue;
    }
    if (KEYWORDS.has(argv[0])) {
      argv = argv.slice(1);
      continue;
    }
    if (WRAPPERS.has(program)) {
      argv = argv.slice(1);
      while (argv.length > 0 && argv[0].startsWith('-')) argv = argv.slice(1);
      continue;
    }
    if (SHELLS.has(program) && depth < 4) {
      const flagIndex = argv.findIndex((word, index) => index > 0 && /^-[a-z]*c[a-z]*$/.test(word));
      if (flagIndex > 0 && flagIndex + 1 < argv.length) {
        const inner = parseShellAt(argv[flagIndex + 1], depth + 1);
        inner.forEach((command, index) => out.push(index === inner.length - 1 ? { ...command, next } : command));
        return;
      }
    }
    break;
  }
  out.push({ argv, program: argv.length > 0 ? basename(argv[0]) : '', next });
}

function parseShellAt(script: string, depth: number): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  for (const token of tokenize(script)) {
    if ('word' in token) {
      words.push(token.word);
      continue;
    }
    const joiner = token.operator === '\n' || token.operator === ';;' ? ';' : token.operator === '|&' ? '|' : token.operator;
    if (words.length > 0) unwrap(words, joiner, commands, depth);
    words = [];
  }
  if (words.length > 0) unwrap(words, '', commands, depth);
  return commands.filter((command) => command.argv.length > 0);
}

/** Splits a shell script into its simple commands, in order. */
export function parseShell(script: string): readonly SimpleCommand[] {
  return parseShellAt(script, 0);
}

/** A shell script, or its commands already parsed with `parseShell`. */
export type Script = string | readonly SimpleCommand[];

/** The commands of a script, parsed unless they already are. */
export function commandsOf(script: Script): readonly SimpleCommand[] {
  return typeof script === 'string' ? parseShell(script) : script;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
