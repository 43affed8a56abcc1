import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { copyProject, PROJECT_ROOT, readTree, run } from './support/project-copy';
import { CRD_DIR } from './support/reference';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { reindentQuotedScalars, parseCrdFile } = require('../scripts/crd-yaml');

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
  test('regenerates imports/ offline from the vendored crds/, byte-identical to the committed files', () => {
    // GIVEN a copy of the project
    const project = copyProject();
    try {
      fs.cpSync(CRD_DIR, path.join(project, 'crds'), { recursive: true });
      fs.rmSync(path.join(project, 'imports'), { recursive: true });
      // WHEN
      const result = run(process.execPath, ['scripts/import.js'], project);
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

describe('crds/', () => {
  test('holds the files crds/README.md lists, with the SHA-256 it gives', () => {
    const readme = fs.readFileSync(path.join(CRD_DIR, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+\.yaml)` \|.*\| `([0-9a-f]{64})` \|$/gm)].map(([, file, hash]) => [file, hash]);
    const present = fs.readdirSync(CRD_DIR).filter((file) => file.endsWith('.yaml')).sort();
    expect(listed.map(([file]) => file).sort()).toEqual(present);
    for (const [file, hash] of listed) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(CRD_DIR, file))).digest('hex')).toBe(hash);
    }
  });
});
