/**
 * Renders an explain report for a terminal: per canary, the verdict, the
 * timeline of its last run, and each distinct problem with causes, checks and
 * fix. Plain text, wrapped to a readable width; commands are never wrapped so
 * they stay copy-pasteable.
 */
import { checkLine } from '../../doctor/explain/json';
import { CanaryReport, EARLIER_RUNS, ExplainReport, Problem, Run, TIMELINE_ENDS, TimelineItem } from '../../doctor/explain/report';
import { LogEntry } from '../../doctor/input/logs';
import { plural } from '../../doctor/util/text';
import { printable } from '../../doctor/util/terminal';
import { wrapWords } from './wrap';

/**
 * Wraps text for the terminal with its control characters escaped: every string of the report may carry
 * text from the input (names, messages, URLs), which must not move the cursor, set a title, hide a link
 * or start a line of its own.
 */
function wrap(text: string, first: string, rest: string): string[] {
  return wrapWords(printable(text), first, rest);
}

/** Longest timeline printed in full; longer ones keep their start and end (what a streamed report keeps). */
const MAX_TIMELINE = 2 * TIMELINE_ENDS;
/** Earlier runs listed before the last one's timeline (what a streamed report keeps). */
const MAX_EARLIER_RUNS = EARLIER_RUNS;

const OUTCOME_LABEL: Record<string, string> = {
  'promoted': 'PROMOTED',
  'rolled-back': 'ROLLED BACK',
  'promotion-failed': 'PROMOTION FAILED',
  'waiting': 'WAITING FOR APPROVAL',
  'stalled': 'STALLED',
  'progressing': 'STILL PROGRESSING',
  'initialized': 'INITIALIZED',
  'unknown': 'UNKNOWN',
};

