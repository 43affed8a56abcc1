import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { CRD_DIR } from './reference';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseCrdFile } = require('../../scripts/crd-yaml');

/**
 * Strict schema validation of synthesized objects:
 * - core kinds with the validators of `kubernetes-models` (generated from Kubernetes' OpenAPI);
 * - custom resources with the openAPIV3Schema of their CRD, as the API server would.
 * Both are strict: a field the schema does not know is an error, as `kubectl apply --validate=strict` makes it.
 */


export interface SchemaProblem {
  readonly object: string;
  readonly problem: string;
}

type Json = any;

/** Records every property a validator reads, so the fields it never looked at can be reported as unknown. */
function tracked(value: Json, at: string, seen: Set<string>): Json {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver);
      seen.add(`${at}/${key}`);
      return tracked(Reflect.get(target, key, receiver), `${at}/${key}`, seen);
    },
    ownKeys(target) {
      seen.add(`${at}/*`);
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(value: Json, at: string, seen: Set<string>): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (seen.has(`${at}/*`)) return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const child = `${at}/${key}`;
    if (!Array.isArray(value) && !seen.has(child)) found.push(child || '/');
    else found.push(...unknownFields(value[key], child, seen));
  }
  return found;
}

/** The packages export only their models; their compiled schemas are read by path. */
function schemaFile(packageName: string, schema: string): string {
  return path.join(path.dirname(require.resolve(packageName)), '_schemas', `${schema}.js`);
}

type SchemaValidate = ((data: Json) => boolean) & { errors?: Array<{ instancePath: string; keyword: string; message?: string; params?: unknown }> | null };

/** The compiled OpenAPI validator of a core kind, e.g. `apps/v1` `Deployment` → `IoK8sApiAppsV1Deployment`. */
function coreValidator(apiVersion: string, kind: string): SchemaValidate | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const groupName = group.split('.')[0];
  const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(schemaFile('kubernetes-models', `IoK8sApi${capitalize(groupName)}${capitalize(version)}${kind}`)).validate;
  } catch {
    return undefined;
  }
}

function validateCore(object: Json, validate: SchemaValidate): string[] {
  const seen = new Set<string>();
  if (!validate(tracked(object, '', seen))) {
    return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword} ${JSON.stringify(error.params ?? {})}`);
  }
  return unknownFields(object, '', seen).map((field) => `unknown field ${field}`);
}

/** Makes a CRD schema reject unknown fields, as the API server's pruning with `--validate=strict` reports them. */
function strictify(schema: Json): Json {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(strictify);
  const result: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    result[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, strictify(sub)]))
      : strictify(value);
  }
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    result.additionalProperties = false;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete result.type;
    result.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return result;
}

let crdValidators: Map<string, ValidateFunction> | undefined;

function loadCrdValidators(): Map<string, ValidateFunction> {
  if (crdValidators) return crdValidators;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
  crdValidators = new Map();
  for (const file of fs.readdirSync(CRD_DIR)) {
    for (const crd of parseCrdFile(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'), file)) {
      for (const version of crd.spec.versions) {
        const schema = strictify(version.schema.openAPIV3Schema);
        schema.properties.metadata = { type: 'object' };
        schema.properties.apiVersion ??= { type: 'string' };
        schema.properties.kind ??= { type: 'string' };
        crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  return crdValidators;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const OBJECT_META: SchemaValidate = require(schemaFile('@kubernetes-models/apimachinery', 'IoK8sApimachineryPkgApisMetaV1ObjectMeta')).validate;

/** Validates each object strictly and returns every problem found; an empty list means all are valid. */
export function validateStrictly(objects: Json[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const label = `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
    const core = coreValidator(object.apiVersion, object.kind);
    if (core) {
      problems.push(...validateCore(object, core).map((problem) => ({ object: label, problem })));
      continue;
    }
    const crd = loadCrdValidators().get(`${object.apiVersion}/${object.kind}`);
    if (!crd) {
      problems.push({ object: label, problem: `no schema for ${object.apiVersion} ${object.kind}` });
      continue;
    }
    if (!crd(object)) {
      problems.push(...(crd.errors ?? []).map((error) => ({ object: label, problem: `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}` })));
    }
    // metadata is opaque in a CRD schema; check it as the API server does, against ObjectMeta.
    problems.push(...validateCore(object.metadata ?? {}, OBJECT_META).map((problem) => ({ object: label, problem: `metadata: ${problem}` })));
  }
  return problems;
}
