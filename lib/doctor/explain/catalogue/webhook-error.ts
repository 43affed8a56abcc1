/**
 * Tells apart the ways a Flagger webhook call fails, from the error text Flagger
 * appends to its message.
 *
 * Since v1.35 Flagger calls webhooks through hashicorp/go-retryablehttp, whose
 * errors read `POST <url> giving up after N attempt(s): <cause>`; a 5xx answer
 * becomes `unexpected HTTP status 500 Internal Server Error` and its body is lost.
 * Older releases used net/http directly (`Post "<url>": <cause>`) and returned
 * the body of any answer above 202, such as the loadtester's
 * `command <cmd> failed: <output>: exit status 1`. A 4xx answer is still
 * reported as its body alone: the loadtester's `-namespace-regexp` refusal is
 * just `Forbidden`.
 */

export type WebhookFailure =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'server-error'
  | 'command-failed'
  | 'forbidden'
  | 'rbac-denied'
  | 'bad-request'
  | 'not-found'
  | 'reset'
  | 'unreachable'
  | 'tls'
  | 'bad-url'
  | 'other';

export interface WebhookError {
  readonly failure: WebhookFailure;
  /** The URL Flagger called, when the error names it. */
  readonly url?: string;
  /** The host name that did not resolve (`dns`). */
  readonly host?: string;
  /** The HTTP status line (`server-error`), e.g. `500 Internal Server Error`. */
  readonly status?: string;
  /** The loadtester command that failed (`command-failed`, older Flagger). */
  readonly command?: string;
}

const RULES: ReadonlyArray<readonly [WebhookFailure, RegExp]> = [
  ['dns', /no such host|server misbehaving|Temporary failure in name resolution|Name or service not known/],
  ['refused', /connection refused/],
  ['server-error', /unexpected HTTP status 5\d\d/],
  ['command-failed', /^command [\s\S]+ failed: /],
  ['timeout', /context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|timeout awaiting response headers|TLS handshake timeout/],
  ['forbidden', /^Forbidden\s*$/],
  ['rbac-denied', /RBAC: access denied/],
  ['bad-request', /^(?:metadata not found in payload|unknown task type \S*|cmd not found in metadata|.*\bnot found in metadata)\s*$/],
  ['not-found', /^404 page not found\s*$|^\s*404\b|"code":\s*404/],
  ['reset', /connection reset by peer|: EOF\s*$|^EOF\s*$|upstream connect error or disconnect\/reset before headers/],
  ['unreachable', /no route to host|network is unreachable/],
  ['tls', /x509:|tls: |certificate/],
  ['bad-url', /unsupported protocol scheme|missing protocol scheme|invalid URI|invalid port|first path segment in URL cannot contain colon|invalid character .* in host name/],
];

export function classifyWebhookError(error: string): WebhookError {
  const text = error.trim();
  const failure = RULES.find(([, pattern]) => pattern.test(text))?.[0] ?? 'other';
  const url = urlOf(text);
  const host = failure === 'dns' ? /lookup ([^\s:]+)(?: on \S+)?: /.exec(text)?.[1] : undefined;
  const status = failure === 'server-error' ? /unexpected HTTP status (\d{3}(?: [A-Za-z ]*[A-Za-z])?)/.exec(text)?.[1] : undefined;
  const command = failure === 'command-failed' ? /^command ([\s\S]+?) failed: /.exec(text)?.[1] : undefined;
  return {
    failure,
    ...(url ? { url } : {}),
    ...(host ? { host } : {}),
    ...(status ? { status } : {}),
    ...(command ? { command } : {}),
  };
}

function urlOf(text: string): string | undefined {
  return (
    /^(?:POST|GET) (\S+) giving up after/.exec(text)?.[1] ??
    /\b(?:Post|POST|Get|GET) "([^"]+)"/.exec(text)?.[1] ??
    /\b(?:Post|Get) (\w+:\/\/[^\s:]+(?::\d+)?[^\s:]*):/.exec(text)?.[1]
  );
}
