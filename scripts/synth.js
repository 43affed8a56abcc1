#!/usr/bin/env node
'use strict';
// `npm run synth`: synthesizes main.ts into dist/, never losing the last good dist/.
//
//   npm run synth                 synthesize into dist/
//   npm run synth -- --force      also delete files in dist/ that synth did not write
//   node scripts/synth.js --app   the `app` command of cdk8s.yaml, run by `npx cdk8s synth`
//
// The app is compiled with esbuild (types are checked by `npm run build` and `npm test`, not here)
// and synthesized into a staging folder beside dist/, checked to hold only manifests, and only then
// published into dist/ file by file (scripts/synth/publish.js): dist/ is never missing, no file in it
// is ever half written, and a synth killed at any moment is finished by the next one. Synths of one
// project take turns (scripts/synth/lock.js). Any failure is one sentence, and dist/ is left as it was.
//
// `npx cdk8s synth` empties dist/ before it runs the app, so on failure the app puts back the last
// good synth, a copy of which every successful synth keeps.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { load, CACHE_DIR, ROOT } = require('./bundle');
const { SynthError, describe } = require('./synth/errors');
const { acquireLock, isAbandoned, isRunning } = require('./synth/lock');
const { finishInterrupted, isInterrupted, publish } = require('./synth/publish');

const OUTDIR = path.join(ROOT, 'dist');
const LOCK = path.join(ROOT, '.synth.lock');
const STAGE_PREFIX = '.synth-';
const MANIFEST = /\.k8s\.yaml$/;
const USAGE = 'usage: npm run synth [-- --force]   (node scripts/synth.js [--force] [--app])';

/** @param {Buffer | string} bytes */
function sha1(bytes) {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

const LAST_GOOD = path.join(CACHE_DIR, `last-good-dist-${sha1(ROOT).slice(0, 12)}`);
const LAST_GOOD_INDEX = '.files.json';
// Folders to delete: the last good copy a synth replaced. Deleting a thousand files takes a fifth of
// a second, so a synth moves them here and the next one deletes them while the app runs.
const TRASH = path.join(CACHE_DIR, 'trash');

/**
 * Where synth keeps what it wrote into `outdir` and the journal of a publish in progress: outside
 * the output, so that it holds manifests only.
 * @param {string} outdir
 */
function stateOf(outdir) {
  return path.join(CACHE_DIR, `dist-state-${sha1(outdir).slice(0, 12)}`);
}

/** @param {string} text */
function say(text) {
  process.stderr.write(`${text}\n`);
}

/** @param {string[]} argv */
function parseArguments(argv) {
  const options = { app: false, force: false };
  for (const argument of argv) {
    if (argument === '--app') options.app = true;
    else if (argument === '--force') options.force = true;
    else throw new SynthError(`unknown argument ${JSON.stringify(argument)}; ${USAGE}`, 2);
  }
  return options;
}

/** Seconds to wait for another synth, from SYNTH_LOCK_TIMEOUT. */
function lockTimeoutMs() {
  const value = process.env.SYNTH_LOCK_TIMEOUT ?? '120';
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1) throw new SynthError(`SYNTH_LOCK_TIMEOUT is ${JSON.stringify(value)}; give a whole number of seconds, at least 1.`, 2);
  return seconds * 1000;
}

/** For tests: SYNTH_FAILPOINT=<step> kills this process with SIGKILL right after that step. */
/** @param {string} step */
function failpoint(step) {
  if (process.env.SYNTH_FAILPOINT === step) process.kill(process.pid, 'SIGKILL');
}

/**
 * What synths that died left: in the project, staging folders (only the lock holder makes them, so
 * while this synth holds the lock any other is a leftover), lock candidates of dead synths, and the
 * previous format's leftovers; in `stageDir` (where `npx cdk8s synth -o DIR` stages, which other
 * projects may share), staging folders of dead processes; in `state`, temporary files.
 * @param {string} stageDir
 * @param {string} state
 */
function removeLeftovers(stageDir, state) {
  for (const entry of fs.readdirSync(ROOT)) {
    const leftover = path.join(ROOT, entry);
    if (entry.startsWith(`${path.basename(LOCK)}.`)) {
      if (isAbandoned(leftover)) fs.rmSync(leftover, { force: true });
    } else if (entry.startsWith(STAGE_PREFIX)) {
      fs.rmSync(leftover, { recursive: true, force: true });
    } else if (/^dist\.previous-\d+$/.test(entry)) {
      // The previous format swapped dist/ with two renames; a kill between them left it here.
      if (!fs.existsSync(OUTDIR)) {
        fs.renameSync(leftover, OUTDIR);
        say('synth: put back dist/, which an interrupted synth of an older version had moved aside.');
      } else {
        fs.rmSync(leftover, { recursive: true, force: true });
      }
    }
  }
  if (stageDir !== ROOT) {
    for (const entry of fs.readdirSync(stageDir)) {
      const pid = /^\.synth-(\d+)-/.exec(entry)?.[1];
      if (pid && !isRunning(Number(pid))) fs.rmSync(path.join(stageDir, entry), { recursive: true, force: true });
    }
  }
  if (fs.existsSync(state)) {
    for (const entry of fs.readdirSync(state).filter((name) => name.endsWith('.tmp'))) fs.rmSync(path.join(state, entry), { force: true });
  }
}

