import { lint, RULE_IDS } from '../../../../lib/doctor/lint/engine';
import { parseObjectRef } from '../../../../lib/doctor/lint/presence';
import { checkRuleLevels, parseRuleSetting } from '../../../../lib/doctor/lint/rule-levels';
import { findingsOf, tutorial, without } from '../helpers';

describe('rule levels', () => {
  test('off drops a rule\'s findings; a severity replaces theirs', () => {
    const objects = without(tutorial(), 'Namespace');
    expect(findingsOf(objects, 'namespace-missing', { rules: { 'namespace-missing': 'off' } })).toEqual([]);
    expect(findingsOf(objects, 'namespace-missing', { rules: { 'namespace-missing': 'error' } }).map((f) => f.severity)).toEqual(['error']);
    expect(findingsOf(tutorial(), 'metric-window-short', { rules: { 'metric-window-short': 'error' } }).map((f) => f.severity)).toEqual(['error']);
  });

  test('levels are checked: an unknown rule or level names the key and what is allowed', () => {
    expect(checkRuleLevels({ 'namespace-missing': 'off', 'metric-window-short': 'note' }, 'x', RULE_IDS)).toEqual({ 'namespace-missing': 'off', 'metric-window-short': 'info' });
    expect(() => checkRuleLevels({ 'namespace-mising': 'off' }, 'context flagger-doctor:rules', RULE_IDS))
      .toThrow(/^context flagger-doctor:rules names the rule "namespace-mising", which does not exist; the rules are webhook-url-unresolved, /);
    expect(() => checkRuleLevels({ 'namespace-missing': 'disabled' }, 'context flagger-doctor:rules', RULE_IDS))
      .toThrow('context flagger-doctor:rules sets rule namespace-missing to "disabled"; use one of off, info, warning, error.');
    expect(() => checkRuleLevels(['namespace-missing'], 'properties.rules', RULE_IDS))
      .toThrow('properties.rules is ["namespace-missing"]; give a mapping from rule id to level, e.g. { "namespace-missing": "off" }.');
  });

  test('the CLI form ID=LEVEL', () => {
    expect(parseRuleSetting('gateway-missing=off', RULE_IDS)).toEqual(['gateway-missing', 'off']);
    expect(() => parseRuleSetting('gateway-missing', RULE_IDS)).toThrow("--rule takes ID=LEVEL (e.g. namespace-missing=off), not 'gateway-missing'.");
  });
});

describe('objects declared present', () => {
  test.each([
    ['Service/test/flagger-loadtester', { kind: 'Service', namespace: 'test', name: 'flagger-loadtester' }],
    ['svc/test/*', { kind: 'svc', namespace: 'test', name: '*' }],
    ['Namespace/node-agents', { kind: 'Namespace', namespace: '', name: 'node-agents' }],
    ['Namespace//node-agents', { kind: 'Namespace', namespace: '', name: 'node-agents' }],
  ])('%s', (text, ref) => {
    expect(parseObjectRef(text)).toEqual(ref);
  });

  test.each(['Service/flagger-loadtester', 'Service//x', 'a/b/c/d', ''])('%s is not KIND/NAMESPACE/NAME', (text) => {
    expect(parseObjectRef(text)).toBeUndefined();
  });

  test('kubectl short names and a * name match', () => {
    const objects = tutorial().filter((o) => o.object.kind === 'Canary');
    const errors = (assumePresent: any[]) => lint(objects, { completeness: 'complete', assumePresent }).filter((f) => f.rule === 'webhook-url-unresolved');
    expect(errors([])).toHaveLength(2);
    expect(errors([{ kind: 'svc', namespace: 'test', name: '*' }])).toEqual([]);
  });

  test('partial: every object not in the manifests is a note, even where its namespace is defined', () => {
    const objects = tutorial().filter((o) => !(o.object.kind === 'Service' && o.object.metadata?.name === 'flagger-loadtester'));
    const findings = findingsOf(objects, 'webhook-url-unresolved', { completeness: 'partial' });
    expect(findings.map((f) => f.severity)).toEqual(['info']);
    expect(findings[0].message).toContain('It is assumed to be installed separately (--partial).');
  });
});
