/**
 * Lint findings as text: one per line with its hint, then a summary. Every field of a finding may hold
 * text from the input (a name, a URL, a command), and a finding is one line and its hint by design: each
 * of the two lines is escaped as a whole, so no field can add a line or a terminal control.
 */
import { Finding } from '../../doctor/lint/rule';
import { objectId } from '../../doctor/model/object';
import { printable } from '../../doctor/util/terminal';
import { plural } from '../../doctor/util/text';

const SEVERITY_WORD: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

/** `file: Kind/namespace/name: error rule: message`, then the hint, indented. */
export function formatFinding(finding: Finding): string {
  const where = finding.file ? `${finding.file}: ` : '';
  const line = `${where}${objectId(finding.kind, finding.namespace, finding.name)}: ${SEVERITY_WORD[finding.severity]} ${finding.rule}: ${finding.message}`;
  return `${printable(line)}\n    hint: ${printable(finding.hint)}\n`;
}

/** `2 errors, 1 warning in 7 objects from 3 files`. */
export function formatSummary(findings: readonly Finding[], objects: number, files: number): string {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const notes = count('info');
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), ...(notes ? [plural(notes, 'note')] : [])];
  return `${parts.join(', ')} in ${plural(objects, 'object')} from ${plural(files, 'file')}\n`;
}
