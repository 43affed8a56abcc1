/** `flagger-doctor explain`: what Flagger's logs and events say happened, why, and how to fix it. */
import { manifestCrossReference } from '../../doctor/explain/cross-reference';
import { explainStream } from '../../doctor/explain/explain';
import { CrossReference } from '../../doctor/explain/report';
import { loadManifests, manifestFiles, ManifestError } from '../../doctor/input/manifests';
import { lint } from '../../doctor/lint/engine';
import { FORMAT_OPTION, formatOf, parseCommandArgs } from '../args';
import { formatReport } from '../format/explain';
import { MessagesJsonWriter } from '../format/explain-json';
import { logInputs } from '../inputs';
import { CliIO, EXIT_OK, UsageError } from '../io';

const USAGE = `Usage: flagger-doctor explain [--format text|json] [--manifests PATH]... [FILE...]

Explains Flagger's logs and events: what happened to each canary, why, the
kubectl commands that confirm each likely cause, and the fix. Reads the FILEs,
or standard input when none is given (or FILE is -), as a stream: any size. It
understands:
  kubectl -n istio-system logs deploy/flagger        (JSON lines or console format,
                                                      also coloured, or wrapped by a paste)
  kubectl logs deploy/flagger | jq .msg              (one JSON string per line)
  kubectl -n <namespace> describe canary <name>      (its Events, with or without
                                                      the header, spaces collapsed or not)
  kubectl get events [-n <namespace> | -A]
  Flagger messages pasted one per line
kubectl get pods tables, shell prompts and Go stack traces pasted with them are
read too. Lines it does not recognise are skipped and counted.

Options:
  --format text|json   text (default): per canary a verdict, the timeline and the problems.
                       json: one JSON array, one entry per recognised message.
  --manifests PATH     your manifests (files or folders, like kubectl apply -f; repeatable):
                       failing webhook URLs are checked against their Services, the namespace
                       against its injection label, and lint findings that explain a message
                       are shown with it.

Exit codes: 0 whenever the input was read, 2 bad usage or an unreadable file.
`;

function crossReference(paths: readonly string[], cwd: string): CrossReference | undefined {
  if (paths.length === 0) return undefined;
  try {
    const objects = loadManifests(manifestFiles(paths, cwd), cwd);
    return manifestCrossReference(objects, lint(objects));
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`--manifests: ${error.message}`);
    throw error;
  }
}

/** Prints the explanation; returns 0 whenever the input was read. */
export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, { format: FORMAT_OPTION, manifests: {} }, USAGE);
  if (args.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const xref = crossReference(args.values.manifests, io.cwd);
  const inputs = await logInputs(args.positionals, io);
  const json = formatOf(args) === 'json' ? new MessagesJsonWriter(io) : undefined;
  const report = await explainStream(inputs, xref ? { crossReference: xref } : {}, json ? { onMessage: (message) => json.add(message) } : {});
  if (json) {
    json.end();
    if (report.skipped.total > 0 || report.duplicates > 0) {
      const duplicates = report.duplicates > 0 ? ` (and ${report.duplicates} repeated in another input, counted once)` : '';
      io.stderr(`flagger-doctor explain: ${report.recognised} Flagger message(s) recognised${duplicates}, ${report.skipped.total} of ${report.lines} line(s) skipped.\n`);
    }
  } else {
    io.stdout(formatReport(report));
  }
  return EXIT_OK;
}
