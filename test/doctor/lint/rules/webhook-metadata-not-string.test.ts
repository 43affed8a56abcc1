import { parseManifests } from '../../../../lib/doctor/input/manifests';
import { findingsOf, tutorial, webhook } from '../helpers';

const RULE = 'webhook-metadata-not-string';

describe('webhook-metadata-not-string', () => {
  test('passes when every value is a string', () => {
    expect(findingsOf(tutorial(), RULE)).toEqual([]);
  });

  test('a number is an error naming the key and showing the quoted form', () => {
    const objects = tutorial();
    webhook(objects, 'load-test').metadata.retries = 3;
    const [finding] = findingsOf(objects, RULE);
    expect(finding.message).toBe('webhook "load-test" metadata.retries is a number (3); every metadata value must be a string.');
    expect(finding.hint).toBe('quote it: retries: "3"');
  });

  test('YAML 1.1 booleans, as kubectl reads them, are caught', () => {
    const objects = parseManifests(`apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  analysis:
    webhooks:
    - name: load-test
      url: http://flagger-loadtester.test/
      metadata:
        returnCmdOutput: yes
        cmd: "hey -z 1m http://podinfo-canary.test:9898/"
`, 'canary.yaml');
    const findings = findingsOf(objects, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('metadata.returnCmdOutput is a boolean (true)');
  });
});
