#!/usr/bin/env node
// Stands in for bin/flagger-doctor.js in a test project: records its arguments and answers `explain`
// with recognisable text. STUB_DOCTOR_BROKEN=1 makes it fail like a doctor that cannot run.
'use strict';
const fs = require('fs');

const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, `flagger-doctor ${args.join(' ')}\n`);
if (process.env.STUB_DOCTOR_BROKEN) {
  process.stderr.write('flagger-doctor: cannot start\n');
  process.exit(3);
}
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((line) => line.trim() !== '');
if (args.includes('--format')) {
  const entries = [];
  for (const line of lines) {
    let message = line;
    try { message = JSON.parse(line).msg; } catch (error) { /* plain text line */ }
    if (/Halt|Rolling back/.test(message)) entries.push({ message, summary: `DOCTOR SUMMARY of "${message}"` });
  }
  process.stdout.write(JSON.stringify(entries));
} else {
  process.stdout.write(`DOCTOR DIAGNOSIS of ${lines.length} lines\n`);
}
