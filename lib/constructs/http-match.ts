import { IConstruct } from 'constructs';
import { invalidProp } from './internal/validate';

/** How a `StringMatch` compares. */
export enum StringMatchType {
  /** The whole value equals the string. */
  EXACT = 'exact',
  /** The value starts with the string. */
  PREFIX = 'prefix',
  /** The value ends with the string. Only A/B testing header matches (`analysis.match`) accept it. */
  SUFFIX = 'suffix',
  /** The value matches an RE2 regular expression. */
  REGEX = 'regex',
}

/** A string condition of an Istio match: exact, prefix, suffix or RE2 regex. */
export class StringMatch {
  /** The whole value equals `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch(StringMatchType.EXACT, value);
  }

  /** The value starts with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch(StringMatchType.PREFIX, value);
  }

  /** The value ends with `value`. Only A/B testing header matches accept it. */
  public static suffix(value: string): StringMatch {
    return new StringMatch(StringMatchType.SUFFIX, value);
  }

  /** The value matches the RE2 regular expression `pattern` (Envoy's syntax, not JavaScript's). */
  public static regex(pattern: string): StringMatch {
    return new StringMatch(StringMatchType.REGEX, pattern);
  }

  /**
   * @param type how the value is compared
   * @param value the string compared with
   */
  private constructor(public readonly type: StringMatchType, public readonly value: string) {}

  /** @internal */
  public _render(scope: IConstruct, field: string, allowSuffix: boolean): Record<string, string> {
    if (typeof this.value !== 'string' || this.value === '') {
      throw invalidProp(scope, field, this.value, 'match a non-empty string.');
    }
    if (this.type === StringMatchType.SUFFIX && !allowSuffix) {
      throw invalidProp(scope, field, `suffix ${this.value}`, 'Istio matches by suffix only in A/B testing header conditions; use StringMatch.regex(".*<suffix>$") here.');
    }
    if (this.type === StringMatchType.REGEX) checkRe2(scope, field, this.value);
    return { [this.type]: this.value };
  }
}

/** The conditions of one `HttpMatch`; all of them must hold. */
export interface HttpMatchOptions {
  /**
   * Request headers, by lowercase name. A/B testing accepts exact, prefix, suffix and regex;
   * the Canary's service match accepts exact, prefix and regex.
   *
   * @default - any headers
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Query parameters, by name. In A/B testing they are dropped when the Canary also has a service
   * `match`: Flagger merges only headers and source labels into it, so that combination is refused.
   *
   * @default - any query
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * Labels of the calling workload. Istio applies them only to in-mesh traffic, so they need the
   * `mesh` gateway (`includeMesh`).
   *
   * @default - any caller
   */
  readonly sourceLabels?: { [name: string]: string };

  /**
   * The request path. Service match only.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * The HTTP method. Service match only.
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * The `:authority` (Host) header. Service match only.
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * The URI scheme. Service match only.
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * Headers that must not match, by lowercase name. Service match only.
   *
   * @default - none
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Match `uri` without regard to case. Service match only.
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * The port the request arrived on. Service match only.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Namespace of the calling workload. Service match only; in-mesh traffic only.
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;
}

const AB_TESTING_FIELDS = ['headers', 'queryParams', 'sourceLabels'];
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * An Istio HTTP match condition, used for A/B testing (`CanaryStrategy.abTesting`) and for the
 * routes of Flagger's VirtualService (`CanaryProps.match`). Conditions inside one `HttpMatch` must
 * all hold; a list of them matches when any one does.
 */
export class HttpMatch {
  /** Requests with the header `name` (lowercase) matching `value`. */
  public static header(name: string, value: StringMatch): HttpMatch {
    return new HttpMatch({ headers: { [name]: value } });
  }

  /**
   * Requests that carry the cookie `name` with exactly `value`, as Flagger's docs write it:
   * a regex on the `cookie` header, `^(.*?;)?(name=value)(;.*)?$`.
   */
  public static cookie(name: string, value: string): HttpMatch {
    return new HttpMatch({ headers: { cookie: StringMatch.regex(`^(.*?;)?(${escapeRe2(name)}=${escapeRe2(value)})(;.*)?$`) } }, { name, value });
  }

  /** Requests whose query parameter `name` matches `value`. */
  public static queryParam(name: string, value: StringMatch): HttpMatch {
    return new HttpMatch({ queryParams: { [name]: value } });
  }

  /** In-mesh requests from workloads with these labels. */
  public static sourceLabels(labels: { [name: string]: string }): HttpMatch {
    return new HttpMatch({ sourceLabels: labels });
  }

  /** Requests whose path starts with `prefix`. Service match only. */
  public static uriPrefix(prefix: string): HttpMatch {
    return new HttpMatch({ uri: StringMatch.prefix(prefix) });
  }

  /** Requests meeting every condition of `options`. */
  public static of(options: HttpMatchOptions): HttpMatch {
    return new HttpMatch(options);
  }

