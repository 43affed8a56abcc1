import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { copyProject, PROJECT_ROOT, readTree, run } from './support/project-copy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { reindentQuotedScalars, parseCrdFile } = require('../scripts/crd-yaml');

const CRD_DIR = path.resolve(PROJECT_ROOT, '../shared/reference/crds');
const flaggerCrd = fs.readFileSync(path.join(CRD_DIR, 'flagger-v1.44.0.yaml'), 'utf8');

describe('CRD normalisation', () => {
  test('Flagger\'s published CRD is rejected by a strict YAML parser', () => {
    const errors = YAML.parseAllDocuments(flaggerCrd).flatMap((document) => document.errors);
    expect(errors.length).toBeGreaterThan(0);
  });

  test('after re-indenting it parses strictly into the three Flagger CRDs, with the descriptions intact', () => {
    const crds = parseCrdFile(flaggerCrd, 'flagger-v1.44.0.yaml');
    expect(crds.map((crd: any) => crd.spec.names.kind)).toEqual(['Canary', 'MetricTemplate', 'AlertProvider']);
    const description = crds[0].spec.versions[0].schema.openAPIV3Schema.properties.apiVersion.description;
    expect(description).toMatch(/^APIVersion defines the versioned schema of this representation of an object\. Servers should convert/);
  });

  test('continuation lines already indented deeper than their key are left alone', () => {
    const text = "a:\n  b: 'one\n    two'\n  c: plain\n";
    expect(reindentQuotedScalars(text)).toBe(text);
  });

  test('an under-indented continuation is moved under its key, escaped quotes included', () => {
    const text = "a:\n  b: 'it''s\n  still b'\n  c: 1\n";
    expect(YAML.parse(reindentQuotedScalars(text))).toEqual({ a: { b: "it's still b", c: 1 } });
  });
});

describe('npm run import', () => {
  test('regenerates imports/ offline from CRD_DIR, byte-identical to the committed files', () => {
    // GIVEN a copy of the project
    const project = copyProject();
    try {
      fs.rmSync(path.join(project, 'imports'), { recursive: true });
      // WHEN
      const result = run(process.execPath, ['scripts/import.js'], project, { CRD_DIR });
      // THEN
      expect(result.status).toBe(0);
      expect(readTree(path.join(project, 'imports'))).toEqual(readTree(path.join(PROJECT_ROOT, 'imports')));
      expect(fs.readFileSync(path.join(project, 'imports', 'networking.istio.io.ts'), 'utf8')).toContain("apiVersion: 'networking.istio.io/v1beta1'");
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  test('a CRD_DIR without the pinned files fails with a clear message and keeps imports/', () => {
    const project = copyProject();
    try {
      const result = run(process.execPath, ['scripts/import.js'], project, { CRD_DIR: project });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`import: ${path.join(project, 'flagger-v1.44.0.yaml')} not found (CRD_DIR=${project}).\n`);
      expect(readTree(path.join(project, 'imports'))).toEqual(readTree(path.join(PROJECT_ROOT, 'imports')));
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
