#!/usr/bin/env node
'use strict';
// `npm run bench`: how fast `npm run synth` is, as a ratio against `kubectl kustomize` over the same
// reference objects measured in the same session, and how synthesis cost grows with the number of
// chart instances. Figures are medians of alternating runs; quote the ratios, not the seconds.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { bundle, checkCache, ROOT } = require('./bundle');
const { synthScaling } = require('./bench-synth');

const RUNS = Number(process.env.BENCH_RUNS || 10);
const REFERENCE_DIR = path.join(ROOT, 'test', 'fixtures', 'reference', 'flagger-v1.44.0');
const REFERENCE_FILES = ['kustomize-podinfo.yaml', 'kustomize-tester.yaml', 'tutorial-canary.yaml', 'tutorial-gateway.yaml'];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeOnce(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...options.env } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  return { seconds, stdout: result.stdout };
}

/** A kustomization over the reference objects the chart reproduces, plus the namespace they need. */
function referenceKustomization() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-kustomize-'));
  const resources = [];
  for (const file of REFERENCE_FILES) {
    fs.copyFileSync(path.join(REFERENCE_DIR, file), path.join(dir, file));
    resources.push(file);
  }
  fs.writeFileSync(path.join(dir, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: test\n  labels:\n    istio-injection: enabled\n');
  resources.unshift('namespace.yaml');
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${resources.map((file) => `- ${file}`).join('\n')}\n`);
  return { dir, from: 'the reference manifests' };
}

function compareSynthToKustomize() {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (kubectl.error) {
    console.log('synth vs kubectl kustomize: skipped, kubectl is not installed.');
    return;
  }
  const { dir, from } = referenceKustomization();
  // npm's own start-up, measured with a script that does nothing, to show what synth adds to it.
  const noop = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-npm-'));
  fs.writeFileSync(path.join(noop, 'package.json'), JSON.stringify({ name: 'noop', private: true, scripts: { noop: 'node -e 0' } }));
  const contenders = {
    'npm run synth': () => timeOnce('npm', ['run', '--silent', 'synth'], { cwd: ROOT }),
    'node scripts/synth.js': () => timeOnce(process.execPath, ['scripts/synth.js'], { cwd: ROOT }),
    'npm run (no-op script)': () => timeOnce('npm', ['run', '--silent', 'noop'], { cwd: noop }),
    'kubectl kustomize': () => timeOnce('kubectl', ['kustomize', dir]),
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  try {
    for (const run of Object.values(contenders)) run(); // warm-up: caches, page cache
    for (let index = 0; index < RUNS; index++) {
      for (const [name, run] of Object.entries(contenders)) samples[name].push(run().seconds);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(noop, { recursive: true, force: true });
  }
  const baseline = median(samples['kubectl kustomize']);
  console.log(`synth vs kubectl kustomize over ${from}, median of ${RUNS} alternating runs:`);
  for (const [name, values] of Object.entries(samples)) {
    const ratio = median(values) / baseline;
    console.log(`  ${name.padEnd(22)} ${median(values).toFixed(3)} s   ${ratio.toFixed(2)}x kubectl kustomize`);
  }
  const ratio = median(samples['npm run synth']) / baseline;
  const added = (median(samples['npm run synth']) - median(samples['npm run (no-op script)'])) / baseline;
  console.log(`  target: npm run synth at most 6x kubectl kustomize: ${ratio <= 6 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x;`
    + ` of that, npm's own start-up is ${(median(samples['npm run (no-op script)']) / baseline).toFixed(2)}x and the synth adds ${added.toFixed(2)}x)`);
  return median(samples['node scripts/synth.js']);
}

/**
 * What keying the bundle cache by content costs at start-up: the check as `npm run synth` does it
 * (an input is read again only when its stat changed), and with every input read and hashed.
 */
function cacheCheckCost(synthSeconds) {
  const timeMs = (fn) => {
    const started = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  bundle('main.ts');
  const remembered = [];
  const rehashed = [];
  const size = checkCache('main.ts', { trustStats: true });
  for (let index = 0; index < RUNS; index++) {
    remembered.push(timeMs(() => checkCache('main.ts', { trustStats: true })));
    rehashed.push(timeMs(() => checkCache('main.ts', { trustStats: false })));
  }
  const share = (ms) => (synthSeconds ? ` = ${(ms / (synthSeconds * 1000) * 100).toFixed(1)}% of node scripts/synth.js` : '');
  console.log(`\ncontent-keyed bundle cache check, ${size.files} inputs (${(size.bytes / 1048576).toFixed(1)} MiB), median of ${RUNS} in one process:`);
  console.log(`  hashes remembered by stat (what synth does): ${median(remembered).toFixed(1)} ms${share(median(remembered))}`);
  console.log(`  every input read and hashed:                 ${median(rehashed).toFixed(1)} ms${share(median(rehashed))}`
    + ` (${(median(rehashed) / median(remembered)).toFixed(1)}x)`);
}

function scaling() {
  const counts = (process.env.BENCH_CHARTS || '1,10,100,300,1000').split(',').map(Number);
  synthScaling({
    counts,
    runs: Math.max(1, Math.min(RUNS, 3)),
    upstreamMax: Number(process.env.BENCH_UPSTREAM_MAX || 300),
    kustomizeMax: Number(process.env.BENCH_KUSTOMIZE_MAX || 300),
  });
}

function doctor() {
  const result = spawnSync(process.execPath, [bundle('scripts/bench-doctor.ts')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`doctor bench failed: ${result.stderr}`);
  const f = JSON.parse(result.stdout);
  console.log('\nflagger-doctor engine (medians, in one process, against a baseline on the same input):');
  console.log(`  lint of ${f.objects} objects (${f.copies} tutorial charts): ${f.lintMs.toFixed(0)} ms, ${(f.lintMs / f.parseMs).toFixed(2)}x parsing their YAML (${f.parseMs.toFixed(0)} ms); ${f.findings} findings`);
  console.log(`  explain of ${f.lines} JSON log lines, streamed: ${f.explainMs.toFixed(0)} ms, ${(f.explainMs / f.jsonMs).toFixed(2)}x JSON.parse of the same lines (${f.jsonMs.toFixed(0)} ms)`);
}

/**
 * Peak memory of `flagger-doctor explain` over a large log (1M lines by default), text and JSON output,
 * each in a fresh process, against a process that only streams the file and JSON.parses each line.
 * explain streams its input: its memory follows the distinct messages, not the lines.
 */
function explainMemory() {
  const lines = Number(process.env.BENCH_EXPLAIN_LINES || 1_000_000);
  const limitMiB = 400;
  const entry = bundle('scripts/bench-explain-memory.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-explain-'));
  const file = path.join(dir, 'flagger.log');
  const measure = (...args) => {
    const result = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (result.status !== 0) throw new Error(`explain memory bench (${args[0]}) failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  try {
    const generated = measure('generate', file, String(lines));
    const inputMiB = generated.detail / 1048576;
    const base = measure('baseline', file);
    const runs = { text: measure('explain', file, 'text'), json: measure('explain', file, 'json') };
    console.log(`\nflagger-doctor explain memory over ${lines} JSON log lines (${inputMiB.toFixed(0)} MiB, 50 canaries), peak RSS of a fresh process:`);
    console.log(`  baseline (stream the file, JSON.parse each line): ${base.maxRssMiB.toFixed(0)} MiB, ${(base.milliseconds / 1000).toFixed(1)} s`);
    for (const [format, run] of Object.entries(runs)) {
      console.log(`  explain --format ${format.padEnd(4)} ${`${run.maxRssMiB.toFixed(0)} MiB`.padStart(8)}, ${(run.maxRssMiB / base.maxRssMiB).toFixed(2)}x the baseline, ${(run.maxRssMiB / inputMiB).toFixed(2)}x the input size; `
        + `${(run.milliseconds / 1000).toFixed(1)} s (${(run.milliseconds / base.milliseconds).toFixed(1)}x)`);
    }
    const worst = Math.max(runs.text.maxRssMiB, runs.json.maxRssMiB);
    console.log(`  target: under ${limitMiB} MiB: ${worst < limitMiB ? 'met' : 'NOT met'} (${worst.toFixed(0)} MiB)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `flagger-doctor lint` on BENCH_LINT_MIB (50) MiB of manifests, as one document per object and as one
 * kubectl List: its CPU time and peak memory, each phase in a fresh process, against yaml's own parser
 * over the same text. The target: under 1 GiB of RSS.
 */
function doctorLintMemory() {
  const entry = bundle('scripts/bench-lint.ts');
  const mebibytes = Number(process.env.BENCH_LINT_MIB || 50);
  const run = (args) => {
    const result = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (result.status !== 0) throw new Error(`bench-lint ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-lint-'));
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const row = (name, figures) => `  ${name.padEnd(36)}${seconds(figures.cpuMilliseconds).padStart(8)} (${seconds(figures.milliseconds)})`.padEnd(60)
    + `${figures.maxRssMiB.toFixed(0)} MiB`.padStart(9);
  try {
    for (const shape of ['documents', 'list']) {
      const file = path.join(dir, `${shape}.yaml`);
      const input = run(['generate', file, String(mebibytes), ...(shape === 'list' ? ['list'] : [])]);
      const { yaml, parse, lint } = Object.fromEntries(['yaml', 'parse', 'lint'].map((phase) => [phase, run(['phase', phase, file])]));
      const size = input.bytes / 1048576;
      const what = shape === 'list' ? 'in one List document (kubectl get -o yaml)' : 'one document each';
      console.log(`\nflagger-doctor lint of ${size.toFixed(0)} MiB of manifests, ${input.objects} objects ${what}`
        + ' (a fresh process per phase, Node start-up excluded; CPU time, wall clock in brackets):');
      console.log(`${''.padEnd(38)}${'CPU time (wall)'.padEnd(22)}${'max RSS'.padStart(9)}`);
      console.log(row("yaml's parser alone (nothing kept)", yaml));
      console.log(`${row('read into objects', parse)}   ${(parse.cpuMilliseconds / yaml.cpuMilliseconds).toFixed(2)}x the CPU time of yaml alone`);
      console.log(`${row('flagger-doctor lint', lint)}   ${(lint.cpuMilliseconds / yaml.cpuMilliseconds).toFixed(2)}x the CPU time of yaml alone, `
        + `${(lint.maxRssMiB / parse.maxRssMiB).toFixed(2)}x the RSS of reading, ${(lint.maxRssMiB / size).toFixed(1)}x the input's size`);
      console.log(`  target: lint under 1 GiB of RSS: ${lint.maxRssMiB < 1024 ? 'met' : 'NOT met'} (${lint.maxRssMiB.toFixed(0)} MiB)`);
      fs.rmSync(file, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const synthSeconds = compareSynthToKustomize();
  cacheCheckCost(synthSeconds);
  doctor();
  explainMemory();
  doctorLintMemory();
  scaling();
} catch (error) {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
}
