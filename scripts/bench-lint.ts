// What `flagger-doctor lint` costs on a large input, in time and peak memory, against yaml's own
// parser over the same text. Run by scripts/bench.js; each phase gets a fresh process, so that its
// maximum RSS is its own:
//   generate FILE MIB [list]   writes MIB MiB of manifests: copies of the tutorial chart, one
//                              document per object, or (list) one List as `kubectl get -o yaml` writes
//   phase yaml|parse|lint FILE prints {milliseconds, cpuMilliseconds, maxRssMiB, objects} as JSON;
//                              the times exclude Node's start-up. CPU time (user and system) varies
//                              less than the wall clock on a machine that others share.
// Phases: `yaml` is the yaml library alone (each document parsed and converted, nothing kept), the
// floor for any reader built on it; `parse` is flagger-doctor's reading into objects; `lint` is the
// whole command, `flagger-doctor lint FILE` with its text output thrown away.
import * as fs from 'fs';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { FlaggerTutorialChart } from '../lib';
import { main } from '../lib/cli/flagger-doctor';
import { parseManifests } from '../lib/doctor';

function generate(file: string, mebibytes: number, asList: boolean): void {
  const chart = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo'));
  const out = fs.openSync(file, 'w');
  let bytes = 0;
  let objects = 0;
  const write = (text: string) => {
    fs.writeSync(out, text);
    bytes += Buffer.byteLength(text);
  };
  if (asList) write('apiVersion: v1\nitems:\n');
  for (let copy = 0; bytes < mebibytes * 1024 * 1024; copy++) {
    for (const object of chart) {
      const text = YAML.stringify(object, { lineWidth: 0 }).replace(/\btest\b/g, `test-${copy}`).replace(/app\.example\.com/g, `app-${copy}.example.com`);
      write(asList ? text.replace(/^/gm, '  ').replace(/^ {2}/, '- ').replace(/ {2}$/, '') : `${text}---\n`);
      objects++;
    }
  }
  if (asList) write('kind: List\nmetadata:\n  resourceVersion: ""\n');
  fs.closeSync(out);
  process.stdout.write(JSON.stringify({ bytes, objects }));
}

async function phase(name: string, file: string): Promise<void> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  let objects = 0;
  if (name === 'yaml') {
    const text = fs.readFileSync(file, 'utf8');
    for (const document of new YAML.Composer({ version: '1.1' }).compose(new YAML.Parser().parse(text))) {
      if (document.toJS({ maxAliasCount: 1000 }) !== null) objects++;
    }
  } else if (name === 'parse') {
    objects = parseManifests(fs.readFileSync(file, 'utf8'), file).length;
  } else if (name === 'lint') {
    let summary = '';
    const code = await main(['lint', file], {
      stdout: (text) => { summary = text; },
      stderr: (text) => process.stderr.write(text),
      stdin: () => { throw new Error('no standard input here'); },
      cwd: process.cwd(),
    });
    if (code > 1) throw new Error(`lint exited ${code}`);
    objects = Number(/ in (\d+) objects? /.exec(summary)?.[1]);
  } else {
    throw new Error(`unknown phase ${name}`);
  }
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStarted);
  process.stdout.write(JSON.stringify({ milliseconds, cpuMilliseconds: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, objects }));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'generate') {
  generate(args[0], Number(args[1]), args[2] === 'list');
} else {
  phase(args[0], args[1]).catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  });
}
