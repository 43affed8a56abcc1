import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { REFERENCE_DIR } from './reference';

export type Json = any;

/** A fresh chart in a fresh app. */
export function newChart(id = 'test'): Chart {
  return new Chart(Testing.app(), id);
}

/** The one object of `kind` named `name` in `objects`; fails the test when there is not exactly one. */
export function findObject(objects: Json[], kind: string, name: string): Json {
  const matches = objects.filter((object) => object.kind === kind && object.metadata?.name === name);
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind} named ${name}, found ${matches.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return matches[0];
}

export function kinds(objects: Json[]): string[] {
  return objects.map((object) => object.kind);
}

/** The objects of a reference manifest of test/fixtures/reference/flagger-v1.44.0. */
export function referenceObjects(file: string): Json[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8'))
    .map((document) => document.toJS())
    .filter(Boolean);
}

export { Testing };