/** @param {string} dir */
function makeStage(dir) {
  try {
    const stage = fs.mkdtempSync(path.join(dir, `${STAGE_PREFIX}${process.pid}-`));
    fs.chmodSync(stage, 0o755);
    return stage;
  } catch (error) {
    throw new SynthError(describe(error, `create a staging folder in ${dir}`));
  }
}

/**
 * The manifests the app wrote into `stage`; anything else is refused.
 * @param {string} stage
 * @param {{ allowMetadata: boolean }} options
 */
function stagedManifests(stage, { allowMetadata }) {
  const files = fs.readdirSync(stage).sort();
  // cdk8s-cli asks for construct-metadata.json when validation plugins are configured.
  const strays = files.filter((file) => !MANIFEST.test(file) && !(allowMetadata && file === 'construct-metadata.json'));
  if (strays.length > 0) {
    throw new SynthError(`the app wrote files that are not manifests (${strays.join(', ')}); kubectl apply -f dist/ would fail on them.`);
  }
  return files;
}

/**
 * Keeps a copy of a good dist/, with each file's SHA-1, for `npx cdk8s synth` to restore. The copy
 * is made of hard links where it can be: synth replaces files in dist/ by renaming new ones over
 * them, which leaves the linked ones as they were (and a file edited in place fails its hash, so it
 * is never restored).
 * @param {string} dir
 * @param {Record<string, string>} hashes the SHA-1 of each manifest in `dir`
 */
function rememberGood(dir, hashes) {
  const staged = `${LAST_GOOD}.${process.pid}`;
  fs.rmSync(staged, { recursive: true, force: true });
  fs.mkdirSync(staged, { recursive: true });
  const files = {};
  for (const [file, hash] of Object.entries(hashes)) {
    if (!MANIFEST.test(file)) continue;
    try {
      fs.linkSync(path.join(dir, file), path.join(staged, file));
    } catch {
      fs.copyFileSync(path.join(dir, file), path.join(staged, file));
    }
    files[file] = hash;
  }
  fs.writeFileSync(path.join(staged, LAST_GOOD_INDEX), JSON.stringify(files));
  discard(LAST_GOOD);
  fs.renameSync(staged, LAST_GOOD);
}

/**
 * Moves `dir` into the trash (or deletes it, where it cannot be moved).
 * @param {string} dir
 */
