'use strict';
// Synthesis cost by number of charts, for `npm run bench`: N tutorial charts sharing one Gateway,
// each N synthesized by `node scripts/synth.js` (what `npm run synth` runs, without npm's own
// start-up) in a copy of the project, as a whole process (wall time and peak RSS), with
//   - AppSynthesizer.synth(app), what main.ts uses, and app.synth() (cdk8s's own) on the same app;
//   - the floor: serializing the same objects with cdk8s's Yaml.stringify, in one process;
//   - kubectl kustomize over N overlays of the tutorial's reference manifests, where it is quick.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, load } = require('./bundle');
const { copyProject } = require('./project-copy');

const MAIN = `import { App } from 'cdk8s';
import { AppSynthesizer, FlaggerTutorialChart } from './lib';

const charts = Number(process.env.BENCH_CHARTS);
const app = new App();
const first = new FlaggerTutorialChart(app, 'podinfo-0', { namespace: 'test-0' });
for (let index = 1; index < charts; index++) {
  new FlaggerTutorialChart(app, \`podinfo-\${index}\`, { namespace: \`test-\${index}\`, host: \`app-\${index}.example.com\`, gateway: first.gateway });
}
if (process.env.BENCH_UPSTREAM) app.synth();
else AppSynthesizer.synth(app);
`;

// Preloaded into each synth to report its peak RSS, which spawnSync does not give.
const RUSAGE = `process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_RUSAGE_FILE, String(process.resourceUsage().maxRSS)));`;

/** A copy of the project whose main.ts synthesizes BENCH_CHARTS tutorial charts. */
function projectCopy() {
  const dir = copyProject('flagger-bench-synth-', ['lib', 'imports', 'scripts', 'bin', 'cdk8s.yaml', 'package.json', 'tsconfig.json']);
  fs.writeFileSync(path.join(dir, 'main.ts'), MAIN);
  fs.writeFileSync(path.join(dir, 'rusage.js'), RUSAGE);
  return dir;
}

/**
 * @param {string} dir
 * @param {number} charts
 * @param {boolean} upstream
 */
function synthOnce(dir, charts, upstream) {
  const rusage = path.join(dir, 'rusage.out');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', './rusage.js', 'scripts/synth.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', BENCH_CHARTS: String(charts), BENCH_UPSTREAM: upstream ? '1' : '', BENCH_RUSAGE_FILE: rusage },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`synth of ${charts} charts failed: ${result.stderr}`);
  return { seconds, rssMiB: Number(fs.readFileSync(rusage, 'utf8')) / 1024 };
}

/** Medians of `runs` alternating runs of each synth. */
function measure(dir, charts, runs, withUpstream) {
  const ours = [];
  const upstream = [];
  for (let run = 0; run < runs; run++) {
    ours.push(synthOnce(dir, charts, false));
    if (withUpstream) upstream.push(synthOnce(dir, charts, true));
  }
  return { ours: medianOf(ours), upstream: withUpstream ? medianOf(upstream) : undefined };
}

