import { Testing } from 'cdk8s';
import { FlaggerTutorialChart } from '../../../lib';
import { lint } from '../../../lib/doctor/lint/engine';
import { parseManifests } from '../../../lib/doctor/input/manifests';
import { SourcedObject } from '../../../lib/doctor/model/object';
import { dist, REFERENCE_FILES, REFERENCE_DIR, TEST_NAMESPACE_YAML } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

describe('the correct manifests', () => {
  test("Flagger's tutorial set plus the test namespace has no errors, only the tutorial's two known weaknesses", () => {
    // GIVEN the reference tutorial manifests and the namespace the tutorial creates by hand
    const texts = [TEST_NAMESPACE_YAML, ...REFERENCE_FILES.map((f) => fs.readFileSync(path.join(REFERENCE_DIR, f), 'utf8'))];
    const objects: SourcedObject[] = [];
    texts.forEach((text, i) => objects.push(...parseManifests(text, `file${i}.yaml`, objects.length)));

    // WHEN linted
    const findings = lint(objects);

    // THEN nothing is an error; the warnings are its 30s request-duration window and `hey -z 1m` equal to the interval
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.map((f) => f.rule).sort()).toEqual(['load-test-too-short', 'metric-window-short']);
  });

  test("the project's dist/ has no findings at all", () => {
    expect(lint(dist())).toEqual([]);
  });

  test('the dist fixture the rule tests start from is exactly what the chart synthesizes', () => {
    const synthesized = Testing.synth(new FlaggerTutorialChart(Testing.app(), 'podinfo'));
    expect(dist().map((sourced) => sourced.object)).toEqual(synthesized);
  });
});

describe('speed', () => {
  test('1000 copies of the tutorial set each get the findings of the original', () => {
    // GIVEN 1000 copies, each in its own namespace and with its own public host
    const texts = [TEST_NAMESPACE_YAML, ...REFERENCE_FILES.map((f) => fs.readFileSync(path.join(REFERENCE_DIR, f), 'utf8'))].join('\n---\n');
    const original = JSON.stringify(parseManifests(texts, 'tutorial.yaml').map((s) => s.object));
    const objects: SourcedObject[] = [];
    for (let i = 0; i < 1000; i++) {
      const copy = JSON.parse(original.replace(/"test"/g, `"t${i}"`).replace(/\.test\b/g, `.t${i}`).replace(/app\.example\.com/g, `app${i}.example.com`));
      for (const object of copy) objects.push({ object, source: { file: `copy${i}.yaml`, order: objects.length } });
    }

    // WHEN linted (its speed is measured by `npm run bench`, not asserted here)
    const findings = lint(objects);

    // THEN every copy gets the same findings as the original
    expect(objects).toHaveLength(7000);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings).toHaveLength(2000);
  });
});
