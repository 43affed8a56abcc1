#!/usr/bin/env node
'use strict';
// `npm run synth`: synthesizes main.ts into dist/ without ever losing the last good dist/.
//
// The app is compiled with esbuild (types are checked by `npm run build` and `npm test`, not here),
// synthesized into a fresh folder beside dist/, checked to hold only manifests, and only then
// swapped in. On any error dist/ is left as it was and the error is printed as one sentence.
//
// With --app it is the `app` command of cdk8s.yaml. `npx cdk8s synth` empties dist/ before it runs the
// app, so on failure the app puts back the last good synth, which every successful synth keeps a copy of.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { load, ROOT } = require('./bundle');

const OUTDIR = path.join(ROOT, 'dist');

function sha1(bytes) {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

const LAST_GOOD = path.join(ROOT, 'node_modules', '.cache', 'flagger-istio-cdk8s',
  `last-good-dist-${sha1(ROOT).slice(0, 12)}`);

function describeError(error) {
  if (process.env.DEBUG) return error.stack;
  const message = error && error.message ? error.message : String(error);
  return message;
}

function runApp(outdir) {
  process.env.CDK8S_OUTDIR = outdir;
  load('main.ts');
}

function manifestFiles(dir, { allowMetadata = false } = {}) {
  const files = fs.readdirSync(dir).sort();
  // cdk8s-cli asks for construct-metadata.json when validation plugins are configured.
  const strays = files.filter((file) => !file.endsWith('.k8s.yaml') && !(allowMetadata && file === 'construct-metadata.json'));
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

const LAST_GOOD_INDEX = '.files.json';

/**
 * Keeps a copy of a good dist/ to restore when `npx cdk8s synth` fails after emptying it, with the
 * SHA-1 of each file, so that a damaged copy is never restored.
 */
function rememberGood(dir) {
  const staged = `${LAST_GOOD}.${process.pid}`;
  fs.rmSync(staged, { recursive: true, force: true });
  fs.cpSync(dir, staged, { recursive: true });
  const files = Object.fromEntries(fs.readdirSync(staged).sort().map((file) => [file, sha1(fs.readFileSync(path.join(staged, file)))]));
  fs.writeFileSync(path.join(staged, LAST_GOOD_INDEX), JSON.stringify(files));
  fs.rmSync(LAST_GOOD, { recursive: true, force: true });
  fs.renameSync(staged, LAST_GOOD);
}

/** Puts the last good synth back into `outdir`; false when there is none or it is not intact. */
function restoreGood(outdir) {
  let files;
  try {
    files = JSON.parse(fs.readFileSync(path.join(LAST_GOOD, LAST_GOOD_INDEX), 'utf8'));
    for (const [file, hash] of Object.entries(files)) {
      if (sha1(fs.readFileSync(path.join(LAST_GOOD, file))) !== hash) return false;
    }
  } catch {
    return false;
  }
  fs.mkdirSync(outdir, { recursive: true });
  for (const file of Object.keys(files)) fs.copyFileSync(path.join(LAST_GOOD, file), path.join(outdir, file));
  return true;
}


function synthToDist() {
  const staged = fs.mkdtempSync(path.join(ROOT, '.synth-'));
  fs.chmodSync(staged, 0o755);
  try {
    runApp(staged);
    const files = manifestFiles(staged);
    swapInto(staged, OUTDIR);
    rememberGood(OUTDIR);
    process.stderr.write(`synth: ${files.map((file) => `dist/${file}`).join(', ')}\n`);
  } catch (error) {
    fs.rmSync(staged, { recursive: true, force: true });
    const kept = fs.existsSync(OUTDIR) ? 'dist/ was left as it was.' : 'nothing was written.';
    process.stderr.write(`synth failed: ${describeError(error)}\n${kept}\n`);
    process.exitCode = 1;
  }
}

function synthForCdk8sCli() {
  const outdir = path.resolve(process.env.CDK8S_OUTDIR || OUTDIR);
  const isDist = outdir === OUTDIR;
  const staged = fs.mkdtempSync(path.join(path.dirname(outdir), '.synth-'));
  try {
    runApp(staged);
    manifestFiles(staged, { allowMetadata: true });
    fs.mkdirSync(outdir, { recursive: true });
    for (const file of fs.readdirSync(staged)) fs.renameSync(path.join(staged, file), path.join(outdir, file));
    if (isDist) rememberGood(outdir);
  } catch (error) {
    let kept = '';
    if (isDist && fs.existsSync(LAST_GOOD)) {
      kept = restoreGood(outdir) ? '\ndist/ was restored to the last good synth.' : '\nthe last good synth was damaged, so dist/ stays empty; run npm run synth.';
    }
    process.stderr.write(`synth failed: ${describeError(error)}${kept}\n`);
    process.exitCode = 1;
  } finally {
    fs.rmSync(staged, { recursive: true, force: true });
  }
}

if (process.argv.includes('--app')) synthForCdk8sCli();
else synthToDist();
