#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function loadCli() {
  // In a checkout of this project, run the sources, so the CLI never lags behind them; an installed
  // package has no scripts/ and runs its compiled build/.
  if (fs.existsSync(path.join(root, 'lib', 'cli', 'flagger-doctor.ts')) && fs.existsSync(path.join(root, 'scripts', 'bundle.js'))) {
    try {
      return require('../scripts/bundle.js').load('lib/cli/flagger-doctor.ts');
    } catch (error) {
      process.stderr.write(`flagger-doctor: cannot compile this checkout's sources:\n${error.message}\n`);
      process.exit(3);
    }
  }
  return require(path.join(root, 'build', 'lib', 'cli', 'flagger-doctor.js'));
}

loadCli().runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
