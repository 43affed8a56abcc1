/**
 * Reads the Go `text/template` actions of a MetricTemplate query the way Flagger renders it
 * (pkg/metrics/observers/render.go at v1.44.0): with `missingkey=error`, nil data, and one function
 * per model field. So `{{ namespace }}` works, `{{ .namespace }}` and `{{ app }}` fail at analysis
 * time, and `{{ variables.x }}` fails unless the Canary's metric declares `x` in templateVariables.
 */

/** The functions Flagger's MetricTemplateModel defines. */
export const FLAGGER_TEMPLATE_FUNCTIONS = ['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval', 'variables'] as const;

/** Go text/template keywords and predefined functions. */
const GO_TEMPLATE_BUILTINS = new Set([
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false',
  'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'call',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
]);

export interface QueryTemplate {
  /** Template variables the query reads (`{{ variables.x }}`, `{{ index variables "x" }}`). */
  readonly variables: string[];
  /** What is wrong with the query, each as a sentence fragment; empty when Flagger can render it. */
  readonly problems: string[];
}

export function readQueryTemplate(query: string): QueryTemplate {
  const variables = new Set<string>();
  const problems: string[] = [];
  let rest = query;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) break;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push('it has a "{{" that is never closed with "}}"');
      break;
    }
    readAction(rest.slice(open + 2, close), variables, problems);
    rest = rest.slice(close + 2);
  }
  return { variables: [...variables].sort(), problems: [...new Set(problems)] };
}

function readAction(raw: string, variables: Set<string>, problems: string[]): void {
  const action = raw.replace(/^-\s/, '').replace(/\s-$/, '').trim();
  if (action.startsWith('/*')) return;
  // String literals are not identifiers; `index variables "x"` names a variable in one.
  const indexed = [...action.matchAll(/\bindex\s+variables\s+"([^"]*)"/g)].map((match) => match[1]);
  indexed.forEach((name) => variables.add(name));
  const code = action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');
  for (const match of code.matchAll(/(\$?[A-Za-z_][A-Za-z0-9_]*)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)|(?<![.$\w])([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const [, head, chain, bare] = match;
    if (chain !== undefined) {
      if (head === undefined) {
        problems.push(`{{ ${action} }} reads the field ${chain} of the template data, which Flagger leaves empty; call the function instead, e.g. {{ ${chain.slice(1).split('.')[0]} }}`);
      } else if (head === 'variables') {
        variables.add(chain.slice(1).split('.')[0]);
      } else if (!head.startsWith('$')) {
        checkFunction(head, action, problems);
      }
    } else if (bare !== undefined) {
      checkFunction(bare, action, problems);
    }
  }
}

function checkFunction(name: string, action: string, problems: string[]): void {
  if (GO_TEMPLATE_BUILTINS.has(name) || (FLAGGER_TEMPLATE_FUNCTIONS as readonly string[]).includes(name)) return;
  problems.push(`{{ ${action} }} calls "${name}", which Flagger does not define; use one of ${FLAGGER_TEMPLATE_FUNCTIONS.map((fn) => `{{ ${fn === 'variables' ? 'variables.<name>' : fn} }}`).join(', ')}`);
}
