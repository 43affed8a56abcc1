#!/usr/bin/env node
'use strict';
// `npm run synth`: synthesizes main.ts into dist/ without ever losing the last good dist/.
//
// The app is compiled with esbuild (types are checked by `npm run build` and `npm test`, not here),
// synthesized into a fresh folder beside dist/, checked to hold only manifests, and only then
// swapped in. On any error dist/ is left as it was and the error is printed as one sentence.
//
// With --app it is the `app` command of cdk8s.yaml: `npx cdk8s synth` gives it CDK8S_OUTDIR and
// handles the output folder itself.
const fs = require('fs');
const path = require('path');
const { load, ROOT } = require('./bundle');

const OUTDIR = path.join(ROOT, 'dist');

function describeError(error) {
  if (process.env.DEBUG) return error.stack;
  const message = error && error.message ? error.message : String(error);
  return message;
}

function runApp(outdir) {
  process.env.CDK8S_OUTDIR = outdir;
  load('main.ts');
}

function manifestFiles(dir) {
  const files = fs.readdirSync(dir).sort();
  const strays = files.filter((file) => !file.endsWith('.k8s.yaml'));
  if (strays.length > 0) {
    throw new Error(`the app wrote files that are not manifests (${strays.join(', ')}); kubectl apply -f dist/ would fail on them.`);
  }
  if (files.length === 0) throw new Error('the app synthesized no manifests.');
  return files;
}

function swapInto(staged, target) {
  const previous = `${target}.previous-${process.pid}`;
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  try {
    fs.renameSync(staged, target);
  } catch (error) {
    if (hadPrevious) fs.renameSync(previous, target);
    throw error;
  }
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}

function synthToDist() {
  const staged = fs.mkdtempSync(path.join(ROOT, '.synth-'));
  fs.chmodSync(staged, 0o755);
  try {
    runApp(staged);
    const files = manifestFiles(staged);
    swapInto(staged, OUTDIR);
    process.stderr.write(`synth: ${files.map((file) => `dist/${file}`).join(', ')}\n`);
  } catch (error) {
    fs.rmSync(staged, { recursive: true, force: true });
    const kept = fs.existsSync(OUTDIR) ? 'dist/ was left as it was.' : 'nothing was written.';
    process.stderr.write(`synth failed: ${describeError(error)}\n${kept}\n`);
    process.exitCode = 1;
  }
}

function synthForCdk8sCli() {
  try {
    runApp(process.env.CDK8S_OUTDIR || OUTDIR);
  } catch (error) {
    process.stderr.write(`synth failed: ${describeError(error)}\n`);
    process.exitCode = 1;
  }
}

if (process.argv.includes('--app')) synthForCdk8sCli();
else synthToDist();
