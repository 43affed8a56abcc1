#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');

function loadCli() {
  const root = path.resolve(__dirname, '..');
  const compiled = path.join(root, 'build', 'lib', 'cli', 'flagger-doctor.js');
  // In a checkout of this project, run the sources so the CLI never lags behind them.
  if (fs.existsSync(path.join(root, 'lib', 'cli', 'flagger-doctor.ts')) && fs.existsSync(path.join(root, 'scripts', 'bundle.js'))) {
    try {
      return require('../scripts/bundle.js').load('lib/cli/flagger-doctor.ts');
    } catch (error) {
      if (!fs.existsSync(compiled)) throw error;
    }
  }
  return require(compiled);
}

loadCli().runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
