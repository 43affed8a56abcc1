'use strict';
// Compiles a TypeScript entry point of this project to one CommonJS file with esbuild.
// Type-checking belongs to `npm run build` and `npm test`; this only strips types, so that
// `npm run synth` and `npx flagger-doctor` run from the sources without a stale build.
// Dependencies are bundled too: one file loads faster than hundreds of resolved modules.
// The bundle is cached and reused while none of its input files changed (size and mtime).
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'flagger-istio-cdk8s');

function fingerprint(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : 'missing';
}

function cachedBundle(outfile, manifestFile) {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (!fs.existsSync(outfile)) return undefined;
    for (const [file, print] of Object.entries(manifest.inputs)) {
      if (fingerprint(file) !== print) return undefined;
    }
    return outfile;
  } catch {
    return undefined;
  }
}

/** esbuild's errors as `file:line:column: text` lines, the way a compiler reports them. */
function describeBuildErrors(error) {
  if (!Array.isArray(error.errors) || error.errors.length === 0) return error.message;
  return error.errors.map(({ text, location }) => (location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : text)).join('\n');
}

/** Bundles `entry` (relative to the project root) and returns the path of the JavaScript file. */
function bundle(entry) {
  const entryPath = path.join(ROOT, entry);
  const key = crypto.createHash('sha1').update(entryPath).digest('hex').slice(0, 12);
  const outfile = path.join(CACHE_DIR, `${path.basename(entry, '.ts')}-${key}.js`);
  const manifestFile = `${outfile}.inputs.json`;
  const cached = cachedBundle(outfile, manifestFile);
  if (cached) return cached;

  const esbuild = require('esbuild');
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const staged = `${outfile}.${process.pid}`;
  let result;
  try {
    result = esbuild.buildSync({
      entryPoints: [entryPath],
      outfile: staged,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      metafile: true,
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
  } catch (error) {
    throw new Error(describeBuildErrors(error));
  }
  // This file's own options shape the bundle too.
  const inputs = { [__filename]: fingerprint(__filename) };
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = path.resolve(ROOT, input);
    inputs[file] = fingerprint(file);
  }
  // Renames are atomic, so a concurrent run sees either the old bundle or the new one.
  fs.renameSync(staged, outfile);
  fs.writeFileSync(`${manifestFile}.${process.pid}`, JSON.stringify({ inputs }));
  fs.renameSync(`${manifestFile}.${process.pid}`, manifestFile);
  return outfile;
}

/**
 * Bundles `entry` and runs it as a CommonJS module, with V8's code cache: compiling the bundle is a
 * good part of a synth's start-up, and the cache (rejected by V8 whenever the bundle changes) saves it.
 */
function load(entry) {
  const file = bundle(entry);
  const cacheFile = `${file}.v8cache`;
  const cachedData = readIfExists(cacheFile);
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  try {
    script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file));
  } finally {
    if (!cachedData || script.cachedDataRejected) writeAtomically(cacheFile, script.createCachedData());
  }
  return module.exports;
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(file, data) {
  try {
    fs.writeFileSync(`${file}.${process.pid}`, data);
    fs.renameSync(`${file}.${process.pid}`, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

module.exports = { bundle, load, ROOT };
