import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../../../lib/doctor/input/manifests';
import { lint } from '../../../lib/doctor/lint/engine';
import { Finding } from '../../../lib/doctor/lint/rule';
import { SourcedObject } from '../../../lib/doctor/model/object';
import { REFERENCE_DIR } from '../../support/reference';

export { REFERENCE_DIR };
export const REFERENCE_FILES = ['kustomize-podinfo.yaml', 'kustomize-tester.yaml', 'tutorial-canary.yaml', 'tutorial-gateway.yaml'];

/** The `test` namespace the tutorial creates with kubectl. */
export const TEST_NAMESPACE_YAML = `apiVersion: v1
kind: Namespace
metadata:
  name: test
  labels:
    istio-injection: enabled
`;

function parseFiles(files: Array<{ name: string; text: string }>): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const file of files) objects.push(...parseManifests(file.text, file.name, objects.length));
  return objects;
}

const referenceTexts = REFERENCE_FILES.map((name) => ({ name, text: fs.readFileSync(path.join(REFERENCE_DIR, name), 'utf8') }));

/** The correct tutorial set: the `test` Namespace, then Flagger's reference manifests. A fresh copy each call. */
export function tutorial(): SourcedObject[] {
  return parseFiles([{ name: '00-namespace.yaml', text: TEST_NAMESPACE_YAML }, ...referenceTexts]);
}

/** The dist/ the project synthesizes, as a fixture. A fresh copy each call. */
export function dist(): SourcedObject[] {
  return parseFiles([{ name: 'dist.yaml', text: fs.readFileSync(path.join(__dirname, 'fixtures', 'dist.yaml'), 'utf8') }]);
}

/** The (mutable) object of `kind` and `name` in a set. */
export function objectOf(objects: SourcedObject[], kind: string, name: string): any {
  const found = objects.find((s) => s.object.kind === kind && s.object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the set`);
  return found.object;
}

/** The tutorial's Canary spec, for editing. */
export function canarySpec(objects: SourcedObject[], name = 'podinfo'): any {
  return objectOf(objects, 'Canary', name).spec;
}

/** A webhook of the tutorial's Canary by name. */
export function webhook(objects: SourcedObject[], name: string): any {
  const hook = canarySpec(objects).analysis.webhooks.find((w: any) => w.name === name);
  if (!hook) throw new Error(`no webhook ${name}`);
  return hook;
}

/** Adds objects parsed from YAML at the end of a set. */
export function withYaml(objects: SourcedObject[], text: string, file = 'extra.yaml'): SourcedObject[] {
  return [...objects, ...parseManifests(text, file, objects.length)];
}

/** Removes the objects of `kind` (and `name`, if given). */
export function without(objects: SourcedObject[], kind: string, name?: string): SourcedObject[] {
  return objects.filter((s) => !(s.object.kind === kind && (name === undefined || s.object.metadata?.name === name)));
}

/** Findings of one rule. */
export function findingsOf(objects: SourcedObject[], rule: string, options?: Parameters<typeof lint>[1]): Finding[] {
  return lint(objects, options).filter((f) => f.rule === rule);
}

/** Adds a Flagger controller Deployment started with `args` (Go flags such as `-mesh-provider=nginx`). */
export function withFlagger(objects: SourcedObject[], args: readonly string[], namespace = 'istio-system'): SourcedObject[] {
  return withYaml(objects, `apiVersion: apps/v1
kind: Deployment
metadata: {name: flagger, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: flagger}}
  template:
    metadata: {labels: {app: flagger}}
    spec:
      containers:
      - name: flagger
        image: ghcr.io/fluxcd/flagger:1.44.0
        args: ${JSON.stringify(args)}
`, 'flagger.yaml');
}
