#!/usr/bin/env node
'use strict';
// Regenerates imports/ from the pinned Flagger and Istio CRDs.
//
//   npm run import                   reads the vendored CRDs in crds/ (offline, reproducible)
//   npm run import -- --download     downloads the pinned upstream CRDs into crds/ first
//   CRD_DIR=folder npm run import    reads them from another folder
//
// Flagger's published CRD is not strict YAML (some multi-line quoted descriptions are under-indented),
// which `cdk8s import` rejects, so every CRD is normalised first: re-indented, parsed strictly, trimmed
// to the kinds and versions this project uses, and written back as plain YAML.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { reindentQuotedScalars } = require('./crd-yaml');

const ROOT = path.resolve(__dirname, '..');
const OUTPUT = path.join(ROOT, 'imports');
const VENDORED = path.join(ROOT, 'crds');
const DOWNLOAD = process.argv.includes('--download');

const SOURCES = [
  {
    name: 'flagger',
    file: 'flagger-v1.44.0.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/flagger/v1.44.0/artifacts/flagger/crd.yaml',
    // Canary, MetricTemplate and AlertProvider, all served as flagger.app/v1beta1.
    keep: () => true,
  },
  {
    name: 'istio',
    file: 'istio-1.30.3-networking-security.yaml',
    url: 'https://raw.githubusercontent.com/istio/api/1.30.3/kubernetes/customresourcedefinitions.gen.yaml',
    // v1beta1 is served by every Istio release from 1.13 through 1.30; v1 only from 1.22 on.
    keep: (crd, version) => ['gateways.networking.istio.io', 'virtualservices.networking.istio.io'].includes(crd.metadata.name)
      && version.name === 'v1beta1',
  },
];

/** @returns {never} */
function fail(message) {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

async function readSource(source) {
  if (DOWNLOAD) {
    const response = await fetch(source.url).catch((error) => fail(`cannot download ${source.url}: ${error.cause?.code ?? error.message}. Offline? Run npm run import without --download to use crds/.`));
    if (!response.ok) fail(`cannot download ${source.url}: HTTP ${response.status}.`);
    const text = await response.text();
    return { text, from: source.url, vendor: true };
  }
  const dir = process.env.CRD_DIR ? path.resolve(process.env.CRD_DIR) : VENDORED;
  const file = path.join(dir, source.file);
  if (!fs.existsSync(file)) fail(`${file} not found${process.env.CRD_DIR ? ` (CRD_DIR=${process.env.CRD_DIR})` : ''}.`);
  return { text: fs.readFileSync(file, 'utf8'), from: path.relative(ROOT, file) || file };
}

function normalise(source, text) {
  const documents = YAML.parseAllDocuments(reindentQuotedScalars(text));
  const crds = [];
  for (const document of documents) {
    if (document.errors.length > 0) fail(`${source.file}: still not valid YAML after normalising: ${document.errors[0].message}`);
    const crd = document.toJS();
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    const versions = crd.spec.versions.filter((version) => source.keep(crd, version));
    if (versions.length > 0) crds.push({ ...crd, spec: { ...crd.spec, versions } });
  }
  if (crds.length === 0) fail(`${source.file}: no CustomResourceDefinition left to import.`);
  return crds.map((crd) => YAML.stringify(crd, { lineWidth: 0 })).join('---\n');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-import-'));
  const staged = path.join(work, 'imports');
  try {
    const downloaded = [];
    for (const source of SOURCES) {
      const { text, from, vendor } = await readSource(source);
      if (vendor) downloaded.push({ file: path.join(VENDORED, source.file), text });
      const file = path.join(work, `${source.name}.yaml`);
      fs.writeFileSync(file, normalise(source, text));
      process.stdout.write(`import: ${source.name} CRDs from ${from}\n`);
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'import', file, '--language', 'typescript', '--output', staged], {
        cwd: work,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      });
    }
    // Only once every CRD imported: update crds/ (crds/README.md lists their hashes) and imports/.
    for (const { file, text } of downloaded) fs.writeFileSync(file, text);
    fs.rmSync(OUTPUT, { recursive: true, force: true });
    fs.renameSync(staged, OUTPUT);
    process.stdout.write(`import: wrote ${fs.readdirSync(OUTPUT).sort().map((f) => `imports/${f}`).join(', ')}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => fail(error.message));
