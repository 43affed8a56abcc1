'use strict';
// A throw-away copy of the project, for the bench and the tests: the app's sources copied, and a
// node_modules of its own whose packages link to the project's. The copy's caches (the bundle, the
// last good dist/, the synth's bookkeeping, all under node_modules/.cache) live in the copy and go
// with it, instead of piling up in the project's node_modules/.cache.
const fs = require('fs');
const os = require('os');
const path = require('path');

const PROJECT_ROOT = path.resolve(__dirname, '..');
const SOURCES = ['main.ts', 'lib', 'imports', 'scripts', 'bin', 'cdk8s.yaml', 'package.json', 'tsconfig.json'];

/**
 * @param {string} prefix the temporary folder's name prefix
 * @param {string[]} [sources] what to copy from the project
 * @returns {string} the copy's folder
 */
function copyProject(prefix, sources = SOURCES) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of sources) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  const modules = path.join(PROJECT_ROOT, 'node_modules');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of fs.readdirSync(modules)) {
    if (entry === '.cache') continue;
    fs.symlinkSync(path.join(modules, entry), path.join(dir, 'node_modules', entry), 'dir');
  }
  return dir;
}

module.exports = { copyProject, PROJECT_ROOT };
