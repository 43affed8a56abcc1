/** `flagger-doctor plan`: what Flagger will do with each Canary of the manifests. */
import { ManifestIndex } from '../../doctor/model/manifest-index';
import { manifestScrapeIntervalMs } from '../../doctor/model/scrape-interval';
import { planCanaries } from '../../doctor/plan/plan';
import { printable } from '../../doctor/util/terminal';
import { formatPlan } from '../format/plan';
import { readManifestCommand } from '../inputs';
import { CliIO, EXIT_FINDINGS, EXIT_OK } from '../io';

const USAGE = `Usage: flagger-doctor plan [--format text|json] [--scrape-interval 15s] [--max-bytes 64Mi] PATH...

Prints, for each Flagger Canary in the manifests (files or folders, YAML or JSON; PATH - reads
standard input), what Flagger will do with a new revision: the weight schedule with times, the
earliest promotion, when it rolls back, and how many load-test requests each metric window sees.

Options:
  --format text|json       text (default), or one JSON array of plans on stdout
  --scrape-interval DUR    Prometheus scrape interval. Default: the one the manifests give every Canary
                           (their ServiceMonitors or PodMonitors, or 5s for Flagger's own Prometheus), as
                           lint reads it; else 15s.
  --max-bytes SIZE         the most read from one file or from standard input (default 64Mi)

Exit codes: 0 planned, 1 no Canary found, 2 bad usage or unreadable input.
`;

/** Whether the arguments give --scrape-interval (readManifestCommand applies its default otherwise). */
function givesScrapeInterval(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--scrape-interval' || arg.startsWith('--scrape-interval='));
}

/** Prints each Canary's rollout schedule; returns 1 when there is no Canary. */
export async function planCommand(args: string[], io: CliIO): Promise<number> {
  const input = await readManifestCommand(args, io, USAGE);
  if (!input) return EXIT_OK;
  const scrapeIntervalMs = givesScrapeInterval(args) ? input.scrapeIntervalMs : manifestScrapeIntervalMs(new ManifestIndex(input.objects)) ?? input.scrapeIntervalMs;
  const plans = planCanaries(input.objects, { scrapeIntervalMs });
  if (input.format === 'json') {
    io.stdout(`${JSON.stringify(plans, null, 2)}\n`);
  } else if (plans.length > 0) {
    io.stdout(plans.map(formatPlan).join('\n'));
  }
  if (plans.length === 0) {
    io.stderr(`flagger-doctor plan: no Canary (flagger.app) found in ${printable(input.paths.join(', '))}.\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
