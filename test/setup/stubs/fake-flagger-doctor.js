#!/usr/bin/env node
// Stands in for bin/flagger-doctor.js in a test project: records its arguments and answers `explain`
// with recognisable text. With --format json it keeps the real doctor's contract: one entry per recognised
// message (here: Halt and Rolling back), with the input line it came from, its time, message and summary.
// STUB_DOCTOR_BROKEN=1 makes it fail like a doctor that cannot run.
'use strict';
const fs = require('fs');

const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, `flagger-doctor ${args.join(' ')}\n`);
if (process.env.STUB_DOCTOR_BROKEN) {
  process.stderr.write('flagger-doctor: cannot start\n');
  process.exit(3);
}
const input = fs.readFileSync(0, 'utf8').split('\n');
const lines = input.filter((line) => line.trim() !== '');
if (args.includes('--format')) {
  const entries = [];
  input.forEach((line, index) => {
    let entry = { msg: line, ts: null };
    try { entry = JSON.parse(line); } catch (error) { /* plain text line */ }
    if (/Halt|Rolling back/.test(entry.msg)) {
      entries.push({ line: index + 1, time: entry.ts, message: entry.msg, summary: `DOCTOR SUMMARY of "${entry.msg}"` });
    }
  });
  process.stdout.write(JSON.stringify(entries, null, 2));
} else {
  process.stdout.write(`DOCTOR DIAGNOSIS of ${lines.length} lines\n`);
}
