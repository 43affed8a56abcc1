import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import { RULES } from '../lib/doctor/lint/engine';
import { PROJECT_ROOT } from './support/project-copy';

/**
 * The TypeScript examples of README.md run as written (importing this package from ../lib), so the
 * documentation cannot drift from the API.
 */
const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);

describe('README examples', () => {
  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  test.each(examples.map((code, index) => [index + 1, code]))('example %i synthesizes', (_index, code) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    const source = String(code).replace(/from 'flagger-istio-cdk8s'/g, `from ${JSON.stringify(path.join(PROJECT_ROOT, 'lib'))}`);
    const { code: javascript } = transformSync(source, { loader: 'ts', format: 'cjs' });
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line no-new-func
      new Function('require', javascript)(require);
      expect(fs.readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
    } finally {
      process.env.CDK8S_OUTDIR = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README rule table', () => {
  test.each(RULES.map((rule) => [rule.id, rule.severity]))('documents %s with its severity', (id, severity) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${id}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${severity === 'info' ? 'note' : severity} |`);
  });
});
