'use strict';
// Compiles a TypeScript entry point of this project to one CommonJS file with esbuild.
// Type-checking belongs to `npm run build` and `npm test`; this only strips types, so that
// `npm run synth` and `npx flagger-doctor` run from the sources without a stale build.
// Dependencies are bundled too: one file loads faster than hundreds of resolved modules.
// The bundle is cached and reused while none of its input files changed (size and mtime).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

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

/** Bundles `entry` and requires it. */
function load(entry) {
  return require(bundle(entry));
}

module.exports = { bundle, load, ROOT };
