#!/usr/bin/env node
'use strict';
// `npm run synth:examples`: synthesizes each examples/<name>/main.ts into examples/<name>/dist/.
// Each example runs in its own Node process (as `npm run synth` runs main.ts, compiled by esbuild
// through scripts/bundle.js), with CDK8S_OUTDIR pointing at its dist/. Exit code 1 if any fails.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const only = process.argv.slice(2);

const examples = fs.readdirSync(__dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(__dirname, entry.name, 'main.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

let failed = 0;
for (const name of examples) {
  const outdir = path.join(__dirname, name, 'dist');
  fs.rmSync(outdir, { recursive: true, force: true });
  const entry = path.relative(ROOT, path.join(__dirname, name, 'main.ts'));
  const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(ROOT, 'scripts', 'bundle.js'))}).load(${JSON.stringify(entry)})`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CHECK_UPGRADE: 'false' },
  });
  if (result.status === 0) {
    const files = fs.readdirSync(outdir).sort();
    process.stdout.write(`synth:examples: ${name} -> ${path.relative(ROOT, outdir)}/ (${files.join(', ')})\n`);
  } else {
    failed++;
    const message = `${result.stderr || result.stdout || result.error?.message || ''}`.trim().split('\n')[0];
    process.stderr.write(`synth:examples: ${name} failed: ${message}\n`);
  }
}
if (examples.length === 0) {
  process.stderr.write(`synth:examples: no example named ${only.join(', ')}.\n`);
  failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
