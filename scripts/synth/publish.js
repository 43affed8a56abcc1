'use strict';
// Moves a synthesized set of manifests from a staging folder into the output folder (dist/) so that
// a reader never sees dist/ missing or a file half written, and a synth killed at any moment can be
// finished by the next one. The bookkeeping lives in a state folder outside dist/ (dist/ holds
// manifests only):
//   1. the staged files and what they replace are written to journal.json (atomically);
//   2. each staged file is renamed over its counterpart in dist/ (each rename is atomic);
//   3. files of the previous synth that the new one no longer has are removed, last;
//   4. record.json lists what synth wrote, with hashes, and the journal is removed.
// A file in dist/ that synth did not write (or that changed since) is never deleted: the publish
// stops and names it, unless `force` is given. Without a record (a new checkout, or a cleared
// cache), files named like synth output count as synth's.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { SynthError, describe } = require('./errors');

const RECORD = 'record.json';
const JOURNAL = 'journal.json';

/** @param {Buffer} bytes */
function sha1(bytes) {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

/**
 * @param {string} file
 * @param {string} text
 */
function writeAtomically(file, text) {
  const staged = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(staged, text);
  fs.renameSync(staged, file);
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What the last synth wrote into the output folder: file name to SHA-1, and to its stat right after
 * the publish (so an unchanged file need not be read again); undefined without a record.
 * @param {string} state
 * @returns {{ files: Record<string, string>, stats: Record<string, string> } | undefined}
 */
function readRecord(state) {
  const record = readJson(path.join(state, RECORD));
  return record && typeof record.files === 'object' ? { files: record.files, stats: record.stats ?? {} } : undefined;
}

/**
 * A file's identity as stat tells it. Another write can share it only within the clock tick of
 * synth's own rename, which a person editing a file cannot hit; then the content hash decides.
 * @param {string} file
 */
function statKey(file) {
  const stat = fs.statSync(file, { bigint: true });
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** @param {string} outdir */
function entriesOf(outdir) {
  return fs.readdirSync(outdir, { withFileTypes: true });
}

/**
 * Entries of `outdir` that synth did not write: not in the record (or, without a record, not named
 * like synth output), changed since synth wrote them, or folders.
 * @param {string} outdir
 * @param {string} state
 * @param {(name: string) => boolean} looksSynthesized
 */
function foreignEntries(outdir, state, looksSynthesized) {
  const record = readRecord(state);
  const foreign = [];
  for (const entry of entriesOf(outdir)) {
    if (!entry.isFile()) {
      foreign.push(`${entry.name}${entry.isDirectory() ? '/' : ''}`);
    } else if (record) {
      const file = path.join(outdir, entry.name);
      const hash = record.files[entry.name];
      if (hash === undefined) foreign.push(entry.name);
      else if (record.stats[entry.name] !== statKey(file) && sha1(fs.readFileSync(file)) !== hash) foreign.push(`${entry.name} (changed since synth wrote it)`);
    } else if (!looksSynthesized(entry.name)) {
      foreign.push(entry.name);
    }
  }
  return foreign;
}

/**
 * Publishes the files of `stage` into `outdir`, keeping its bookkeeping in `state`. `label` names
 * `outdir` in messages (e.g. "dist/").
 * @param {string} stage
 * @param {string} outdir
 * @param {{ state: string, force?: boolean, forceHint?: string, label: string, looksSynthesized: (name: string) => boolean, afterStep?: (step: string) => void }} options
 * @returns {{ removed: string[], foreign: string[], files: Record<string, string> }}
 */
function publish(stage, outdir, { state, force = false, forceHint, label, looksSynthesized, afterStep = () => undefined }) {
  fs.mkdirSync(outdir, { recursive: true });
  fs.mkdirSync(state, { recursive: true });
  const foreign = foreignEntries(outdir, state, looksSynthesized);
  if (foreign.length > 0 && !force) {
    throw new SynthError(`${label} holds ${foreign.length === 1 ? 'a file' : 'files'} synth did not write: ${foreign.join(', ')}. `
      + `Nothing was changed. Move ${foreign.length === 1 ? 'it' : 'them'} out of ${label}, or ${forceHint ? `${forceHint} to delete` : 'delete'} ${foreign.length === 1 ? 'it' : 'them'}.`);
  }
  const files = Object.fromEntries(fs.readdirSync(stage).sort().map((name) => [name, sha1(fs.readFileSync(path.join(stage, name)))]));
  const remove = entriesOf(outdir).map((entry) => entry.name).filter((name) => !(name in files));
  const journal = { outdir, stage, files, remove };
  writeAtomically(path.join(state, JOURNAL), JSON.stringify(journal));
  afterStep('journal');
  applyJournal(state, journal, { label, afterStep });
  return { removed: remove, foreign, files };
}

/**
 * Carries out a journal: renames the staged files into place, removes what they replace, records
 * them. Safe to run again on a journal that was partly carried out.
 * @param {string} state
 * @param {{ outdir: string, stage: string, files: Record<string, string>, remove: string[] }} journal
 * @param {{ label: string, afterStep?: (step: string) => void }} options
 */
function applyJournal(state, journal, { label, afterStep = () => undefined }) {
  const outdir = journal.outdir;
  const names = Object.keys(journal.files);
  const done = [];
  for (const name of names) {
    const staged = path.join(journal.stage, name);
    if (!fs.existsSync(staged)) {
      done.push(name);
      continue;
    }
    try {
      fs.renameSync(staged, path.join(outdir, name));
    } catch (error) {
      const cause = describe(error, `replace ${label}${name}`);
      if (done.length === 0) {
        // Nothing moved yet: drop the journal, so the next synth starts afresh.
        fs.rmSync(path.join(state, JOURNAL), { force: true });
        throw new SynthError(`${cause} ${label} was left as it was.`);
      }
      const rest = names.filter((other) => !done.includes(other));
      throw new SynthError(`${cause} ${label} is partly updated: ${done.map((file) => label + file).join(', ')} ${done.length === 1 ? 'is' : 'are'} new, `
        + `${rest.map((file) => label + file).join(', ')} ${rest.length === 1 ? 'is' : 'are'} not. Fix that and run the synth again: it finishes this update first.`);
    }
    done.push(name);
    afterStep(`rename:${name}`);
  }
  for (const name of journal.remove) {
    fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
    afterStep(`remove:${name}`);
  }
  const stats = Object.fromEntries(names.map((name) => [name, statKey(path.join(outdir, name))]));
  writeAtomically(path.join(state, RECORD), JSON.stringify({ files: journal.files, stats }));
  afterStep('record');
  fs.rmSync(path.join(state, JOURNAL), { force: true });
  fs.rmSync(journal.stage, { recursive: true, force: true });
}

/**
 * Finishes a publish that a killed synth left half done, if there is one. Returns a sentence saying
 * what was done, or undefined.
 * @param {string} state
 * @param {string} label
 */
function finishInterrupted(state, label) {
  const journalFile = path.join(state, JOURNAL);
  if (!fs.existsSync(journalFile)) return undefined;
  const journal = readJson(journalFile);
  if (!journal || typeof journal.files !== 'object' || !Array.isArray(journal.remove) || typeof journal.stage !== 'string' || typeof journal.outdir !== 'string') {
    fs.rmSync(journalFile, { force: true });
    return `ignored the unreadable journal of an interrupted synth; this synth replaces its output.`;
  }
  if (!fs.existsSync(journal.stage) || !fs.existsSync(journal.outdir)) {
    // The staged files are gone; the ones already moved are synth's own, so record them.
    const files = { ...(readRecord(state)?.files ?? {}) };
    for (const [name, hash] of Object.entries(journal.files)) files[name] = hash;
    writeAtomically(path.join(state, RECORD), JSON.stringify({ files }));
    fs.rmSync(journalFile, { force: true });
    return `an interrupted synth could not be finished (its staged files are gone); this synth replaces its output.`;
  }
  applyJournal(state, journal, { label });
  return `finished the update of ${label} that an interrupted synth left half done.`;
}

/**
 * Whether a publish into the folder of `state` was interrupted and awaits finishing.
 * @param {string} state
 */
function isInterrupted(state) {
  return fs.existsSync(path.join(state, JOURNAL));
}

module.exports = { publish, finishInterrupted, isInterrupted, foreignEntries };
