#!/usr/bin/env node
'use strict';
// `npm run lint`: the checks that need more than Node and npm, or more time than `npm test` should take.
//   - shellcheck over setup.sh and the shell stubs its tests run (Debian: apt-get install shellcheck)
//   - tsc --noEmit over the tests (tsconfig.dev.json) and the JavaScript scripts (tsconfig.scripts.json)
//   - jsii over the main entry, lib/index.ts, so the construct API stays publishable to Python, Java,
//     Go and .NET (scripts/jsii-check.js)
// Every check runs; the exit code is 1 when any failed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const STUBS = path.join(ROOT, 'test', 'setup', 'stubs');

function shellStubs() {
  return fs.readdirSync(STUBS).sort()
    .map((file) => path.join(STUBS, file))
    .filter((file) => /^#!.*\b(ba)?sh\b/.test(fs.readFileSync(file, 'utf8').split('\n', 1)[0]) || file.endsWith('.sh'));
}

const CHECKS = [
  {
    name: 'shellcheck',
    command: 'shellcheck',
    args: () => ['--external-sources', '--source-path=SCRIPTDIR', path.join(ROOT, 'setup.sh'), ...shellStubs()],
    missing: 'shellcheck is not installed; install it (Debian: apt-get install shellcheck, macOS: brew install shellcheck).',
  },
  {
    name: 'tsc (tests)',
    command: process.execPath,
    args: () => [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(ROOT, 'tsconfig.dev.json')],
  },
  {
    name: 'tsc (scripts)',
    command: process.execPath,
    args: () => [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(ROOT, 'tsconfig.scripts.json')],
  },
  {
    name: 'jsii (lib/index.ts)',
    command: process.execPath,
    args: () => [path.join(ROOT, 'scripts', 'jsii-check.js')],
  },
];

let failed = 0;
for (const check of CHECKS) {
  const result = spawnSync(check.command, check.args(), { cwd: ROOT, stdio: 'inherit' });
  if (result.error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT' && check.missing;
    process.stderr.write(`lint: ${check.name}: ${missing || result.error.message}\n`);
    failed++;
  } else if (result.status !== 0) {
    process.stderr.write(`lint: ${check.name} failed.\n`);
    failed++;
  } else {
    process.stdout.write(`lint: ${check.name} ok\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
