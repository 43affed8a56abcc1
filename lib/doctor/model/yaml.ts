/**
 * The one reader of untyped YAML. A parsed manifest is `unknown` below its apiVersion, kind and
 * metadata: every field is read through these, which return an empty value (or undefined) for
 * anything that is not what was asked for, so the engine handles odd input without a cast and
 * without crashing.
 */

/** Whether a value is a mapping (an object that is not a list). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A mapping, or an empty one for anything else. */
export function asMap(value: unknown): Record<string, unknown> {
  return isMap(value) ? value : {};
}

/** A list, or an empty one for anything else. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A whole number, as Go decodes an `int` field. */
export function asInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The strings of a list, skipping anything else. */
export function asStrings(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

/** The mapping at a path of keys, e.g. `mapAt(object, 'spec', 'template', 'metadata')`; empty where the path ends early. */
export function mapAt(value: unknown, ...keys: readonly string[]): Record<string, unknown> {
  let current = asMap(value);
  for (const key of keys) current = asMap(current[key]);
  return current;
}
