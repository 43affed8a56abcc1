'use strict';
// An exclusive lock between synths of one project: a file holding its owner's pid, created with
// link(2), which fails when the file exists, so two synths can never both create it.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { SynthError, describe } = require('./errors');

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether a process `pid` exists (it may be another process than the one that had the pid before).
 * @param {number} pid
 */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks since boot, where /proc tells (Linux); else undefined.
 * With the pid it names one process, even after the pid is reused.
 * @param {number} pid
 */
function startTimeOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that wrote `owner` still runs: its pid exists, and where /proc tells, it
 * started when the owner did (so a reused pid does not count).
 * @param {{ pid: number, start?: string }} owner
 */
function isAlive(owner) {
  if (!isRunning(owner.pid)) return false;
  const start = startTimeOf(owner.pid);
  return owner.start === undefined || start === undefined || start === owner.start;
}

/** This process, as written into a lock file: its pid and start time. */
function ownerLine() {
  return `${process.pid} ${startTimeOf(process.pid) ?? ''}`.trim();
}

/**
 * @param {string} file
 * @returns {{ pid: number, start?: string } | undefined}
 */
function ownerOf(file) {
  try {
    const [pid, start] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
    const number = Number.parseInt(pid, 10);
    return Number.isInteger(number) && number > 0 ? { pid: number, start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock `file`, waiting while a live process holds it, and returns the function that
 * releases it. A lock left by a process that died is taken over. After `timeoutMs` of waiting it
 * gives up with exit code 2.
 * @param {string} file
 * @param {{ timeoutMs: number, pollMs?: number, onWait?: (pid: number) => void, name: string }} options
 */
function acquireLock(file, { timeoutMs, pollMs = 100, onWait, name }) {
  const mine = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(mine, `${ownerLine()}\n`);
  } catch (error) {
    throw new SynthError(describe(error, `create a lock file in ${path.dirname(file)}`));
  }
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  try {
    for (;;) {
      try {
        fs.linkSync(mine, file);
        return () => {
          if (ownerOf(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        };
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      }
      const owner = ownerOf(file);
      if (owner !== undefined && !isAlive(owner)) {
        takeOverStale(file);
        continue;
      }
      if (!waited && owner !== undefined && onWait) onWait(owner.pid);
      waited = true;
      if (Date.now() >= deadline) {
        throw new SynthError(`another ${name} is running (pid ${owner?.pid ?? 'unknown'}) and did not finish within ${Math.round(timeoutMs / 1000)} s; `
          + `wait for it, or if no ${name} is running, delete ${file}.`, 2);
      }
      sleep(pollMs);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/**
 * Removes a lock whose owner died. It is moved aside first and checked again, so that a lock
 * another waiter took over in the meantime is put back rather than deleted.
 * @param {string} file
 */
function takeOverStale(file) {
  const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return;
  }
  const owner = ownerOf(aside);
  if (owner !== undefined && isAlive(owner)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Yet another synth holds it now; it will wait for that one.
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * Whether `file`, a lock file or one of the candidate files waiting synths make beside it
 * (`<lock>.<pid>.<hex>`, `<lock>.stale-<pid>-<hex>`), belongs to a process that is gone.
 * @param {string} file
 */
function isAbandoned(file) {
  const owner = ownerOf(file);
  return owner === undefined || !isAlive(owner);
}

module.exports = { acquireLock, isAbandoned, isRunning };
