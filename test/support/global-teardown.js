'use strict';
// Deletes the folder of this run's temporary files (see global-setup.js).
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.FLAGGER_TESTS_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
