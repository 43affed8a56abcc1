/** The JSON form of an explained message (`explain --format json`), and a check as one shell line. */
import { EntryLevel } from '../input/logs';
import { Check, Diagnosis, MessageKind } from './catalogue';
import { ExplainedMessage } from './report';

/** The JSON form of one recognised message (`--format json`). */
export interface MessageJson {
  readonly canary: string | null;
  readonly time: string | null;
  readonly level: EntryLevel | null;
  readonly message: string;
  readonly id: string;
  readonly kind: MessageKind;
  readonly summary: string;
  readonly causes: string[];
  readonly checks: string[];
  readonly fix: string;
  readonly evidence: string[];
  readonly count: number;
  readonly file: string | null;
  readonly line: number;
}

/** A check as one shell line: the command, then what to look for as a comment. */
export function checkLine(check: Check): string {
  return check.look ? `${check.command}  # ${check.look}` : check.command;
}

/** The causes and check lines of a diagnosis, computed once for all the messages that share it. */
const diagnosisLines = new WeakMap<Diagnosis, { readonly causes: readonly string[]; readonly checks: readonly string[] }>();

function linesOf(diagnosis: Diagnosis): { readonly causes: readonly string[]; readonly checks: readonly string[] } {
  let lines = diagnosisLines.get(diagnosis);
  if (!lines) {
    const checks = new Set<string>();
    for (const cause of diagnosis.causes) for (const check of cause.checks) checks.add(checkLine(check));
    lines = { causes: diagnosis.causes.map((cause) => cause.text), checks: [...checks] };
    diagnosisLines.set(diagnosis, lines);
  }
  return lines;
}

export function messageJson(message: ExplainedMessage): MessageJson {
  const { causes, checks } = linesOf(message.diagnosis);
  return {
    canary: message.canaryKey ?? null,
    time: message.entry.time ?? (message.entry.age !== undefined ? `${message.entry.age.replace(/\s.*$/, '')} ago` : null),
    level: message.entry.level ?? null,
    message: message.entry.message,
    id: message.spec.id,
    kind: message.spec.kind,
    summary: message.diagnosis.summary,
    causes: [...causes],
    checks: [...checks],
    fix: message.diagnosis.fix,
    evidence: [...message.evidence],
    count: message.entry.count,
    file: message.entry.file ?? null,
    line: message.entry.line,
  };
}
