/**
 * From log entries to a diagnosis: which Flagger messages were seen, per canary the timeline of each
 * run, a verdict, and the distinct problems with their causes, checks and fixes. Pure: no I/O, no
 * manifests (those come in through a `CrossReference`, see cross-reference.ts).
 *
 * explain() reads inputs already held in memory and keeps everything; explainStream() reads inputs
 * piece by piece, hands each recognised message on as it goes, and keeps memory bounded by the distinct
 * messages (session.ts).
 */
import { LineReader, LogParser, ParsedLog } from '../input/logs';
import { ExplainOptions, ExplainReport } from './report';
import { ExplainHooks, ExplainSession, STREAMING, UNLIMITED } from './session';

/** Explains parsed logs and events, read together: each canary's runs, verdict and problems, and every recognised message. */
export function explain(inputs: readonly ParsedLog[], options: ExplainOptions = {}): ExplainReport {
  const session = new ExplainSession(options, { keepMessages: true, limits: UNLIMITED });
  for (const parsed of inputs) {
    const input = session.startInput();
    for (const fact of parsed.facts) session.fact(fact);
    for (const entry of parsed.entries) session.add(entry, input);
    session.endInput(parsed);
  }
  return session.finish();
}

/** One input of a streamed explain: its name (a file, or `-`), and its content as it arrives. */
export interface LogSource {
  readonly name?: string;
  readonly pieces: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
}

/**
 * Explains inputs read piece by piece, one after the other. `hooks.onMessage` gets every recognised
 * message in input order; the report keeps none of them (unless `hooks.keepMessages`), and keeps of each
 * canary what the text output shows.
 */
export async function explainStream(
  sources: AsyncIterable<LogSource> | Iterable<LogSource>, options: ExplainOptions = {}, hooks: ExplainHooks = {},
): Promise<ExplainReport> {
  const session = new ExplainSession(options, { limits: STREAMING, ...hooks });
  for await (const source of sources) {
    const input = session.startInput();
    const parser = new LogParser((entry) => session.add(entry, input), source.name, (fact) => session.fact(fact));
    const reader = new LineReader((line) => parser.read(line));
    for await (const piece of source.pieces) reader.push(piece);
    reader.end();
    session.endInput(parser.end());
  }
  return session.finish();
}
