/** `flagger-doctor lint`: checks manifests for Flagger and Istio mistakes. */
import { lint } from '../../doctor/lint/engine';
import { plural } from '../../doctor/util/text';
import { formatFinding, formatSummary } from '../format/finding';
import { readManifestCommand } from '../inputs';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';

const USAGE = `Usage: flagger-doctor lint [--format text|json] [--scrape-interval 15s] [--max-bytes 64Mi] PATH...

Checks Kubernetes manifests (files or folders of *.yaml, *.yml, *.json; many documents per file)
for Flagger and Istio mistakes before they reach a cluster. Folders are read like \`kubectl apply -f\`:
their files in lexical order, not recursively. PATH - reads standard input.

Options:
  --format text|json       text (default): one finding per line, its hint, then a summary.
                           json: exactly the JSON array of findings on stdout.
  --scrape-interval DUR    Prometheus scrape interval (Go duration, default 15s); metric windows
                           shorter than 4 scrapes are reported.
  --max-bytes SIZE         the most read from one file or from standard input (default 64Mi);
                           more exits 2. See docs/input.md.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.
`;

/** Prints the findings; returns 1 when any is an error. */
export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  const input = await readManifestCommand(args, io, USAGE);
  if (!input) return EXIT_OK;
  if (input.objects.length === 0) {
    throw new UsageError(`no Kubernetes objects found in ${input.paths.join(', ')} (${plural(input.files, 'manifest file')}).`);
  }
  const findings = lint(input.objects, { scrapeIntervalMs: input.scrapeIntervalMs });
  if (input.format === 'json') {
    io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  } else {
    for (const finding of findings) io.stdout(formatFinding(finding));
    io.stdout(formatSummary(findings, input.objects.length, input.files));
  }
  return findings.some((finding) => finding.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
