import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Props checks shared by the constructs. Each throws at construction time with a message naming
 * the construct path, the field, the bad value and the fix.
 */
export function invalidProp(scope: IConstruct, field: string, value: unknown, fix: string): Error {
  return new Error(`${scope.node.path}: ${field} is ${describe(value)}; ${fix}`);
}

function describe(value: unknown): string {
  if (value instanceof Duration) return `${value.toMilliseconds() / 1000}s`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object or namespace name that must be a DNS-1123 label (Services, Namespaces). */
export function checkDnsLabel(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    throw invalidProp(scope, field, value, 'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.');
  }
  return value;
}

/** A host name such as `app.example.com` or `*.example.com`. */
export function checkHostname(scope: IConstruct, field: string, value: string): string {
  const bare = typeof value === 'string' && value.startsWith('*.') ? value.slice(2) : value;
  if (value !== '*' && (typeof bare !== 'string' || bare.length > 253 || !DNS_SUBDOMAIN.test(bare))) {
    throw invalidProp(scope, field, value, 'use a lowercase DNS name such as "app.example.com", "*.example.com" or "*".');
  }
  return value;
}

export function checkPort(scope: IConstruct, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw invalidProp(scope, field, value, 'use a whole number from 1 to 65535.');
  }
  return value;
}

export function checkInteger(scope: IConstruct, field: string, value: number, min: number, max: number, why = ''): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(scope, field, value, `use a whole number from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  }
  return value;
}

export function checkNumber(scope: IConstruct, field: string, value: number, min: number, max: number, why = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidProp(scope, field, value, `use a number from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  }
  return value;
}

function wholeSeconds(scope: IConstruct, field: string, value: Duration, minSeconds: number): number {
  const ms = value instanceof Duration ? value.toMilliseconds() : NaN;
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || ms / 1000 < minSeconds) {
    throw invalidProp(scope, field, value, `use a whole number of seconds, at least ${minSeconds}s, e.g. Duration.minutes(1).`);
  }
  return ms / 1000;
}

/** Renders a duration as Go's `time.ParseDuration` reads it (`1h`, `1m30s`), for commands and flags. */
export function goDuration(scope: IConstruct, field: string, value: Duration, minSeconds = 1): string {
  const total = wholeSeconds(scope, field, value, minSeconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

/**
 * Renders a duration for a Canary field (interval, metric interval, webhook timeout): minutes and
 * seconds only (`1m`, `1m30s`, `90m`), because the CRD's pattern `^[0-9]+(m|s)` rejects Go's `1h`.
 */
export function canaryDuration(scope: IConstruct, field: string, value: Duration, minSeconds = 1): string {
  const total = wholeSeconds(scope, field, value, minSeconds);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes ? `${minutes}m` : ''}${seconds || !minutes ? `${seconds}s` : ''}`;
}

/**
 * Renders a duration for an Istio field (route timeout, retry perTryTimeout, outlier detection):
 * whole seconds as `30s`, anything finer as milliseconds, `250ms`.
 */
export function istioDuration(scope: IConstruct, field: string, value: Duration, minMillis = 1): string {
  const ms = value instanceof Duration ? value.toMilliseconds() : NaN;
  if (!Number.isInteger(ms) || ms < minMillis) {
    throw invalidProp(scope, field, value, `use a whole number of milliseconds, at least ${minMillis}ms, e.g. Duration.seconds(30).`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
