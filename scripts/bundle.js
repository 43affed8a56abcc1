'use strict';
// Compiles a TypeScript entry point of this project to one CommonJS file with esbuild, and runs it.
// Type-checking belongs to `npm run build` and `npm test`; this only strips types, so that
// `npm run synth` and `flagger-doctor` run from the sources without a stale build.
// Dependencies are bundled too: one file loads faster than hundreds of resolved modules.
//
// Two caches make that fast, both keyed by content (docs/caches.md):
// - the bundle, reused while the SHA-1 of every input file's bytes (the sources, the bundled
//   dependencies, esbuild's package.json and this file, which holds the build options) is unchanged;
// - V8's code cache of the bundle, used only with the bundle whose SHA-1 it was made from.
// Re-reading every input costs about as much as a tenth of a synth, so a file's hash is remembered
// with its stat (inode, size, mtime, ctime) and read again only when that changed, as git's index
// does. Copying tools can keep mtime but not ctime, which changes whenever a file or its times are
// written; a file changed within RACY_MS of being hashed is always read again.
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'flagger-istio-cdk8s');
const FORMAT = 2;
// Timestamps are coarse (a kernel tick; two seconds on FAT): a stat taken this close to a write
// could match that of a second write, so such a file is read again next time.
const RACY_MS = 2000;
// A file written while esbuild ran may differ from what it read. Such a write has a ctime after the
// build started, less a tick of the kernel's coarse clock; this leaves ample room for that tick.
const CLOCK_SLACK_MS = 100;
const ESBUILD_PACKAGE = path.join(ROOT, 'node_modules', 'esbuild', 'package.json');