/** @param {{ seconds: number, rssMiB: number }[]} samples */
function medianOf(samples) {
  const pick = (key) => {
    const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  return { seconds: pick('seconds'), rssMiB: pick('rssMiB') };
}

/**
 * Seconds to serialize the objects of `distDir` file by file: with cdk8s's Yaml.stringify (the
 * floor of a synth that uses it), and with the fast emitter synth uses (lib/synth/yaml-files.ts).
 */
function serializationFloor(distDir) {
  const YAML = require('yaml');
  const { Yaml } = require('cdk8s');
  const { stringifyDocuments, fastEmitterActive } = load('lib/synth/yaml-files.ts');
  if (!fastEmitterActive()) throw new Error('the fast YAML emitter is off (its probe failed); the figures would not be those of synth.');
  const files = fs.readdirSync(distDir).map((file) => YAML.parseAllDocuments(fs.readFileSync(path.join(distDir, file), 'utf8')).map((doc) => doc.toJS()));
  const time = (stringify) => {
    stringify(files[0]); // warm-up
    const started = process.hrtime.bigint();
    let bytes = 0;
    for (const docs of files) bytes += stringify(docs).length;
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
  };
  const floor = time((docs) => Yaml.stringify(...docs));
  const fast = time((docs) => stringifyDocuments(docs, true));
  if (fast.bytes !== floor.bytes) throw new Error(`the fast YAML emitter wrote ${fast.bytes} bytes where Yaml.stringify wrote ${floor.bytes}.`);
  return { seconds: floor.seconds, fastSeconds: fast.seconds, bytes: floor.bytes, objects: files.reduce((sum, docs) => sum + docs.length, 0) };
}

/** Seconds for `kubectl kustomize` over `overlays` overlays of the reference manifests, or undefined without kubectl. */
function kustomize(overlays) {
  const reference = path.join(ROOT, 'test', 'fixtures', 'reference', 'flagger-v1.44.0');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-overlays-'));
  try {
    fs.mkdirSync(path.join(dir, 'base'));
    const resources = fs.readdirSync(reference).filter((file) => file.endsWith('.yaml'));
    for (const file of resources) fs.copyFileSync(path.join(reference, file), path.join(dir, 'base', file));
    fs.writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), `resources:\n${resources.map((file) => `- ${file}`).join('\n')}\n`);
    for (let index = 0; index < overlays; index++) {
      fs.mkdirSync(path.join(dir, `overlay-${index}`));
      fs.writeFileSync(path.join(dir, `overlay-${index}`, 'kustomization.yaml'), `namespace: test-${index}\nresources:\n- ../base\n`);
    }
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${Array.from({ length: overlays }, (_, index) => `- overlay-${index}`).join('\n')}\n`);
    const started = process.hrtime.bigint();
    const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (result.error) return undefined;
    if (result.status !== 0) throw new Error(`kubectl kustomize failed: ${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Prints the table and the targets. `counts` are the chart counts; app.synth() and kustomize run
 * up to `upstreamMax` and `kustomizeMax` charts (both grow with the square).
 */
function synthScaling({ counts, runs, upstreamMax, kustomizeMax }) {
  const dir = projectCopy();
  try {
    synthOnce(dir, 1, false); // builds the bundle and its code cache
    console.log(`\nsynthesis by number of charts: node scripts/synth.js, whole process, median of ${runs} (app.synth() up to ${upstreamMax} charts, kubectl kustomize up to ${kustomizeMax} overlays):`);
    console.log('   charts  objects   AppSynthesizer   peak RSS    app.synth()   YAML floor   fast YAML   kustomize');
    const rows = [];
    for (const charts of counts) {
      const { ours, upstream } = measure(dir, charts, charts >= 300 ? 1 : runs, charts <= upstreamMax);
      const floor = serializationFloor(path.join(dir, 'dist'));
      const overlays = charts <= kustomizeMax ? kustomize(charts) : undefined;
      rows.push({ charts, ours, upstream, floor, overlays });
      const cell = (seconds, width) => (seconds === undefined ? '-' : `${seconds.toFixed(2)} s`).padStart(width);
      console.log(`   ${String(charts).padStart(6)} ${String(floor.objects).padStart(8)} ${cell(ours.seconds, 16)} ${`${ours.rssMiB.toFixed(0)} MiB`.padStart(10)} `
        + `${cell(upstream?.seconds, 14)} ${cell(floor.seconds, 12)} ${cell(floor.fastSeconds, 11)} ${cell(overlays, 11)}`
        + `   (${(ours.seconds / floor.seconds).toFixed(2)}x the floor, fast YAML ${(floor.seconds / floor.fastSeconds).toFixed(1)}x faster than it${upstream ? `, ${(upstream.seconds / ours.seconds).toFixed(2)}x faster than app.synth()` : ''}${overlays ? `, ${(ours.seconds / overlays).toFixed(2)}x kustomize` : ''})`);
    }
    const at = (charts) => rows.find((row) => row.charts === charts);
    const exponent = (a, b) => Math.log(b.ours.seconds / a.ours.seconds) / Math.log(b.charts / a.charts);
    for (let index = 1; index < rows.length; index++) {
      if (rows[index - 1].charts >= 100) {
        console.log(`   growth exponent ${rows[index - 1].charts} -> ${rows[index].charts} charts: ${exponent(rows[index - 1], rows[index]).toFixed(2)} (1 is linear, 2 quadratic)`);
      }
    }
    if (at(100) && at(1000)) {
      const ratio = at(1000).ours.seconds / at(100).ours.seconds;
      const big = at(1000).ours;
      console.log(`   targets: T(1000)/T(100) = ${ratio.toFixed(2)} (at most 11: ${ratio <= 11 ? 'met' : 'NOT met'}); 1000 charts in ${big.seconds.toFixed(2)} s `
        + `(at most 5 s: ${big.seconds <= 5 ? 'met' : 'NOT met'}) and ${big.rssMiB.toFixed(0)} MiB (at most 250 MiB: ${big.rssMiB <= 250 ? 'met' : 'NOT met'})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { synthScaling };