function discard(dir) {
  try {
    fs.mkdirSync(TRASH, { recursive: true });
    fs.renameSync(dir, path.join(TRASH, `${path.basename(dir)}-${process.pid}-${Date.now()}`));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes what is in the trash, in the background: the process ends when it is done. */
function emptyTrash() {
  let entries;
  try {
    entries = fs.readdirSync(TRASH);
  } catch {
    return;
  }
  for (const entry of entries) fs.rm(path.join(TRASH, entry), { recursive: true, force: true }, () => undefined);
}

/**
 * Puts the last good synth back into `outdir`; false when there is none or it is not intact.
 * @param {string} outdir
 */
function restoreGood(outdir) {
  /** @type {Record<string, string>} */
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

/**
 * Runs the app (main.ts) with its output going to `stage`, and calls `done` once, when the app is
 * finished: when the event loop is empty, when the app calls process.exit, or when it throws, even
 * asynchronously. Until then process.exit cannot end the process without `done` running.
 * @param {string} stage
 * @param {(outcome: { error?: unknown, exitCode?: number }) => void} done
 */
function runApp(stage, done) {
  const realExit = process.exit.bind(process);
  let finished = false;
  /** @param {{ error?: unknown, exitCode?: number }} outcome */
  const finish = (outcome) => {
    if (finished) return;
    finished = true;
    process.exit = realExit;
    done(outcome);
  };
  process.exit = /** @type {(code?: number) => never} */ ((code) => {
    finish({ exitCode: code === undefined ? Number(process.exitCode ?? 0) : Number(code) });
    return realExit();
  });
  const crash = (/** @type {unknown} */ error) => {
    if (finished) {
      // The manifests are written; the app still failed.
      say(`synth: the app failed after it synthesized: ${describe(error)}`);
      process.exitCode = 1;
    }
    finish({ error });
    realExit();
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.once('beforeExit', () => finish({}));
  process.env.CDK8S_OUTDIR = stage;
  try {
    load('main.ts');
  } catch (error) {
    finish({ error });
  }
}

/**
 * What the app's end means for the synth: an error to report, or undefined when it finished well.
 * @param {{ error?: unknown, exitCode?: number }} outcome
 * @param {string} stage
 */
function appFailure(outcome, stage) {
  if (outcome.error !== undefined) return outcome.error;
  if (outcome.exitCode !== undefined && outcome.exitCode !== 0) return new SynthError(`the app exited with code ${outcome.exitCode}.`);
  if (fs.readdirSync(stage).length === 0) {
    return new SynthError(outcome.exitCode === undefined
      ? 'the app synthesized no manifests; does main.ts call AppSynthesizer.synth(app) (or app.synth())?'
      : 'the app called process.exit(0) before it synthesized any manifest.');
  }
  return undefined;
}

/**
 * Reports a failed synth in one sentence (plus what became of the output) and sets the exit code.
 * @param {unknown} error
 * @param {string} [outcome] e.g. "dist/ was left as it was."
 */
function reportFailure(error, outcome) {
  say(`synth failed: ${describe(error)}${outcome ? `\n${outcome}` : ''}`);
  process.exitCode = error instanceof SynthError ? error.exitCode : 1;
}

/**
 * Takes the lock, finishes what an interrupted synth left in `outdir`, and makes a staging folder
 * in `dir`.
 * @param {string} dir
 * @param {string} outdir
 * @param {string} label
 */
function prepare(dir, outdir, label) {
  const release = acquireLock(LOCK, { timeoutMs: lockTimeoutMs(), name: 'synth', onWait: (pid) => say(`synth: waiting for another synth (pid ${pid}) to finish...`) });
  try {
    const note = finishInterrupted(stateOf(outdir), label);
    if (note) say(`synth: ${note}`);
    removeLeftovers(dir, stateOf(outdir));
    const stage = makeStage(dir);
    failpoint('staged');
    return { release, stage };
  } catch (error) {
    release();
    throw error;
  }
}

/** `npm run synth`: into dist/. */
/** @param {{ force: boolean }} options */
function synthToDist(options) {
  const { release, stage } = prepare(ROOT, OUTDIR, 'dist/');
  runApp(stage, (outcome) => {
    try {
      let files;
      try {
        const failure = appFailure(outcome, stage);
        if (failure !== undefined) throw failure;
        files = stagedManifests(stage, { allowMetadata: false });
        failpoint('app-done');
      } catch (error) {
        fs.rmSync(stage, { recursive: true, force: true });
        reportFailure(error, fs.existsSync(OUTDIR) ? 'dist/ was left as it was.' : 'nothing was written.');
        return;
      }
      let hashes;
      try {
        const { foreign, files: published } = publish(stage, OUTDIR, {
          state: stateOf(OUTDIR), force: options.force, forceHint: 'run npm run synth -- --force', label: 'dist/', looksSynthesized: (name) => MANIFEST.test(name), afterStep: failpoint,
        });
        if (foreign.length > 0) say(`synth: deleted from dist/ (--force): ${foreign.join(', ')}`);
        hashes = published;
      } catch (error) {
        // The publish says what state dist/ is in; a half-done one is finished by the next synth.
        if (!isInterrupted(stateOf(OUTDIR))) fs.rmSync(stage, { recursive: true, force: true });
        reportFailure(error);
        return;
      }
      try {
        rememberGood(OUTDIR, hashes);
      } catch (error) {
        say(`synth: warning: could not keep a copy of dist/ for npx cdk8s synth to restore: ${describe(error)}`);
      }
      say(`synth: ${files.length <= 3 ? files.map((file) => `dist/${file}`).join(', ') : `${files.length} manifests in dist/ (dist/${files[0]} ... dist/${files[files.length - 1]})`}`);
      if (outcome.exitCode) process.exitCode = outcome.exitCode;
    } finally {
      release();
    }
  });
}

/** `npx cdk8s synth`: into CDK8S_OUTDIR, which cdk8s-cli emptied before running this. */
function synthForCdk8sCli() {
  const outdir = path.resolve(process.env.CDK8S_OUTDIR || OUTDIR);
  const isDist = outdir === OUTDIR;
  const label = `${path.relative(process.cwd(), outdir) || '.'}/`;
  const { release, stage } = prepare(path.dirname(outdir), outdir, label);
  runApp(stage, (outcome) => {
    try {
      const failure = appFailure(outcome, stage);
      if (failure !== undefined) throw failure;
      stagedManifests(stage, { allowMetadata: true });
      const { files } = publish(stage, outdir, {
        state: stateOf(outdir), label, looksSynthesized: (name) => MANIFEST.test(name) || name === 'construct-metadata.json',
      });
      if (isDist) rememberGood(outdir, files);
    } catch (error) {
      fs.rmSync(stage, { recursive: true, force: true });
      let kept = '';
      if (isDist && fs.existsSync(LAST_GOOD)) {
        kept = restoreGood(outdir) ? 'dist/ was restored to the last good synth.' : 'the last good synth was damaged, so dist/ stays empty; run npm run synth.';
      }
      reportFailure(error, kept);
    } finally {
      release();
    }
  });
}

try {
  const options = parseArguments(process.argv.slice(2));
  emptyTrash();
  if (options.app) synthForCdk8sCli();
  else synthToDist(options);
} catch (error) {
  reportFailure(error);
}
