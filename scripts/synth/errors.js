'use strict';
// One sentence for an error, the way a user should read it: no stack, and an errno in words.

const ERRNO_WORDS = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EBUSY: 'it is busy',
  EMFILE: 'too many open files',
};

/** A failure the user can act on, reported as its message alone, with the exit code to use. */
class SynthError extends Error {
  /**
   * @param {string} message
   * @param {number} [exitCode]
   */
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * `error` as one sentence: a SynthError's message, an errno as "cannot <doing> <path>: <words>",
 * else the message (with the stack only when DEBUG is set).
 * @param {unknown} error
 * @param {string} [doing] what was being done, e.g. "write dist/podinfo.k8s.yaml"
 */
function describe(error, doing) {
  if (process.env.DEBUG && error instanceof Error && error.stack) return error.stack;
  if (error instanceof SynthError) return error.message;
  const code = /** @type {NodeJS.ErrnoException} */ (error)?.code;
  if (code && ERRNO_WORDS[code]) {
    const target = doing ?? `${/** @type {NodeJS.ErrnoException} */ (error).syscall ?? 'access'} ${/** @type {NodeJS.ErrnoException} */ (error).path ?? ''}`.trim();
    return `cannot ${target}: ${ERRNO_WORDS[code]} (${code}).`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message;
}

module.exports = { SynthError, describe };
