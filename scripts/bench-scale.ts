// Synthesizes N instances of the tutorial chart in one app and prints what it cost, as JSON.
// Run by scripts/bench.js; each N gets a fresh process so memory figures do not accumulate.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { AppSynthesizer, FlaggerTutorialChart } from '../lib';

const instances = Number(process.env.BENCH_INSTANCES ?? '1');
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'flagger-bench-'));
const started = process.hrtime.bigint();
try {
  const app = new App({ outdir });
  const first = new FlaggerTutorialChart(app, 'podinfo-0', { namespace: 'test-0' });
  for (let index = 1; index < instances; index++) {
    new FlaggerTutorialChart(app, `podinfo-${index}`, { namespace: `test-${index}`, host: `app-${index}.example.com`, gateway: first.gateway });
  }
  if (process.env.BENCH_UPSTREAM) app.synth(); else AppSynthesizer.synth(app);
  const objects = fs.readdirSync(outdir)
    .map((file) => fs.readFileSync(path.join(outdir, file), 'utf8').split(/^---$/m).length)
    .reduce((sum, count) => sum + count, 0);
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ instances, objects, milliseconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
