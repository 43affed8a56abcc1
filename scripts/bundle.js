'use strict';
// Compiles a TypeScript entry point of this project to one CommonJS file with esbuild.
// Type-checking belongs to `npm run build` and `npm test`; this only strips types, in milliseconds,
// so that `npm run synth` and `npx flagger-doctor` run from the sources without a stale build.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'flagger-istio-cdk8s');

/** Bundles `entry` (relative to the project root) and returns the path of the JavaScript file. */
function bundle(entry) {
  const esbuild = require('esbuild');
  const outfile = path.join(CACHE_DIR, `${path.basename(entry, '.ts')}.${process.pid}.js`);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  try {
    esbuild.buildSync({
      entryPoints: [path.join(ROOT, entry)],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (error) {
    throw new Error(describeBuildErrors(error));
  }
  return outfile;
}

/** esbuild's errors as `file:line:column: text` lines, the way a compiler reports them. */
function describeBuildErrors(error) {
  if (!Array.isArray(error.errors) || error.errors.length === 0) return error.message;
  return error.errors.map(({ text, location }) => (location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : text)).join('\n');
}

/** Bundles `entry`, requires it, and removes the bundle again. */
function load(entry) {
  const file = bundle(entry);
  try {
    return require(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

module.exports = { bundle, load, ROOT };
