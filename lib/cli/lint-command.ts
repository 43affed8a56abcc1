import { parseGoDuration } from '../doctor/duration';
import { lint } from '../doctor/lint';
import { loadManifests, manifestFiles, ManifestError, parseManifests } from '../doctor/manifests';
import { Finding, SourcedObject } from '../doctor/types';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError } from './io';

const USAGE = `Usage: flagger-doctor lint [--format text|json] [--scrape-interval 15s] PATH...

Checks Kubernetes manifests (files or folders of *.yaml, *.yml, *.json; many documents per file)
for Flagger and Istio mistakes before they reach a cluster. Folders are read like \`kubectl apply -f\`:
their files in lexical order, not recursively. PATH - reads standard input.

Options:
  --format text|json       text (default): one finding per line, its hint, then a summary.
                           json: exactly the JSON array of findings on stdout.
  --scrape-interval DUR    Prometheus scrape interval (Go duration, default 15s); metric windows
                           shorter than 4 scrapes are reported.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.
`;

interface LintArgs {
  readonly format: 'text' | 'json';
  readonly scrapeIntervalMs: number;
  readonly paths: readonly string[];
  readonly help: boolean;
}

function parseArgs(args: readonly string[]): LintArgs {
  let format: 'text' | 'json' = 'text';
  let scrapeIntervalMs = 15_000;
  const paths: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (name !== '--format' && name !== '--scrape-interval') {
      throw new UsageError(`unknown option '${arg}'.\n\n${USAGE}`);
    }
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw new UsageError(`${name} needs a value.\n\n${USAGE}`);
    if (name === '--format') {
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not '${value}'.`);
      format = value;
    } else {
      const ms = parseGoDuration(value);
      if (ms === undefined || ms <= 0) {
        throw new UsageError(`--scrape-interval must be a positive Go duration such as 15s or 1m, not '${value}'.`);
      }
      scrapeIntervalMs = ms;
    }
  }
  return { format, scrapeIntervalMs, paths, help };
}

const SEVERITY_WORD: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `file: Kind/namespace/name: error rule: message`, then the hint, indented. */
export function formatFinding(finding: Finding): string {
  const object = finding.namespace ? `${finding.kind}/${finding.namespace}/${finding.name}` : `${finding.kind}/${finding.name}`;
  const where = finding.file ? `${finding.file}: ` : '';
  return `${where}${object}: ${SEVERITY_WORD[finding.severity]} ${finding.rule}: ${finding.message}\n    hint: ${finding.hint}\n`;
}

/** `2 errors, 1 warning in 7 objects from 3 files`. */
export function summarize(findings: readonly Finding[], objects: number, files: number): string {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const notes = count('info');
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), ...(notes ? [plural(notes, 'note')] : [])];
  return `${parts.join(', ')} in ${plural(objects, 'object')} from ${plural(files, 'file')}\n`;
}

/** Reads the paths in order; `-` is standard input (e.g. `kustomize build . | flagger-doctor lint -`). */
async function load(paths: readonly string[], io: CliIO): Promise<{ objects: SourcedObject[]; files: number }> {
  const objects: SourcedObject[] = [];
  let files = 0;
  try {
    for (const given of paths) {
      if (given === '-') {
        objects.push(...parseManifests(await io.readStdin(), '<stdin>', objects.length));
        files++;
        continue;
      }
      const found = manifestFiles([given], io.cwd);
      for (const sourced of loadManifests(found, io.cwd)) objects.push({ ...sourced, source: { ...sourced.source, order: objects.length } });
      files += found.length;
    }
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(error.message);
    throw error;
  }
  return { objects, files };
}

/** `flagger-doctor lint`: prints findings and returns 1 when any is an error. */
export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  const options = parseArgs(args);
  if (options.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (options.paths.length === 0) throw new UsageError(`no PATH given.\n\n${USAGE}`);
  const { objects, files } = await load(options.paths, io);
  if (objects.length === 0) {
    throw new UsageError(`no Kubernetes objects found in ${options.paths.join(', ')} (${plural(files, 'manifest file')}).`);
  }
  const findings = lint(objects, { scrapeIntervalMs: options.scrapeIntervalMs });
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  } else {
    for (const finding of findings) io.stdout(formatFinding(finding));
    io.stdout(summarize(findings, objects.length, files));
  }
  return findings.some((finding) => finding.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
