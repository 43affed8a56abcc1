import { CRD_FIELDS, FieldNode } from '../../flagger/crd-fields';
import { kindOf, nameOf, namespaceOf, SourcedObject } from '../../model/object';
import { isMap } from '../../model/yaml';
import { closest, listNames } from '../../util/suggest';
import { LintContext, report, Report, RuleInfo, RuleSet } from '../rule';

const info: RuleInfo = {
  id: 'canary-field-unknown',
  severity: 'error',
  title: 'A field of a Canary (or MetricTemplate, AlertProvider) that Flagger\'s v1.44 CRD does not have, e.g. failureThreshold, spec.canaryAnalysis',
  symptom: '`kubectl apply` refuses the object (`strict decoding error: unknown field "spec.analysis.metrics[0].failureThreshold"`); '
    + 'an apply that does not validate strictly drops the field without a word, so the setting never reaches Flagger.',
};

/** Names of the fields Flagger renamed or never had, and what they are now. */
const RENAMED: Readonly<Record<string, string>> = {
  'spec.canaryAnalysis': 'spec.analysis (v1alpha3 called it canaryAnalysis; without spec.analysis the CRD rejects the Canary)',
};

function unknownFields(value: unknown, node: FieldNode, path: string, found: Array<{ path: string; known: readonly string[] }>): void {
  if (node === 0 || value === null || value === undefined) return;
  if ('items' in node) {
    if (Array.isArray(value)) value.forEach((item, index) => unknownFields(item, node.items, `${path}[${index}]`, found));
    return;
  }
  if (!isMap(value)) return;
  if ('values' in node) {
    for (const [key, item] of Object.entries(value)) unknownFields(item, node.values, `${path}.${key}`, found);
    return;
  }
  const known = Object.keys(node.fields);
  for (const [key, item] of Object.entries(value)) {
    const child = node.fields[key];
    if (child === undefined) found.push({ path: `${path}.${key}`, known });
    else unknownFields(item, child, `${path}.${key}`, found);
  }
}

function check(context: LintContext): Report[] {
  const reports: Report[] = [];
  for (const sourced of context.index.objects) {
    const kind = kindOf(sourced.object);
    const tree = CRD_FIELDS[kind];
    // Objects of a removed version (flagger.app/v1alpha3): api-version-removed reports them.
    if (!tree || sourced.object.apiVersion !== 'flagger.app/v1beta1') continue;
    reports.push(...checkObject(sourced, kind, tree));
  }
  return reports;
}

function checkObject(sourced: SourcedObject, kind: string, tree: FieldNode): Report[] {
  const found: Array<{ path: string; known: readonly string[] }> = [];
  unknownFields(sourced.object.spec, tree, 'spec', found);
  return found.map(({ path, known }) => {
    const field = path.slice(path.lastIndexOf('.') + 1);
    const renamed = RENAMED[path];
    const near = closest(field, known);
    return report(info, sourced,
      `${path} is not a field of the ${kind} CRD (flagger.app/v1beta1, Flagger v1.44) of ${kind} ${namespaceOf(sourced.object)}/${nameOf(sourced.object)}: `
      + '`kubectl apply` refuses it, and an apply that does not validate strictly drops it, so Flagger never sees it.',
      renamed ? `rename it to ${renamed}.` : near ? `did you mean ${near} ? (the fields here: ${listNames(known)})` : `remove it; the fields here are ${listNames(known)}.`);
  });
}

export const canaryFieldUnknown: RuleSet = { rules: [info], check };
