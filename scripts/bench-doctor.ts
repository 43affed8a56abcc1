// Times the doctor engine on large inputs against a baseline measured in the same process:
// lint against parsing the same YAML, explain against JSON.parse of the same log lines.
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { explainStream } from '../lib/doctor/explain/explain';
import { lint, parseManifests, SourcedObject } from '../lib/doctor';
import { FlaggerTutorialChart } from '../lib';

async function medianMsAsync(runs: number, work: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  await work(); // warm-up
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function medianMs(runs: number, work: () => void): number {
  const times: number[] = [];
  work(); // warm-up
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const copies = Number(process.env.BENCH_COPIES ?? '1000');
const chart = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo')).map((object) => YAML.stringify(object, { lineWidth: 0 })).join('---\n');
const text = Array.from({ length: copies }, (_, index) => chart.replace(/\btest\b/g, `test-${index}`).replace(/app\.example\.com/g, `app-${index}.example.com`))
  .join('---\n');
let objects: SourcedObject[] = [];
const parseMs = medianMs(5, () => { objects = parseManifests(text, 'bench.yaml'); });
let findings = 0;
const lintMs = medianMs(5, () => { findings = lint(objects).length; });

const lines: string[] = [];
for (let index = 0; index < 100_000; index++) {
  const canary = `podinfo-${index % 50}.test`;
  const messages = ['New revision detected! Scaling up podinfo.test', 'Advance podinfo.test canary weight 10',
    'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic'];
  // Distinct timestamps: explain counts a line seen twice (same canary, time and message) once.
  const ts = new Date(Date.UTC(2026, 10, 26, 10) + index * 1000).toISOString();
  lines.push(JSON.stringify({ level: 'info', ts, msg: messages[index % 3].replace('podinfo.test', canary), canary }));
}
const log = lines.join('\n');
// The log as a file or a pipe delivers it: pieces of 1 MiB.
const pieces = Array.from({ length: Math.ceil(log.length / (1 << 20)) }, (_, index) => log.slice(index << 20, (index + 1) << 20));
const jsonMs = medianMs(3, () => { for (const line of lines) JSON.parse(line); });

medianMsAsync(3, async () => { await explainStream([{ pieces }]); }).then((explainMs) => {
  process.stdout.write(JSON.stringify({ copies, objects: objects.length, findings, parseMs, lintMs, lines: lines.length, jsonMs, explainMs }));
}).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
