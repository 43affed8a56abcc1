// Peak memory of `flagger-doctor explain` on a large log, each measurement in a fresh process (bench.js
// runs this script once per mode). Modes:
//   generate FILE LINES    writes LINES Flagger JSON log lines (50 canaries, repeated messages, distinct times)
//   explain FILE FORMAT    runs `flagger-doctor explain --format FORMAT FILE` in this process, output discarded
//   baseline FILE          reads FILE as a stream and JSON.parses each line: the least any reader does
// Each mode prints one JSON line: peak RSS (process.resourceUsage().maxRSS) and elapsed time.
import * as fs from 'fs';
import { main } from '../lib/cli/flagger-doctor';
import { CliIO } from '../lib/cli/io';
import { LineReader } from '../lib/doctor/input/logs';

const MESSAGES = [
  'New revision detected! Scaling up podinfo.test',
  'Starting canary analysis for podinfo.test',
  'Advance podinfo.test canary weight 10',
  'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic',
  'Halt podinfo.test advancement success rate 92.41% < 99%',
];

function generate(file: string, lines: number): void {
  const fd = fs.openSync(file, 'w');
  let chunk = '';
  for (let index = 0; index < lines; index++) {
    const canary = `podinfo-${index % 50}.test`;
    const ts = new Date(Date.UTC(2026, 10, 26, 10) + index * 1000).toISOString();
    chunk += `${JSON.stringify({ level: 'info', ts, caller: 'controller/events.go:45', msg: MESSAGES[index % MESSAGES.length].replace('podinfo.test', canary), canary })}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function explain(file: string, format: string): Promise<number> {
  let written = 0;
  const io: CliIO = {
    stdout: (text) => { written += text.length; },
    stderr: () => undefined,
    stdin: () => { throw new Error('no standard input in the bench'); },
    cwd: process.cwd(),
  };
  const code = await main(['explain', '--format', format, file], io);
  if (code !== 0) throw new Error(`explain exited ${code}`);
  return written;
}

async function baseline(file: string): Promise<number> {
  let parsed = 0;
  const reader = new LineReader((line) => {
    if (line !== '') {
      JSON.parse(line);
      parsed++;
    }
  });
  for await (const piece of fs.createReadStream(file, { highWaterMark: 1 << 20 })) reader.push(piece as Buffer);
  reader.end();
  return parsed;
}

async function run(): Promise<void> {
  const [mode, file, arg] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  let detail: number;
  if (mode === 'generate') {
    generate(file, Number(arg));
    detail = fs.statSync(file).size;
  } else if (mode === 'explain') {
    detail = await explain(file, arg);
  } else if (mode === 'baseline') {
    detail = await baseline(file);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ mode, detail, milliseconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

run().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
