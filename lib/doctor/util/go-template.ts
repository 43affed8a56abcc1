/**
 * Go's text/template, as far as Flagger's query templates use it: the actions of a template, the
 * functions, fields and `variables.X` lookups they use, and rendering the simple ones (a function,
 * `variables.X`, `printf`, `$x := ...`). Flagger parses every query with `missingkey=error`, its own
 * functions and Go's builtins, and executes it on nil data (pkg/metrics/observers/render.go).
 */

/** Go's builtin template functions (text/template/funcs.go). */
export const GO_TEMPLATE_BUILTINS: readonly string[] = [
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne',
];

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);

type ActionToken =
  | { readonly kind: 'identifier'; readonly text: string; /** The fields chained right after it, e.g. ['reporter'] of variables.reporter. */ readonly fields: readonly string[] }
  | { readonly kind: 'field'; readonly fields: readonly string[] }
  | { readonly kind: 'variable'; readonly text: string; readonly fields: readonly string[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string };

/** One `{{ ... }}` of a template. */
export interface TemplateAction {
  /** Offset of `{{` in the template. */
  readonly offset: number;
  /** The action's text between the delimiters, trim markers and comment removed. */
  readonly text: string;
  readonly tokens: readonly ActionToken[];
}

export interface ParsedTemplate {
  /** The text between actions, and the actions, in order. */
  readonly parts: ReadonlyArray<string | TemplateAction>;
  /** A syntax error, as `template: tmpl:...` would say it, if the template cannot be parsed. */
  readonly error?: string;
}

function lexAction(text: string): ActionToken[] | string {
  const tokens: ActionToken[] = [];
  let i = 0;
  const fieldChain = (): string[] => {
    const fields: string[] = [];
    while (text[i] === '.' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      i++;
      const start = i;
      while (i < text.length && /\w/.test(text[i])) i++;
      fields.push(text.slice(start, i));
    }
    return fields;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === '`') {
      const start = ++i;
      let value = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && c === '"') {
          const escaped = text[++i];
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        } else {
          value += text[i];
        }
        i++;
      }
      if (i >= text.length) return `unterminated quoted string at ${start - 1}`;
      i++;
      tokens.push({ kind: 'string', value });
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return 'unterminated character constant';
      tokens.push({ kind: 'number', text: text.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9]/.test(text[i + 1] ?? ''))) {
      const start = i++;
      while (i < text.length && /[0-9a-zA-Z_.+-]/.test(text[i])) i++;
      tokens.push({ kind: 'number', text: text.slice(start, i) });
      continue;
    }
    if (c === '.') {
      if (/[A-Za-z_]/.test(text[i + 1] ?? '')) tokens.push({ kind: 'field', fields: fieldChain() });
      else { tokens.push({ kind: 'field', fields: [] }); i++; }
      continue;
    }
    if (c === '$') {
      const start = i++;
      while (i < text.length && /\w/.test(text[i])) i++;
      const name = text.slice(start, i);
      tokens.push({ kind: 'variable', text: name, fields: fieldChain() });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /\w/.test(text[i])) i++;
      const name = text.slice(start, i);
      tokens.push({ kind: 'identifier', text: name, fields: fieldChain() });
      continue;
    }
    if (text.startsWith(':=', i)) { tokens.push({ kind: 'punct', text: ':=' }); i += 2; continue; }
    if ('|()=,'.includes(c)) { tokens.push({ kind: 'punct', text: c }); i++; continue; }
    return `unexpected ${JSON.stringify(c)} in command`;
  }
  return tokens;
}

/** Splits a template into text and actions, as text/template's lexer does with the default delimiters. */
export function parseGoTemplate(template: string): ParsedTemplate {
  const parts: Array<string | TemplateAction> = [];
  let i = 0;
  let text = '';
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return { parts, error: 'unclosed action' };
    let inner = template.slice(open + 2, close);
    // Trim markers: `{{- ` and ` -}}` remove the white space next to the action.
    if (/^-\s/.test(inner)) {
      inner = inner.slice(1);
      text = text.replace(/\s+$/, '');
    }
    let trimAfter = false;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimAfter = true;
    }
    if (text) parts.push(text);
    text = '';
    const trimmed = inner.trim();
    i = close + 2;
    if (trimAfter) while (i < template.length && /\s/.test(template[i])) i++;
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) return { parts, error: 'unclosed comment' };
      continue;
    }
    const tokens = lexAction(trimmed);
    if (typeof tokens === 'string') return { parts, error: tokens };
    if (tokens.length === 0) return { parts, error: 'missing value for command' };
    parts.push({ offset: open, text: trimmed, tokens });
  }
  if (text) parts.push(text);
  return { parts };
}

