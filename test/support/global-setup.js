'use strict';
// Every test's temporary files go into one folder of this run (os.tmpdir() reads TMPDIR), deleted
// at the end: cdk8s's Testing.app() makes a folder per app and never deletes it, and a test that
// is killed cannot clean up after itself.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-tests-'));
  process.env.FLAGGER_TESTS_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
