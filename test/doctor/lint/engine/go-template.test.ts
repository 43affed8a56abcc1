import { parseGoTemplate, renderGoTemplate, templateUses } from '../../../../lib/doctor/util/go-template';

const model = {
  functions: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo-svc', ingress: 'podinfo', route: 'podinfo', interval: '1m' },
  variables: { reporter: 'destination' },
};

describe('Go templates as Flagger renders queries', () => {
  test('functions, variables.X, printf and $variables render', () => {
    const query = '{{- $route := printf "kube_%s__%s" namespace service }}x{route="{{ $route }}", r="{{ variables.reporter }}"}[{{ interval }}]';
    expect(renderGoTemplate(parseGoTemplate(query), model)).toBe('x{route="kube_test__podinfo-svc", r="destination"}[1m]');
  });

  test('trim markers and comments are removed', () => {
    expect(renderGoTemplate(parseGoTemplate('a {{- /* note */ -}} b {{ target -}}  c'), model)).toBe('ab podinfoc');
  });

  test('an undeclared variable, or an action it does not evaluate, renders nothing', () => {
    expect(renderGoTemplate(parseGoTemplate('{{ variables.direction }}'), model)).toBeUndefined();
    expect(renderGoTemplate(parseGoTemplate('{{ if true }}x{{ end }}'), model)).toBeUndefined();
  });

  test('the uses of each action: functions, lookups and data fields', () => {
    const uses = templateUses(parseGoTemplate('{{ workload }} {{ variables.reporter }} {{ .Release.Name }} {{ printf "%s" namespace }}'));
    expect(uses.map((u) => ({ functions: u.functions, lookups: u.lookups, dataFields: u.dataFields }))).toEqual([
      { functions: ['workload'], lookups: [], dataFields: [] },
      { functions: ['variables'], lookups: [['variables', 'reporter']], dataFields: [] },
      { functions: [], lookups: [], dataFields: ['.Release.Name'] },
      { functions: ['printf', 'namespace'], lookups: [], dataFields: [] },
    ]);
  });

  test('syntax errors are reported', () => {
    expect(parseGoTemplate('{{ namespace ').error).toBe('unclosed action');
    expect(parseGoTemplate('{{ "x }}').error).toMatch(/unterminated quoted string/);
  });
});
