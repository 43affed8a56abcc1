import { IConstruct } from 'constructs';
import type { CanaryWebhookContext } from '../canary-webhook';
import { invalidProp } from './validate';

/** `http://name.namespace[:port]/path`, the form Flagger's docs use. */
export function serviceUrl(name: string, namespace: string, port: number, path: string): string {
  return `http://${name}.${namespace}${port === 80 ? '' : `:${port}`}${path}`;
}

/** The in-cluster URL of the Canary's `<name>-canary` Service, which only reaches the new revision. */
export function canaryServiceUrl(context: CanaryWebhookContext, path = '/'): string {
  return `http://${context.serviceName}-canary.${context.namespace}:${context.port}${path}`;
}

/** The in-cluster URL of the Canary's apex Service, routed by Flagger's VirtualService. */
export function apexServiceUrl(context: CanaryWebhookContext, path = '/'): string {
  return `http://${context.serviceName}.${context.namespace}:${context.port}${path}`;
}

/** An absolute URL path without spaces or quotes. */
export function checkPath(scope: IConstruct, field: string, path: string): string {
  if (typeof path !== 'string' || !/^\/[\w./~%-]*$/.test(path)) {
    throw invalidProp(scope, field, path, 'use an absolute URL path such as "/" or "/token", without spaces or quotes.');
  }
  return path;
}

/** An absolute http or https URL. */
export function checkUrl(scope: IConstruct, field: string, url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (typeof url !== 'string' || !parsed || !['http:', 'https:'].includes(parsed.protocol) || /\s/.test(url)) {
    throw invalidProp(scope, field, url, 'use an absolute http:// or https:// URL such as "http://receiver.team-a/events".');
  }
  return url;
}
