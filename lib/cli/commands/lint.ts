/** `flagger-doctor lint`: checks manifests for Flagger and Istio mistakes. */
import { lint, RULE_IDS } from '../../doctor/lint/engine';
import { OBJECT_REF_SYNTAX, parseObjectRef } from '../../doctor/lint/presence';
import { Completeness, ExternalObjectRef, Finding, RuleLevel } from '../../doctor/lint/rule';
import { parseRuleSetting } from '../../doctor/lint/rule-levels';
import { parseScrapeInterval } from '../../doctor/flagger/prometheus';
import { plural } from '../../doctor/util/text';
import { FORMAT_OPTION, formatOf, lastValue, MAX_BYTES_OPTION, maxBytesOf, OptionSpec, parseCommandArgs, SCRAPE_INTERVAL_OPTION } from '../args';
import { formatFinding, formatSummary } from '../format/finding';
import { readManifests } from '../inputs';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';

const USAGE = `Usage: flagger-doctor lint [--format text|json] [--scrape-interval 15s] [--partial | --complete]
                          [--assume-present KIND/NS/NAME]... [--assume-external-namespace NS]...
                          [--rule ID=off|info|warning|error]... [--max-bytes 64Mi] PATH...

Checks Kubernetes manifests (files or folders of *.yaml, *.yml, *.json; many documents per file)
for Flagger and Istio mistakes before they reach a cluster. Folders are read like \`kubectl apply -f\`:
their files in lexical order, not recursively. PATH - reads standard input.

Options:
  --format text|json       text (default): errors, then warnings, then notes, one per line with
                           its hint, and a summary. json: exactly the JSON array of findings on stdout.
  --scrape-interval DUR    Prometheus scrape interval (Go duration). Default: the interval of the
                           ServiceMonitors or PodMonitors of the Canary in the manifests, 5s for
                           Flagger's own Prometheus, else 15s. Metric windows shorter than 4 scrapes
                           are reported.
  --max-bytes SIZE         the most read from one file or from standard input (default 64Mi);
                           more exits 2. See docs/input.md.

Objects the Canaries reference but the manifests do not hold (a namespace, a loadtester, a Gateway,
a MetricTemplate, installed by Helm or another kustomization) are errors where the manifests evidently
should hold them (their namespace is defined there, or a near miss of the name is), notes otherwise.
  --complete               the manifests hold everything: every missing object is an error.
  --partial                the manifests hold part of the setup: every missing object is a note.
  --assume-present KIND/NS/NAME
                           this object exists outside the manifests (repeatable), e.g.
                           Service/test/flagger-loadtester, Gateway/istio-system/public-gateway,
                           Namespace/test; NAME may be *.
  --assume-external-namespace NS
                           every object referenced in NS exists outside the manifests (repeatable).
  --rule ID=LEVEL          set a rule to off, info, warning or error (repeatable).

Exit codes: 0 no errors (warnings and notes allowed), 1 errors found, 2 bad usage or unreadable input.
`;

function usageCheck(check: (value: string) => void): (value: string) => void {
  return (value) => {
    try {
      check(value);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'format': FORMAT_OPTION,
  'scrape-interval': SCRAPE_INTERVAL_OPTION,
  'max-bytes': MAX_BYTES_OPTION,
  'partial': { flag: true },
  'complete': { flag: true },
  'assume-present': {
    check: (value) => {
      if (!parseObjectRef(value)) throw new UsageError(`--assume-present takes ${OBJECT_REF_SYNTAX}, not '${value}'.`);
    },
  },
  'assume-external-namespace': {
    check: (value) => {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) throw new UsageError(`--assume-external-namespace takes a namespace name, not '${value}'.`);
    },
  },
  'rule': { check: usageCheck((value) => parseRuleSetting(value, RULE_IDS)) },
};

const SEVERITY_ORDER: Readonly<Record<Finding['severity'], number>> = { error: 0, warning: 1, info: 2 };

/** Prints the findings; returns 1 when any is an error. */
export async function lintCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, OPTIONS, USAGE);
  if (args.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError(`no PATH given.\n\n${USAGE}`);
  if (args.values.partial.length > 0 && args.values.complete.length > 0) {
    throw new UsageError('--partial and --complete contradict each other; give one of them.');
  }
  const completeness: Completeness = args.values.complete.length > 0 ? 'complete' : args.values.partial.length > 0 ? 'partial' : 'auto';
  const scrape = lastValue(args, 'scrape-interval');
  const rules: Record<string, RuleLevel> = Object.fromEntries(args.values.rule.map((value) => parseRuleSetting(value, RULE_IDS)));
  const assumePresent = args.values['assume-present'].map((value) => parseObjectRef(value)).filter((ref): ref is ExternalObjectRef => ref !== undefined);
  const { objects, files } = await readManifests(args.positionals, io, { maxBytes: maxBytesOf(args) });
  if (objects.length === 0) {
    throw new UsageError(`no Kubernetes objects found in ${args.positionals.join(', ')} (${plural(files, 'manifest file')}).`);
  }
  const findings = lint(objects, {
    ...(scrape !== undefined ? { scrapeIntervalMs: parseScrapeInterval(scrape) } : {}),
    completeness,
    assumePresent,
    externalNamespaces: args.values['assume-external-namespace'],
    rules,
  });
  if (formatOf(args) === 'json') {
    io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  } else {
    // Real problems first: errors, then warnings, then notes, each in file order.
    const ordered = findings.map((finding, position) => ({ finding, position }))
      .sort((a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.position - b.position);
    for (const { finding } of ordered) io.stdout(formatFinding(finding));
    io.stdout(formatSummary(findings, objects.length, files));
  }
  return findings.some((finding) => finding.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
