import { findingsOf, tutorial, withYaml } from '../helpers';
import { REFERENCE_DIR } from '../helpers';
import * as fs from 'fs';
import * as path from 'path';

const RULE = 'duplicate-canary-target';
const canaryText = fs.readFileSync(path.join(REFERENCE_DIR, 'tutorial-canary.yaml'), 'utf8');

describe('duplicate-canary-target', () => {
  test('passes for one Canary per workload', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a second Canary for the same Deployment is an error on the second one', () => {
    const objects = withYaml(tutorial(), canaryText.replace('name: podinfo\n  namespace: test', 'name: podinfo-2\n  namespace: test'), 'second.yaml');
    const findings = findingsOf(objects, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ name: 'podinfo-2', file: 'second.yaml' });
    expect(findings[0].message).toContain('which Canary test/podinfo already targets (tutorial-canary.yaml)');
  });

  test('the same name in another namespace is another workload', () => {
    const objects = withYaml(tutorial(), canaryText.replace(/namespace: test/g, 'namespace: prod'));
    expect(findingsOf(objects, RULE)).toEqual([]);
  });

  test('the same Canary given twice is one object, not two Canaries', () => {
    // GIVEN the tutorial's Canary a second time (another copy of the file, or the file and stdin)
    const objects = withYaml(tutorial(), canaryText, 'copy.yaml');

    // WHEN linted
    // THEN the API server would just apply it again: no duplicate
    expect(findingsOf(objects, RULE)).toEqual([]);
  });
});