export function formatReport(report: ExplainReport): string {
  const out: string[] = [...wrap(summaryLine(report), '', '  '), ''];
  const clock = clockFormat(report);
  if (report.recognised === 0) {
    out.push('No Flagger messages recognised. flagger-doctor explain reads the output of:');
    out.push('  kubectl -n istio-system logs deploy/flagger');
    out.push('  kubectl -n <namespace> describe canary <name>');
    out.push('  kubectl -n <namespace> get events');
    out.push('or Flagger messages pasted one per line.');
    return out.join('\n') + '\n';
  }
  for (const canary of report.canaries) out.push(...formatCanary(canary, clock), '');
  if (report.general.length > 0) {
    out.push('Flagger (not about one canary)');
    report.general.forEach((problem, index) => out.push(...formatProblem(problem, index + 1, report.general.length, clock)));
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

function summaryLine(report: ExplainReport): string {
  const { empty, malformed, unrecognised, total, structure } = report.skipped;
  const duplicates = report.duplicates > 0 ? ` (and ${report.duplicates} repeated in another input, counted once)` : '';
  const read = structure > 0 ? `; ${plural(structure, 'line')} of kubectl's table headers and describe fields read` : '';
  return `Read ${plural(report.lines, 'line')}: ${plural(report.recognised, 'Flagger message')} recognised${duplicates}, ${total} skipped `
    + `(${empty} empty, ${malformed} malformed, ${unrecognised} unrecognised)${read}.`;
}


function formatCanary(canary: CanaryReport, clock: (entry: LogEntry) => string): string[] {
  const title = printable(canary.namespace ? `Canary ${canary.namespace}/${canary.name}` : `Canary ${canary.name} (namespace unknown)`);
  const out = [title, ...wrap(`Verdict: ${OUTCOME_LABEL[canary.verdict.outcome]}. ${canary.verdict.text}`, '  ', '  ')];
  const runs = canary.runs;
  const earlier = runs.slice(0, -1);
  if (earlier.length > 0) {
    out.push('', '  Earlier in the input');
    const hidden = earlier.length - MAX_EARLIER_RUNS + (canary.omittedRuns ?? 0);
    if (hidden > 0) out.push(`    ... ${hidden} earlier run(s) ...`);
    for (const run of earlier.slice(-MAX_EARLIER_RUNS)) {
      const label = run.number === 0 ? 'Before the first new revision' : `Run ${run.number}`;
      // A run that had not ended when the next revision arrived was replaced by it.
      const outcome = run.outcome === 'progressing' && run.number > 0 ? 'replaced by the next revision' : OUTCOME_LABEL[run.outcome].toLowerCase();
      out.push(printable(`    ${label} (from ${clock(run.items[0].first)}): ${outcome}${run.failedChecks ? `, ${plural(run.failedChecks, 'failed check')}` : ''}`));
    }
  }
  const last = runs[runs.length - 1];
  if (last) {
    out.push('', `  Timeline (${runLabel(last)})`);
    out.push(...formatTimeline(last.items, last.omitted ?? 0, clock));
  }
  if (canary.problems.length > 0) {
    canary.problems.forEach((problem, index) => out.push('', ...formatProblem(problem, index + 1, canary.problems.length, clock)));
  } else {
    out.push('', '  No problems found in the input.');
  }
  return out;
}

function runLabel(run: Run): string {
  return run.number === 0 ? 'before the first new revision in the input' : `run ${run.number}`;
}

/** The timeline, its start and end when it is long; `omitted` items between them were not kept. */
function formatTimeline(items: readonly TimelineItem[], omitted: number, clock: (entry: LogEntry) => string): string[] {
  const total = items.length + omitted;
  const shown = total > MAX_TIMELINE ? [...items.slice(0, MAX_TIMELINE / 2), undefined, ...items.slice(-MAX_TIMELINE / 2)] : items;
  const width = Math.max(...items.map((item) => clock(item.first).length));
  return shown.flatMap((item) => {
    if (!item) return [`    ${' '.repeat(width)}  ... ${total - MAX_TIMELINE} more line(s) ...`];
    const repeat = item.repeat > 1 ? ` (${item.repeat}x)` : '';
    let text = item.first.combined ? `${item.headline} (from a combined event)` : item.headline;
    if (item.failedChecks) {
      const [from, to] = item.failedChecks;
      text = `${text.replace(/^halt: /, 'HALT: ')} [failed check ${from === to ? `#${from}` : `#${from}-#${to}`}]`;
    } else if (item.spansEarlierRuns) {
      text = text.replace(/^halt: /, 'HALT: ');
    }
    if (item.spansEarlierRuns) text += ` (event x${item.first.count} includes earlier runs)`;
    const indent = `    ${' '.repeat(width)}  `;
    const lines = wrap(`${text}${item.failedChecks ? '' : repeat}`, `    ${clock(item.first).padEnd(width)}  `, indent);
    return item.countedHalts ? [...lines, ...wrap(`<- ${countedText(item.countedHalts)}`, indent, `${indent}   `)] : lines;
  });
}

function countedText(halts: readonly TimelineItem[]): string {
  if (halts.length === 0) return 'none of the failed checks it counted are in the input';
  const last = Math.max(0, ...halts.map((halt) => halt.failedChecks?.[1] ?? 0));
  return `counts failed check${last === 1 ? ' #1' : `s #1-#${last}`} above (cumulative over the run, not consecutive)`;
}

function formatProblem(problem: Problem, index: number, total: number, clock: (entry: LogEntry) => string): string[] {
  const { diagnosis, evidence } = problem.example;
  const from = problem.first.firstAge ? `${problem.first.firstAge} ago` : clock(problem.first);
  const seen = problem.occurrences > 1 ? `${problem.occurrences}x, ${from} to ${clock(problem.last)}` : `once, ${clock(problem.first)}`;
  const where = `${problem.first.file ? `${problem.first.file}:` : 'line '}${problem.first.line}`;
  const out = [
    ...wrap(`Problem ${index} of ${total}: ${problem.headline}`, '  ', '    '),
    ...wrap(`[${problem.id}] seen ${seen}; first at ${where}`, '    ', '    '),
    ...quote(problem.example.entry.message).flatMap((line) => wrap(line, '    > ', '    > ')),
    ...wrap(`What it means: ${diagnosis.summary}`, '    ', '    '),
    ...problem.notes.flatMap((note) => wrap(`Note: ${note}`, '    ', '    ')),
  ];
  if (diagnosis.causes.length > 0) {
    out.push(diagnosis.causes.length > 1 ? '    Likely causes, most likely first:' : '    Likely cause:');
    diagnosis.causes.forEach((cause, causeIndex) => {
      out.push(...wrap(cause.text, `      ${causeIndex + 1}. `, '         '));
      for (const check of cause.checks) out.push(`         $ ${printable(checkLine(check))}`);
    });
  }
  if (evidence.length > 0) {
    out.push('    From your manifests:');
    for (const note of evidence) out.push(...wrap(note, '      - ', '        '));
  }
  out.push(...wrap(`Fix: ${diagnosis.fix}`, '    ', '    '));
  return out;
}

/** Times as HH:MM:SS when every time is on one day, with the date otherwise; events by age; else the line. */
function clockFormat(report: ExplainReport): (entry: LogEntry) => string {
  return (entry) => {
    if (entry.time) return report.multiDay ? `${entry.time.slice(0, 10)} ${entry.time.slice(11, 19)}` : entry.time.slice(11, 19);
    if (entry.age !== undefined) return printable(`${entry.age.replace(/\s.*$/, '')} ago`);
    return `line ${entry.line}`;
  };
}

/** The message as quoted under a problem: itself, or for multi-line output (hey's report) the lines that matter. */
function quote(message: string): string[] {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length <= 1) return lines;
  const errors = lines.findIndex((line) => line.startsWith('Error distribution:'));
  if (errors >= 0) return ['...', ...lines.slice(errors, errors + 3)];
  return [lines[0], '...'];
}