function sha1(bytes) {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

function statKey(stat) {
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/**
 * The content hash of `file`, and the stat to remember it by when the file is old enough to trust
 * that stat next time. `memo` is the stat remembered with the hash last time.
 */
function hashFile(file, memo, knownHash, now) {
  const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!stat) return { hash: 'missing', changedAt: 0 };
  const key = statKey(stat);
  const changedAt = Number((stat.ctimeNs > stat.mtimeNs ? stat.ctimeNs : stat.mtimeNs) / 1_000_000n);
  if (memo !== undefined && memo === key && knownHash !== undefined) return { hash: knownHash, memo: key, changedAt };
  const hash = sha1(fs.readFileSync(file));
  return { hash, memo: changedAt < now - RACY_MS ? key : undefined, changedAt };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeAtomically(file, data) {
  const staged = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(staged, data);
    fs.renameSync(staged, file);
  } catch {
    // A cache that cannot be written only costs speed.
    fs.rmSync(staged, { force: true });
  }
}

function paths(entry) {
  const entryPath = path.join(ROOT, entry);
  const key = sha1(entryPath).slice(0, 12);
  const base = path.join(CACHE_DIR, `${path.basename(entry, '.ts')}-${key}`);
  return { entryPath, bundleFile: `${base}.js`, manifestFile: `${base}.manifest.json`, codeCacheFile: `${base}.v8cache` };
}

/**
 * The cached bundle's bytes and hash when every input still has the content it was built from,
 * else undefined. Inputs whose stat changed are hashed again; when their content did not change,
 * the new stats are saved so the next run need not read them.
 */
function cachedBundle({ bundleFile, manifestFile }, { trustStats = true } = {}) {
  const manifest = readJson(manifestFile);
  if (!manifest || manifest.format !== FORMAT || typeof manifest.inputs !== 'object' || typeof manifest.bundle !== 'string') return undefined;
  const now = Date.now();
  const memo = manifest.memo ?? {};
  let memoChanged = false;
  for (const [file, expected] of Object.entries(manifest.inputs)) {
    const { hash, memo: key } = hashFile(file, trustStats ? memo[file] : undefined, expected, now);
    if (hash !== expected) return undefined;
    if (memo[file] !== key) {
      memo[file] = key;
      memoChanged = true;
    }
  }
  let bytes;
  try {
    bytes = fs.readFileSync(bundleFile);
  } catch {
    return undefined;
  }
  const hash = sha1(bytes);
  if (hash !== manifest.bundle) return undefined;
  if (memoChanged) writeAtomically(manifestFile, JSON.stringify({ ...manifest, memo }));
  return { bytes, hash };
}

/** esbuild's errors as `file:line:column: text` lines, the way a compiler reports them. */
function describeBuildErrors(error) {
  if (!Array.isArray(error.errors) || error.errors.length === 0) return error.message;
  return error.errors.map(({ text, location }) => (location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : text)).join('\n');
}

function build({ entryPath, bundleFile, manifestFile }) {
  const esbuild = require('esbuild');
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const startedAt = Date.now();
  let result;
  try {
    result = esbuild.buildSync({
      entryPoints: [entryPath],
      write: false,
      outfile: bundleFile,
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
  const bytes = Buffer.from(result.outputFiles[0].contents);
  const hash = sha1(bytes);
  // This file's own options and esbuild's version shape the bundle too.
  const files = [__filename, ESBUILD_PACKAGE, ...Object.keys(result.metafile.inputs).map((input) => path.resolve(ROOT, input))];
  const inputs = {};
  const memo = {};
  let settled = true;
  for (const file of files) {
    const hashed = hashFile(file, undefined, undefined, startedAt);
    inputs[file] = hashed.hash;
    if (hashed.memo) memo[file] = hashed.memo;
    // Written while esbuild ran: the bundle may hold another content, so keep it for this run only.
    if (hashed.changedAt >= startedAt - CLOCK_SLACK_MS) settled = false;
  }
  writeAtomically(bundleFile, bytes);
  if (settled) writeAtomically(manifestFile, JSON.stringify({ format: FORMAT, bundle: hash, inputs, memo }));
  else fs.rmSync(manifestFile, { force: true });
  // Leftovers of the first cache format, keyed by size and mtime.
  for (const stale of [`${bundleFile}.inputs.json`, `${bundleFile}.v8cache`]) fs.rmSync(stale, { force: true });
  return { bytes, hash };
}

/** Bundles `entry` (relative to the project root) and returns the path of the JavaScript file. */
function bundle(entry) {
  const files = paths(entry);
  if (!cachedBundle(files)) build(files);
  return files.bundleFile;
}

/** V8's code cache for the bundle of SHA-1 `bundleHash`, when the file holds one made from it intact. */
function readCodeCache(file, bundleHash) {
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  // Header: the bundle's SHA-1 and the payload's SHA-1, 40 hex digits each.
  if (data.length <= 80 || data.toString('latin1', 0, 40) !== bundleHash) return undefined;
  const payload = data.subarray(80);
  return data.toString('latin1', 40, 80) === sha1(payload) ? payload : undefined;
}

/**
 * Bundles `entry` and runs it as a CommonJS module, with V8's code cache: compiling the bundle is a
 * good part of a synth's start-up. V8 checks a code cache only against the length of the source, so
 * the cache is used only with the bundle whose hash it was made from.
 */
function load(entry) {
  const files = paths(entry);
  const { bytes, hash } = cachedBundle(files) ?? build(files);
  const file = files.bundleFile;
  const cachedData = readCodeCache(files.codeCacheFile, hash);
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  try {
    script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file));
  } finally {
    if (!cachedData || script.cachedDataRejected) {
      const payload = script.createCachedData();
      writeAtomically(files.codeCacheFile, Buffer.concat([Buffer.from(hash + sha1(payload), 'latin1'), payload]));
    }
  }
  return module.exports;
}

/**
 * For the bench: checks `entry`'s cached bundle as `load` does, or with every input read again,
 * and returns how many input files and bytes that covers.
 */
function checkCache(entry, { trustStats }) {
  const files = paths(entry);
  if (!cachedBundle(files, { trustStats })) throw new Error(`the cached bundle of ${entry} is not current; run it once first.`);
  const inputs = Object.keys(readJson(files.manifestFile).inputs);
  return { files: inputs.length, bytes: inputs.reduce((sum, file) => sum + fs.statSync(file).size, 0) };
}

module.exports = { bundle, load, checkCache, ROOT, CACHE_DIR };