/** What an action calls or reads. */
export interface TemplateUse {
  readonly action: TemplateAction;
  /** A function name (Flagger's, a builtin, or an unknown one). */
  readonly functions: readonly string[];
  /** Keys read from a function's result: `variables.reporter` gives [variables, reporter]. */
  readonly lookups: ReadonlyArray<readonly [string, string]>;
  /** Fields read from the data (`.Release.Name`), which Flagger executes as nil. */
  readonly dataFields: readonly string[];
}

/** The functions, lookups and data fields of every action. */
export function templateUses(parsed: ParsedTemplate): TemplateUse[] {
  return parsed.parts.filter((part): part is TemplateAction => typeof part !== 'string').map((action) => {
    const functions: string[] = [];
    const lookups: Array<[string, string]> = [];
    const dataFields: string[] = [];
    for (const token of action.tokens) {
      if (token.kind === 'identifier' && !KEYWORDS.has(token.text)) {
        functions.push(token.text);
        if (token.fields.length > 0) lookups.push([token.text, token.fields[0]]);
      } else if (token.kind === 'field' && token.fields.length > 0) {
        dataFields.push(`.${token.fields.join('.')}`);
      }
    }
    return { action, functions, lookups, dataFields };
  });
}

/** Values of the template functions a render may use: zero-argument functions returning a string, and `variables`. */
export interface TemplateModel {
  readonly functions: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, string>>;
}

function sprintf(format: string, args: readonly string[]): string {
  let next = 0;
  return format.replace(/%([-+# 0]*\d*(\.\d+)?)?([svdq%])/g, (_match, _flags, _precision, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++] ?? '%!' + verb + '(MISSING)';
    return verb === 'q' ? JSON.stringify(value) : value;
  });
}

/**
 * The template rendered with `model`, for actions that are a single function, `variables.X`, a
 * `$variable`, `printf` over those, or an assignment `$x := ...` of one of them; undefined when an
 * action does anything else (if, range, pipelines), which this does not evaluate.
 */
export function renderGoTemplate(parsed: ParsedTemplate, model: TemplateModel): string | undefined {
  if (parsed.error) return undefined;
  const variables = new Map<string, string>();
  const value = (token: ActionToken): string | undefined => {
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return token.text;
    if (token.kind === 'variable') return token.fields.length === 0 ? variables.get(token.text) : undefined;
    if (token.kind !== 'identifier') return undefined;
    if (token.text === 'variables') return token.fields.length === 1 ? model.variables[token.fields[0]] : undefined;
    return token.fields.length === 0 ? model.functions[token.text] : undefined;
  };
  const evaluate = (tokens: readonly ActionToken[]): string | undefined => {
    if (tokens.length === 1) return value(tokens[0]);
    const [head, ...args] = tokens;
    if (head.kind !== 'identifier' || head.fields.length > 0 || (head.text !== 'printf' && head.text !== 'print')) return undefined;
    const values = args.map(value);
    if (values.some((v) => v === undefined)) return undefined;
    return head.text === 'printf' ? sprintf(values[0] ?? '', values.slice(1) as string[]) : (values as string[]).join('');
  };
  let out = '';
  for (const part of parsed.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const tokens = part.tokens;
    if (tokens.length >= 3 && tokens[0].kind === 'variable' && tokens[1].kind === 'punct' && (tokens[1].text === ':=' || tokens[1].text === '=')) {
      const assigned = evaluate(tokens.slice(2));
      if (assigned === undefined) return undefined;
      variables.set(tokens[0].text, assigned);
      continue;
    }
    const rendered = evaluate(tokens);
    if (rendered === undefined) return undefined;
    out += rendered;
  }
  return out;
}
