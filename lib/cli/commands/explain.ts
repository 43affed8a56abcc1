import * as fs from 'fs';
import * as path from 'path';
import { explain, ExplainedMessage, messageJson } from '../../doctor/explain/explain';
import { manifestCrossReference } from '../../doctor/explain/cross-reference';
import { lint } from '../../doctor/lint/engine';
import { decodeLogBytes, parseLogInput, ParsedLog } from '../../doctor/input/logs';
import { loadManifests, manifestFiles, ManifestError } from '../../doctor/input/manifests';
import { formatReport } from '../format/explain';
import { CliIO, EXIT_OK, UsageError } from '../io';

const USAGE = `Usage: flagger-doctor explain [--format text|json] [--manifests PATH]... [FILE...]

Explains Flagger's logs and events: what happened to each canary, why, the
kubectl commands that confirm each likely cause, and the fix. Reads the FILEs,
or standard input when none is given (or FILE is -). It understands:
  kubectl -n istio-system logs deploy/flagger        (JSON lines or console format)
  kubectl -n <namespace> describe canary <name>      (its Events section)
  kubectl get events [-n <namespace> | -A]
  Flagger messages pasted one per line
Lines it does not recognise are skipped and counted.

Options:
  --format text|json   text (default): per canary a verdict, the timeline and the problems.
                       json: one JSON array, one entry per recognised message.
  --manifests PATH     your manifests (files or folders, like kubectl apply -f; repeatable):
                       failing webhook URLs are checked against their Services, the namespace
                       against its injection label, and lint findings that explain a message
                       are shown with it.

Exit codes: 0 whenever the input was read, 2 bad usage or an unreadable file.
`;

interface ExplainArgs {
  readonly format: 'text' | 'json';
  readonly manifests: readonly string[];
  readonly files: readonly string[];
  readonly help: boolean;
}

function parseArgs(args: readonly string[]): ExplainArgs {
  let format: 'text' | 'json' = 'text';
  const manifests: string[] = [];
  const files: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (name !== '--format' && name !== '--manifests') {
      throw new UsageError(`unknown option '${arg}'.\n\n${USAGE}`);
    }
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < args.length && !(args[i + 1].startsWith('--') && args[i + 1].length > 2)) value = args[++i];
    else throw new UsageError(`${name} needs a value.\n\n${USAGE}`);
    if (value === '') throw new UsageError(`${name} needs a value.\n\n${USAGE}`);
    if (name === '--format') {
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not '${value}'.`);
      format = value;
    } else {
      manifests.push(value);
    }
  }
  return { format, manifests, files, help };
}

async function readInputs(files: readonly string[], io: CliIO): Promise<ParsedLog[]> {
  if (files.length === 0) return [parseLogInput(await io.readStdin())];
  const inputs: ParsedLog[] = [];
  let stdinRead = false;
  for (const file of files) {
    if (file === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      inputs.push(parseLogInput(await io.readStdin(), '-'));
      continue;
    }
    let text: string;
    try {
      text = decodeLogBytes(fs.readFileSync(path.resolve(io.cwd, file)));
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${reason(error)}.`);
    }
    inputs.push(parseLogInput(text, file));
  }
  return inputs;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory; give the log file itself';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function crossReference(paths: readonly string[], cwd: string) {
  if (paths.length === 0) return undefined;
  try {
    const objects = loadManifests(manifestFiles(paths, cwd), cwd);
    return manifestCrossReference(objects, lint(objects));
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`--manifests: ${error.message}`);
    throw error;
  }
}

/** Output is handed on in pieces of about this size. */
const JSON_CHUNK = 1 << 20;

/**
 * Prints the same text as `JSON.stringify(messages.map(messageJson), null, 2)`, one element at a time:
 * a large log's array is bigger than the longest string V8 can build.
 */
function printJsonArray(io: CliIO, messages: readonly ExplainedMessage[]): void {
  let chunk = '[';
  messages.forEach((message, index) => {
    chunk += `${index === 0 ? '\n  ' : ',\n  '}${JSON.stringify(messageJson(message), null, 2).replace(/\n/g, '\n  ')}`;
    if (chunk.length >= JSON_CHUNK) {
      io.stdout(chunk);
      chunk = '';
    }
  });
  io.stdout(`${chunk}${messages.length > 0 ? '\n' : ''}]\n`);
}

/** `flagger-doctor explain`: prints the explanation; exits 0 whenever the input was read. */
export async function explainCommand(args: string[], io: CliIO): Promise<number> {
  const options = parseArgs(args);
  if (options.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const xref = crossReference(options.manifests, io.cwd);
  const inputs = await readInputs(options.files, io);
  const report = explain(inputs, xref ? { crossReference: xref } : {});
  if (options.format === 'json') {
    printJsonArray(io, report.messages);
    if (report.skipped.total > 0 || report.duplicates > 0) {
      const duplicates = report.duplicates > 0 ? ` (and ${report.duplicates} repeated in another input, counted once)` : '';
      io.stderr(`flagger-doctor explain: ${report.messages.length} Flagger message(s) recognised${duplicates}, ${report.skipped.total} of ${report.lines} line(s) skipped.\n`);
    }
  } else {
    io.stdout(formatReport(report));
  }
  return EXIT_OK;
}
