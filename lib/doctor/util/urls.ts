/**
 * URLs in webhooks and in the shell commands they run, and how Kubernetes DNS resolves their hosts.
 */

export interface HttpUrl {
  /** The URL as written. */
  readonly text: string;
  /** `http` or `https`, lower case. */
  readonly scheme: string;
  /** Host name, lower case, without brackets or a trailing dot. */
  readonly host: string;
  /** The port written in the URL, if any. */
  readonly port?: number;
  /** The port actually used: the written one, or the scheme's default. */
  readonly effectivePort: number;
  /** Path, query and fragment, e.g. `/token`. */
  readonly path: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/**
 * Parses an absolute http(s) URL. A URL written without a scheme, as curl and ghz accept, is read with
 * `defaultScheme`. Returns undefined for anything else.
 */
export function parseUrl(text: string, defaultScheme?: string): HttpUrl | undefined {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!hasScheme && !defaultScheme) return undefined;
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `${defaultScheme}://${text}`);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!(scheme in DEFAULT_PORTS) || url.hostname === '') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const port = url.port === '' ? writtenPort(text) : Number(url.port);
  return {
    text,
    scheme,
    host,
    port,
    effectivePort: port ?? DEFAULT_PORTS[scheme],
    path: `${url.pathname}${url.search}${url.hash}`,
  };
}

/** WHATWG URL drops `:80` from `http://x:80/`; keep it, since the user wrote it. */
function writtenPort(text: string): number | undefined {
  const authority = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(text);
  return authority ? Number(authority[1]) : undefined;
}

/** The same URL with another host and port, keeping scheme and path. */
export function withHost(url: HttpUrl, host: string, port?: number): string {
  const defaultPort = DEFAULT_PORTS[url.scheme];
  const portText = port === undefined || port === defaultPort ? '' : `:${port}`;
  return `${url.scheme}://${host}${portText}${url.path}`;
}

/** What a host name means inside a Kubernetes cluster. */
export type HostRef =
  /** A Service. `namespace` is undefined for a bare name, which resolves in the caller's own namespace. */
  | { readonly kind: 'service'; readonly name: string; readonly namespace?: string; readonly form: 'bare' | 'namespaced' | 'fqdn' }
  | { readonly kind: 'loopback' }
  | { readonly kind: 'external'; readonly reason: 'ip' | 'domain' };

/**
 * Public top-level domains that are far likelier than a namespace called the same, so `example.com` is
 * read as the internet. A namespace that exists in the manifests wins over this list.
 */
const PUBLIC_TLDS = new Set([
  'com', 'net', 'org', 'io', 'dev', 'app', 'co', 'ai', 'cloud', 'info', 'biz', 'me', 'us', 'uk', 'de', 'fr',
  'eu', 'nl', 'ca', 'au', 'jp', 'cn', 'ru', 'in', 'br', 'es', 'it', 'ch', 'se', 'no', 'pl', 'sh', 'xyz', 'tech',
  'online', 'site', 'gov', 'edu', 'mil', 'int', 'local', 'localhost', 'internal', 'localdomain', 'lan', 'corp', 'home',
]);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Classifies `host` the way a pod's resolver does: `svc` (bare, in the caller's namespace), `svc.ns`,
 * `svc.ns.svc` and `svc.ns.svc.<cluster domain>`. Other dotted names and IP addresses are outside the cluster.
 */
export function classifyHost(host: string, isKnownNamespace: (namespace: string) => boolean): HostRef {
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower === '::1' || lower.startsWith('127.')) return { kind: 'loopback' };
  if (IPV4.test(lower) || lower.includes(':')) return { kind: 'external', reason: 'ip' };
  const labels = lower.split('.');
  if (labels.length === 1) return { kind: 'service', name: labels[0], form: 'bare' };
  if (labels.length === 2) {
    const [name, namespace] = labels;
    if (isKnownNamespace(namespace) || !PUBLIC_TLDS.has(namespace)) return { kind: 'service', name, namespace, form: 'namespaced' };
    return { kind: 'external', reason: 'domain' };
  }
  if (labels[2] === 'svc') return { kind: 'service', name: labels[0], namespace: labels[1], form: 'fqdn' };
  return { kind: 'external', reason: 'domain' };
}