  private constructor(
    /** The conditions, all of which must hold. */
    public readonly options: HttpMatchOptions,
    private readonly cookie?: { readonly name: string; readonly value: string },
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string, abTesting: boolean): Record<string, unknown> {
    const options = this.options ?? {};
    if (this.cookie) {
      if (!COOKIE_NAME.test(this.cookie.name)) {
        throw invalidProp(scope, `${field}.cookie`, this.cookie.name, 'use a cookie name of letters, digits and !#$%&\'*+.^_`|~-, without spaces, "=" or ";".');
      }
      if (this.cookie.value === '' || /[\s;,"\\]/.test(this.cookie.value)) {
        throw invalidProp(scope, `${field}.cookie`, this.cookie.value, 'use a non-empty cookie value without spaces, ";", ",", quotes or backslashes.');
      }
    }
    const present = Object.keys(options).filter((key) => (options as Record<string, unknown>)[key] !== undefined);
    if (present.length === 0) {
      throw invalidProp(scope, field, {}, 'give at least one condition; an empty match matches every request.');
    }
    if (abTesting) {
      const unsupported = present.filter((key) => !AB_TESTING_FIELDS.includes(key));
      if (unsupported.length > 0) {
        const value = (options as Record<string, unknown>)[unsupported[0]];
        throw invalidProp(scope, `${field}.${unsupported[0]}`, value instanceof StringMatch ? value.value : value,
          'A/B testing matches only headers, queryParams and sourceLabels (Flagger\'s analysis.match); put path or method conditions in the Canary\'s match instead.');
      }
    }
    const allowSuffix = abTesting;
    const result: Record<string, unknown> = {};
    if (options.headers) result.headers = renderHeaders(scope, `${field}.headers`, options.headers, allowSuffix);
    if (options.queryParams) result.queryParams = renderMap(scope, `${field}.queryParams`, options.queryParams, false);
    if (options.sourceLabels) result.sourceLabels = renderLabels(scope, `${field}.sourceLabels`, options.sourceLabels);
    for (const key of ['uri', 'method', 'authority', 'scheme'] as const) {
      const match = options[key];
      if (match !== undefined) result[key] = asStringMatch(scope, `${field}.${key}`, match)._render(scope, `${field}.${key}`, false);
    }
    if (options.withoutHeaders) result.withoutHeaders = renderHeaders(scope, `${field}.withoutHeaders`, options.withoutHeaders, false);
    if (options.ignoreUriCase !== undefined) result.ignoreUriCase = options.ignoreUriCase;
    if (options.port !== undefined) {
      if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
        throw invalidProp(scope, `${field}.port`, options.port, 'use a whole number from 1 to 65535.');
      }
      result.port = options.port;
    }
    if (options.sourceNamespace !== undefined) result.sourceNamespace = options.sourceNamespace;
    return result;
  }

  /** @internal Whether the match holds query parameter conditions. */
  public get _hasQueryParams(): boolean {
    return this.options?.queryParams !== undefined && Object.keys(this.options.queryParams).length > 0;
  }

  /** @internal Whether the match holds source label conditions. */
  public get _hasSourceLabels(): boolean {
    return this.options?.sourceLabels !== undefined;
  }
}

function asStringMatch(scope: IConstruct, field: string, value: unknown): StringMatch {
  if (!(value instanceof StringMatch)) {
    throw invalidProp(scope, field, value, 'use StringMatch.exact(...), StringMatch.prefix(...) or StringMatch.regex(...).');
  }
  return value;
}

function renderHeaders(scope: IConstruct, field: string, headers: { [name: string]: StringMatch }, allowSuffix: boolean): Record<string, unknown> {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw invalidProp(scope, `${field}["${name}"]`, name, `Istio matches header names in lowercase; write "${name.toLowerCase()}" (letters, digits and "-").`);
    }
  }
  return renderMap(scope, field, headers, allowSuffix);
}

function renderMap(scope: IConstruct, field: string, map: { [name: string]: StringMatch }, allowSuffix: boolean): Record<string, unknown> {
  const names = Object.keys(map);
  if (names.length === 0) throw invalidProp(scope, field, {}, 'name at least one, or leave the field out.');
  return Object.fromEntries(names.sort().map((name) => [name, asStringMatch(scope, `${field}["${name}"]`, map[name])._render(scope, `${field}["${name}"]`, allowSuffix)]));
}

function renderLabels(scope: IConstruct, field: string, labels: { [name: string]: string }): Record<string, string> {
  const names = Object.keys(labels);
  if (names.length === 0) throw invalidProp(scope, field, {}, 'name at least one label, or leave the field out.');
  for (const name of names) {
    if (typeof labels[name] !== 'string') throw invalidProp(scope, `${field}["${name}"]`, labels[name], 'label values are strings.');
  }
  return Object.fromEntries(names.sort().map((name) => [name, labels[name]]));
}

/** Escapes RE2 metacharacters. */
function escapeRe2(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * Rejects patterns that cannot be RE2: backreferences and lookaround, which JavaScript accepts and
 * Envoy refuses, and anything JavaScript itself cannot parse.
 */
function checkRe2(scope: IConstruct, field: string, pattern: string): void {
  if (/\\[1-9]|\(\?[=!<]/.test(pattern)) {
    throw invalidProp(scope, field, pattern, 'Envoy uses RE2, which has no backreferences or lookaround; rewrite the pattern without them.');
  }
  try {
    new RegExp(pattern);
  } catch {
    throw invalidProp(scope, field, pattern, 'it is not a valid regular expression; check its brackets and escapes.');
  }
}
