/**
 * A PromQL syntax check: whether Prometheus' parser would accept a query, and if not, where and why,
 * in the words of its own errors (`unexpected identifier "status" in label matching, expected "," or "}"`).
 * It checks the grammar only (selectors, matchers, ranges, subqueries, offset and @, aggregations with
 * by/without, calls, binary operators with bool, on/ignoring and group_left/group_right); it does not
 * know which functions exist or their argument types, so it never rejects a query Prometheus accepts
 * for those reasons.
 */

type TokenKind = 'identifier' | 'number' | 'string' | 'duration' | 'operator' | 'punct' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

export interface PromqlError {
  readonly message: string;
  /** 0-based offset in the query. */
  readonly offset: number;
}

class ParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);
const COMPARISONS = new Set(['==', '!=', '<=', '<', '>=', '>']);
/** Binary operators by precedence, lowest first; `^` is right-associative. */
const PRECEDENCE: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['or']), new Set(['and', 'unless']), COMPARISONS, new Set(['+', '-']), new Set(['*', '/', '%', 'atan2']), new Set(['^']),
];
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/;
const NUMBER = /^(0x[0-9a-f]+|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|nan)$/i;

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Inside [ ], a colon separates a subquery's range from its step; elsewhere it is part of a metric name.
  let brackets = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < query.length && query[i] !== c) {
        if (query[i] === '\\' && c !== '`') i++;
        if (query[i] === '\n' && c !== '`') throw new ParseError('unterminated quoted string', start);
        i++;
      }
      if (i >= query.length) throw new ParseError('unterminated quoted string', start);
      i++;
      tokens.push({ kind: 'string', text: query.slice(start, i), offset: start });
      continue;
    }
    if (/[0-9.]/.test(c) && (c !== '.' || /[0-9]/.test(query[i + 1] ?? ''))) {
      while (i < query.length && /[0-9a-zA-Z_.+-]/.test(query[i])) {
        // A sign belongs to the number only right after an exponent: 1e-3.
        if ((query[i] === '+' || query[i] === '-') && !/e$/i.test(query.slice(start, i))) break;
        if ((query[i] === '+' || query[i] === '-') && query.slice(start, i).startsWith('0x')) break;
        i++;
      }
      const text = query.slice(start, i);
      const kind: TokenKind = DURATION.test(text) ? 'duration' : 'number';
      if (kind === 'number' && !NUMBER.test(text.replace(/_/g, ''))) throw new ParseError(`bad number or duration syntax: "${text}"`, start);
      tokens.push({ kind, text, offset: start });
      continue;
    }
    if (/[a-zA-Z_]/.test(c) || (c === ':' && brackets === 0)) {
      while (i < query.length && (/[a-zA-Z0-9_]/.test(query[i]) || (query[i] === ':' && brackets === 0))) i++;
      tokens.push({ kind: 'identifier', text: query.slice(start, i), offset: start });
      continue;
    }
    const two = query.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '=~', '!~'].includes(two)) {
      tokens.push({ kind: 'operator', text: two, offset: i });
      i += 2;
      continue;
    }
    if ('+-*/%^<>='.includes(c)) {
      tokens.push({ kind: 'operator', text: c, offset: i });
      i++;
      continue;
    }
    if ('(){}[],@'.includes(c)) {
      if (c === '[') brackets++;
      if (c === ']') brackets = Math.max(0, brackets - 1);
      tokens.push({ kind: 'punct', text: c, offset: i });
      i++;
      continue;
    }
    if (c === ':') {
      tokens.push({ kind: 'punct', text: c, offset: i });
      i++;
      continue;
    }
    throw new ParseError(`unexpected character: ${JSON.stringify(c)}`, i);
  }
  tokens.push({ kind: 'end', text: '', offset: query.length });
  return tokens;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  if (token.kind === 'identifier') return `identifier "${token.text}"`;
  if (token.kind === 'string') return `string ${token.text}`;
  if (token.kind === 'number' || token.kind === 'duration') return `number "${token.text}"`;
  return `"${token.text}"`;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): void {
    this.expression(0);
    const next = this.peek();
    if (next.kind !== 'end') throw new ParseError(`unexpected ${describe(next)}`, next.offset);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private is(text: string): boolean {
    const token = this.peek();
    return token.kind !== 'string' && token.kind !== 'end' && token.text.toLowerCase() === text;
  }

  private expect(text: string, context: string): Token {
    const token = this.next();
    if (token.kind === 'string' || token.text.toLowerCase() !== text) {
      throw new ParseError(`unexpected ${describe(token)} in ${context}, expected "${text}"`, token.offset);
    }
    return token;
  }

  private binaryOperator(level: number): string | undefined {
    const token = this.peek();
    if (token.kind !== 'operator' && token.kind !== 'identifier') return undefined;
    const text = token.text.toLowerCase();
    return PRECEDENCE[level].has(text) ? text : undefined;
  }

  private expression(level: number): void {
    if (level === PRECEDENCE.length) {
      this.unary();
      return;
    }
    this.expression(level + 1);
    for (let operator = this.binaryOperator(level); operator; operator = this.binaryOperator(level)) {
      this.next();
      if (COMPARISONS.has(operator) && this.is('bool')) this.next();
      this.vectorMatching();
      // `^` is right-associative; every other operator is left-associative.
      this.expression(operator === '^' ? level : level + 1);
    }
  }

  private vectorMatching(): void {
    if (this.is('on') || this.is('ignoring')) {
      this.next();
      this.labelList('on/ignoring');
      if (this.is('group_left') || this.is('group_right')) {
        this.next();
        if (this.peek().text === '(') this.labelList('grouping');
      }
    }
  }

  private labelList(context: string): void {
    this.expect('(', context);
    while (this.peek().text !== ')') {
      const label = this.next();
      if (label.kind !== 'identifier' && label.kind !== 'string') throw new ParseError(`unexpected ${describe(label)} in grouping opts, expected label`, label.offset);
      if (this.peek().text === ',') this.next();
      else if (this.peek().text !== ')') throw new ParseError(`unexpected ${describe(this.peek())} in grouping opts, expected "," or ")"`, this.peek().offset);
    }
    this.next();
  }

  private unary(): void {
    const token = this.peek();
    if (token.kind === 'operator' && (token.text === '-' || token.text === '+')) {
      this.next();
      this.unary();
      return;
    }
    this.primary();
    this.postfix();
    if (this.peek().text === '^') {
      this.next();
      this.vectorMatching();
      this.unary();
    }
  }

  private postfix(): void {
    for (;;) {
      const token = this.peek();
      if (token.text === '[') {
        this.next();
        this.duration('range');
        if (this.peek().text === ':') {
          this.next();
          if (this.peek().text !== ']') this.duration('subquery step');
        }
        this.expect(']', 'range');
      } else if (this.is('offset')) {
        this.next();
        if (this.peek().text === '-' || this.peek().text === '+') this.next();
        this.duration('offset');
      } else if (token.text === '@') {
        this.next();
        const at = this.next();
        if ((at.text === 'start' || at.text === 'end') && this.peek().text === '(') {
          this.next();
          this.expect(')', '@ modifier');
        } else if (at.text === '-' || at.text === '+') {
          const value = this.next();
          if (value.kind !== 'number') throw new ParseError(`unexpected ${describe(value)} in @, expected timestamp`, value.offset);
        } else if (at.kind !== 'number') {
          throw new ParseError(`unexpected ${describe(at)} in @, expected timestamp`, at.offset);
        }
      } else {
        return;
      }
    }
  }

  private duration(context: string): void {
    const token = this.next();
    if (token.kind === 'duration' || (token.kind === 'number' && /^[0-9.]+$/.test(token.text))) return;
    throw new ParseError(token.kind === 'end' || token.text === ']' ? `missing unit character in duration` : `unexpected ${describe(token)} in ${context}, expected duration`, token.offset);
  }

  private primary(): void {
    const token = this.next();
    if (token.kind === 'number' || token.kind === 'string') return;
    if (token.kind === 'duration') throw new ParseError(`unexpected duration "${token.text}"`, token.offset);
    if (token.text === '(') {
      this.expression(0);
      this.expect(')', 'paren expression');
      return;
    }
    if (token.text === '{') {
      this.matchers(token, false);
      return;
    }
    if (token.kind !== 'identifier') throw new ParseError(`unexpected ${describe(token)}`, token.offset);
    const name = token.text.toLowerCase();
    if (AGGREGATIONS.has(name) && (this.peek().text === '(' || this.is('by') || this.is('without'))) {
      this.aggregation();
      return;
    }
    if (SET_OPERATORS.has(name) || ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset'].includes(name)) {
      throw new ParseError(`unexpected ${describe(token)}`, token.offset);
    }
    if (this.peek().text === '(') {
      this.call();
      return;
    }
    if (this.peek().text === '{') this.matchers(this.next(), true);
  }

  private aggregation(): void {
    if (this.is('by') || this.is('without')) {
      this.next();
      this.labelList('aggregation');
      this.call();
      return;
    }
    this.call();
    if (this.is('by') || this.is('without')) {
      this.next();
      this.labelList('aggregation');
    }
  }

  private call(): void {
    this.expect('(', 'function call');
    if (this.peek().text === ')') {
      this.next();
      return;
    }
    for (;;) {
      this.expression(0);
      const token = this.next();
      if (token.text === ')') return;
      if (token.text !== ',') throw new ParseError(`unexpected ${describe(token)} in function call, expected "," or ")"`, token.offset);
    }
  }

  private matchers(open: Token, named: boolean): void {
    let nonEmpty = named;
    for (;;) {
      let token = this.next();
      if (token.text === '}') break;
      if (token.kind === 'string' && (this.peek().text === ',' || this.peek().text === '}')) {
        // Prometheus 3: a quoted metric name inside the braces.
        nonEmpty = true;
      } else {
        if (token.kind !== 'identifier' && token.kind !== 'string') {
          throw new ParseError(`unexpected ${describe(token)} in label matching, expected label`, token.offset);
        }
        const operator = this.next();
        if (!['=', '!=', '=~', '!~'].includes(operator.text)) {
          throw new ParseError(`unexpected ${describe(operator)} in label matching, expected label matching operator`, operator.offset);
        }
        const value = this.next();
        if (value.kind !== 'string') throw new ParseError(`unexpected ${describe(value)} in label matching, expected string`, value.offset);
        const empty = value.text.length === 2;
        if (!(empty && (operator.text === '=' || operator.text === '=~')) && !(operator.text === '=~' && /^["'`]\.\*["'`]$/.test(value.text))) nonEmpty = true;
      }
      token = this.next();
      if (token.text === '}') break;
      if (token.text !== ',') throw new ParseError(`unexpected ${describe(token)} in label matching, expected "," or "}"`, token.offset);
    }
    if (!nonEmpty) throw new ParseError('vector selector must contain at least one non-empty matcher', open.offset);
  }
}

/** Why Prometheus would refuse `query`, or undefined when it parses. */
export function promqlSyntaxError(query: string): PromqlError | undefined {
  try {
    const tokens = lex(query);
    if (tokens.length === 1) return { message: 'no expression found in input', offset: 0 };
    new Parser(tokens).parse();
    return undefined;
  } catch (error) {
    if (error instanceof ParseError) return { message: error.message, offset: error.offset };
    throw error;
  }
}
