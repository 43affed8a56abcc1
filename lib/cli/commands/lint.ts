import { lint } from '../../doctor/lint/engine';
import { Finding } from '../../doctor/model/object';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { parseManifestArgs, readManifestArgs } from '../manifest-args';

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

/** `flagger-doctor lint`: prints findings and returns 1 when any is an error. */
export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  const options = parseManifestArgs(args, USAGE);
  if (options.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (options.paths.length === 0) throw new UsageError(`no PATH given.\n\n${USAGE}`);
  const { objects, files } = await readManifestArgs(options.paths, io);
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
