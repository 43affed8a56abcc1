import * as fs from 'fs';
import * as path from 'path';
import { parseLogInput } from '../../../lib/doctor/input/logs';
import { RULES } from '../../../lib/doctor/lint/engine';
import { CATALOGUE, matchMessage } from '../../../lib/doctor/explain/catalogue';

/**
 * The fixtures hold one realistic Flagger message per wording (v1.44.0 and
 * older), as `kubectl logs deploy/flagger` JSON lines, as `kubectl get events`
 * rows and as the Events section of `kubectl describe canary`. catalogue.json
 * lists, in the same order, the family each must be recognised as.
 */
const FIXTURES = path.join(__dirname, 'fixtures');

interface CatalogueEntry {
  readonly id: string;
  readonly message: string;
  readonly logOnly: boolean;
  readonly wording: string;
}

const catalogue: CatalogueEntry[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'catalogue.json'), 'utf8'));

function idsOf(file: string): Array<string | undefined> {
  const parsed = parseLogInput(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), file);
  return parsed.entries.map((entry) => matchMessage(entry.message)?.spec.id);
}

describe('the message catalogue', () => {
  test('every family has a fixture, so no pattern goes untested', () => {
    // GIVEN the fixture table
    const covered = new Set(catalogue.map((entry) => entry.id));
    // THEN every catalogue id appears in it
    expect(CATALOGUE.map((spec) => spec.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('every lint rule a family names exists, so its findings can be shown', () => {
    const known = new Set(RULES.map((rule) => rule.id));
    const named = CATALOGUE.flatMap((spec) => (spec.lintRules ?? []).map((rule) => `${spec.id}: ${rule}`));
    expect(named.filter((entry) => !known.has(entry.split(': ')[1]))).toEqual([]);
  });

  test('roles fit together: every end says how the run ended, and only ends do', () => {
    for (const spec of CATALOGUE) expect([spec.id, spec.role === 'end']).toEqual([spec.id, spec.outcome !== undefined]);
  });

  test('ids are stable kebab-case and unique', () => {
    const ids = CATALOGUE.map((spec) => spec.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  });

  test.each([
    ['JSON lines (kubectl logs deploy/flagger)', 'catalogue.jsonl', true],
    ['kubectl get events', 'catalogue.events.txt', false],
    ['kubectl describe canary', 'catalogue.describe.txt', false],
  ])('%s: every message is recognised as its family, in order', (_name, file, includesLogOnly) => {
    // GIVEN the same messages in one input form (events only carry what Flagger records as events)
    const expected = catalogue.filter((entry) => includesLogOnly || !entry.logOnly).map((entry) => entry.id);
    // WHEN each entry is matched against the catalogue
    const ids = idsOf(file as string);
    // THEN each is recognised as the expected family
    expect(ids).toEqual(expected);
  });

  test('older wordings are in the fixtures too', () => {
    const older = catalogue.filter((entry) => entry.wording !== 'v1.44.0');
    expect(older.length).toBeGreaterThanOrEqual(8);
    for (const entry of older) expect(matchMessage(entry.message)?.spec.id).toBe(entry.id);
  });

  test.each([
    'Starting flagger version 1.44.0',
    'Connected to metrics server',
    'Synced podinfo',
    'Halt advancement',
    'Advance podinfo.test canary weight ten',
    'Rolling back podinfo.test',
    'createPrimaryDeployment failed: something nobody has seen before',
  ])('a message that is not one of the families is not recognised: %s', (message) => {
    expect(matchMessage(message)).toBeUndefined();
  });

  test.each([
    ['createPrimaryDeployment failed: getSelectorLabel failed: deployment podinfo.test spec.selector.matchLabels must contain one of [app name app.kubernetes.io/name]', 'selector-labels'],
    ['createPrimaryDeployment failed: deployment podinfo.test get query error: deployments.apps "podinfo" not found', 'get-query-error'],
    ['reconcileDestinationRule failed: DestinationRule podinfo-canary.test get query error: the server could not find the requested resource', 'get-query-error'],
  ])('Go\'s wrapped errors are recognised by the message inside the wrappers: %s', (message, id) => {
    // GIVEN a message wrapped by Flagger's fmt.Errorf("<function> failed: %w") chain (deployment_controller.go, istio.go)
    // WHEN it is matched
    const match = matchMessage(message);
    // THEN the family of the innermost message is found, with its fields
    expect(match?.spec.id).toBe(id);
    expect(match?.fields.object).toMatch(/^podinfo(-canary)?\.test$/);
  });

  test('every diagnosis fills in the canary names and gives causes with runnable checks and a fix', () => {
    for (const entry of catalogue) {
      // GIVEN a message about canary podinfo in namespace test
      const match = matchMessage(entry.message)!;
      const diagnosis = match.spec.diagnose({
        canary: 'podinfo', namespace: 'test', target: 'podinfo', flaggerNamespace: 'istio-system',
        prometheusNamespace: 'istio-system', prometheusService: 'prometheus', fields: match.fields,
      });
      // THEN it says what the message means and how to act on it
      expect(diagnosis.summary.length).toBeGreaterThan(20);
      expect(diagnosis.fix.length).toBeGreaterThan(5);
      expect(diagnosis.causes.length).toBeGreaterThan(0);
      for (const cause of diagnosis.causes) {
        expect(cause.checks.length).toBeGreaterThan(0);
        for (const check of cause.checks) {
          expect(check.command).toMatch(/^(kubectl|curl) /);
          expect(check.command).not.toMatch(/undefined|<canary>|<namespace>/);
          if (check.command.startsWith('kubectl -n ')) expect(check.command).toMatch(/^kubectl -n (test|istio-system|monitoring) /);
        }
      }
      expect(JSON.stringify(diagnosis)).not.toMatch(/undefined|\$\{/);
    }
  });
});
