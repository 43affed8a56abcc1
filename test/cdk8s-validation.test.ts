import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Validation, ValidationContext as ValidationContextClass } from 'cdk8s-cli/lib/plugins/validation';
import { FailOn, FlaggerDoctorValidation } from '../lib/cdk8s-validation';
import { lint } from '../lib/doctor/lint/engine';
import { fromObjects } from '../lib/doctor/input/manifests';
import { Json, referenceObjects } from './support/objects';

// cdk8s-cli exports its plugin API as `cdk8s-cli/plugins`; its types live under lib/.
const { ValidationContext } = require('cdk8s-cli/plugins') as { ValidationContext: typeof ValidationContextClass };

const PROJECT_ROOT = path.resolve(__dirname, '..');
const CDK8S_CLI = path.join(PROJECT_ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** The tutorial set: namespace, podinfo, loadtester, gateway and canary, as Flagger v1.44.0 documents them. */
function tutorialObjects(): Json[] {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', labels: { 'istio-injection': 'enabled' } } };
  return [
    namespace,
    ...referenceObjects('kustomize-podinfo.yaml'),
    ...referenceObjects('kustomize-tester.yaml'),
    ...referenceObjects('tutorial-gateway.yaml'),
    ...referenceObjects('tutorial-canary.yaml'),
  ];
}

/**
 * The tutorial set with a uniquely named Canary: cdk8s-cli maps construct paths by metadata.name
 * only, and the reference Canary shares its name with its Deployment and HPA.
 */
function appObjects(loadTestUrl?: string): Json[] {
  return tutorialObjects().map((object) => {
    if (object.kind !== 'Canary') return object;
    const canary = structuredClone(object);
    canary.metadata.name = 'podinfo-release';
    if (loadTestUrl) canary.spec.analysis.webhooks.find((webhook: Json) => webhook.name === 'load-test').url = loadTestUrl;
    return canary;
  });
}

let workdir: string;
let pluginFile: string;

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-validation-'));
  // Compile the plugin from the sources into one self-contained CommonJS file, as a consumer's
  // plain Node process loads it: no ts-node, no project node_modules next to it.
  pluginFile = path.join(workdir, 'plugin', 'index.js');
  require('esbuild').buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'lib', 'cdk8s-validation.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: pluginFile,
    logLevel: 'silent',
  });
});

afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

/**
 * A cdk8s app in its own folder that synthesizes `objects` as plain ApiObjects in the chart `tutorial`.
 * `version` is the plugin entry's version line, `null` to leave it out.
 */
function writeApp(name: string, objects: Json[], properties: Record<string, unknown> = {}, version: string | null = '0.1.0'): string {
  const dir = path.join(workdir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'objects.json'), JSON.stringify(objects));
  fs.writeFileSync(path.join(dir, 'app.js'), [
    `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
    'const objects = require("./objects.json");',
    'const app = new App();',
    'const chart = new Chart(app, "tutorial");',
    'for (const object of objects) new ApiObject(chart, `${object.kind}-${object.metadata.name}`, object);',
    'app.synth();',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node app.js',
    'validations:',
    `  - package: ${JSON.stringify(pluginFile)}`,
    ...(version === null ? [] : [`    version: ${JSON.stringify(version)}`]),
    '    class: FlaggerDoctorValidation',
    `    properties: ${JSON.stringify(properties)}`,
    '',
  ].join('\n'));
  return dir;
}

function synth(dir: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CDK8S_CLI, 'synth'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', NO_COLOR: '1', ...env },
    timeout: 90_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('FlaggerDoctorValidation in the real cdk8s synth', () => {
  test('fails the synth on a lint error, with the rule, the message and the construct path', () => {
    // GIVEN an app whose load-test webhook names a host that is not a Service of the app
    const objects = appObjects('http://flagger-loadtester.tset/');
    const expected = lint(fromObjects(objects)).filter((finding) => finding.severity === 'error');
    expect(expected).toEqual([expect.objectContaining({ kind: 'Canary', name: 'podinfo-release' })]);
    const dir = writeApp('broken', objects);

    // WHEN synthesized with the plugin configured
    const result = synth(dir);

    // THEN cdk8s-cli exits non-zero and prints the finding against the Canary's construct
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Validation failed/);
    expect(result.output).toContain(`error: ${expected[0].rule}`);
    expect(result.output).toContain(`Canary/test/podinfo-release: ${expected[0].message}`);
    expect(result.output).toContain(`How to fix: ${expected[0].hint}`);
    expect(result.output).toContain('Construct Path: tutorial/Canary-podinfo-release');
    expect(result.output).toContain(`Manifest Path: ${path.join('dist', 'tutorial.k8s.yaml')}`);
    // Errors are listed before warnings.
    expect(result.output.indexOf(`error: ${expected[0].rule}`)).toBeLessThan(result.output.indexOf('warning: '));
    // The construct path came from construct-metadata.json, which the plugin deleted afterwards, failure or not.
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['tutorial.k8s.yaml']);
  });

  test('passes the correct tutorial set, reporting its warnings without failing', () => {
    const objects = appObjects();
    const findings = lint(fromObjects(objects));
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    const warnings = findings.filter((finding) => finding.severity === 'warning');
    const dir = writeApp('correct', objects);

    const result = synth(dir);

    expect(result.status).toBe(0);
    expect(result.output).toMatch(/Validations ended succesfully/);
    for (const warning of warnings) expect(result.output).toContain(`warning: ${warning.rule}`);
    // The warnings still name their construct paths, read from construct-metadata.json before the plugin deleted it.
    expect(result.output).toContain('Construct Path: tutorial/Canary-podinfo-release');
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['tutorial.k8s.yaml']);
  });

  test('keepConstructMetadata: true leaves construct-metadata.json next to the manifests', () => {
    const dir = writeApp('keep', appObjects(), { keepConstructMetadata: true });
    const result = synth(dir);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['construct-metadata.json', 'tutorial.k8s.yaml']);
  });

  // cdk8s-cli checks the version before it loads any plugin, so the plugin cannot explain this itself;
  // docs/validation-plugin.md does, quoting these messages.
  test('without a version cdk8s-cli crashes with the TypeError the docs explain', () => {
    const result = synth(writeApp('no-version', appObjects(), {}, null));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("TypeError: Cannot read properties of undefined (reading 'trim')");
  });

  test('a version range is refused by cdk8s-cli with its own message', () => {
    const result = synth(writeApp('range', appObjects(), {}, '^0.1.0'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Cannot be a range.');
  });

  test('with CDK8S_RECORD_CONSTRUCT_METADATA=false there is no construct-metadata.json, and no construct path', () => {
    const objects = appObjects('http://flagger-loadtester.tset/');
    const dir = writeApp('no-metadata', objects);
    const result = synth(dir, { CDK8S_RECORD_CONSTRUCT_METADATA: 'false' });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Construct Path: N/A');
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['tutorial.k8s.yaml']);
  });

  test('failOn: warning fails the synth on warnings too', () => {
    const objects = appObjects();
    expect(lint(fromObjects(objects)).some((finding) => finding.severity === 'warning')).toBe(true);
    const result = synth(writeApp('strict', objects, { failOn: 'warning' }));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Validation failed/);
  });

  test('a bad property fails with a message naming it', () => {
    const result = synth(writeApp('bad-property', appObjects(), { scrapeInterval: '15 seconds' }));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('FlaggerDoctorValidation: properties.scrapeInterval is "15 seconds"; write a positive Go duration');
  });
});

describe('FlaggerDoctorValidation against cdk8s-cli’s ValidationContext', () => {
  function validateFile(objects: Json[], metadata: Record<string, { path: string }>, props = {}) {
    const file = path.join(workdir, `manifest-${Object.keys(metadata).length}-${objects.length}.yaml`);
    fs.writeFileSync(file, objects.map((object) => JSON.stringify(object)).join('\n---\n'));
    const context = new ValidationContext([file], 'flagger-istio-cdk8s', '0.1.0', metadata, false);
    // The class satisfies cdk8s-cli's own Validation interface.
    const plugin: Validation = new FlaggerDoctorValidation(props);
    return plugin.validate(context).then(() => context.report.toJson());
  }

  test('a finding on a resource whose name others share gets no construct path rather than another resource’s', async () => {
    // GIVEN the reference Canary, named podinfo like its Deployment and HPA, with a broken load-test URL
    const objects = tutorialObjects().map((object) => {
      if (object.kind !== 'Canary') return object;
      const canary = structuredClone(object);
      canary.spec.analysis.webhooks.find((webhook: Json) => webhook.name === 'load-test').url = 'http://flagger-loadtester.tset/';
      return canary;
    });
    const report = await validateFile(objects, { 'podinfo': { path: 'app/podinfo/hpa' }, 'flagger-loadtester': { path: 'app/tester/service' } });
    expect(report.summary.status).toBe('failure');
    const errors = report.violations.filter((violation) => violation.ruleName.startsWith('error: '));
    expect(errors.length).toBeGreaterThan(0);
    for (const violation of errors) {
      expect(violation.violatingConstructs).toEqual([expect.objectContaining({ resourceName: 'Canary/test/podinfo', constructPath: undefined, locations: ['Canary/test/podinfo'] })]);
    }
  });

  test('notes are not violations, and the summary counts every severity', async () => {
    const objects = tutorialObjects();
    const findings = lint(fromObjects(objects));
    const report = await validateFile(objects, {});
    expect(report.summary.status).toBe('success');
    expect(report.violations).toHaveLength(findings.filter((finding) => finding.severity !== 'info').length);
    expect(report.summary.metadata).toEqual({
      errors: '0',
      warnings: String(findings.filter((finding) => finding.severity === 'warning').length),
      notes: String(findings.filter((finding) => finding.severity === 'info').length),
      failOn: 'error',
    });
  });

  test('failOn: never reports errors without failing', async () => {
    const objects = appObjects('http://flagger-loadtester.tset/');
    const report = await validateFile(objects, {}, { failOn: 'never' });
    expect(report.summary.status).toBe('success');
    expect(report.violations.some((violation) => violation.ruleName.startsWith('error: '))).toBe(true);
  });

  test('rules sets the level of a rule; off drops it', async () => {
    const objects = appObjects('http://flagger-loadtester.tset/');
    const errors = async (props: object) => (await validateFile(objects, {}, props)).violations.filter((v) => v.ruleName === 'error: webhook-url-unresolved').length;
    expect(await errors({})).toBeGreaterThan(0);
    expect(await errors({ rules: { 'webhook-url-unresolved': 'off' } })).toBe(0);
    const report = await validateFile(objects, {}, { rules: { 'webhook-url-unresolved': 'warning' } });
    expect(report.summary.status).toBe('success');
    expect(report.violations.some((v) => v.ruleName === 'warning: webhook-url-unresolved')).toBe(true);
  });

  test('assumePresent and completeness decide about objects the app does not synthesize', async () => {
    // GIVEN the app without its loadtester: a Helm release in the real cluster
    const objects = appObjects().filter((object) => object.metadata.name !== 'flagger-loadtester');
    const missing = async (props: object) => (await validateFile(objects, {}, props)).violations.filter((v) => v.ruleName.endsWith('webhook-url-unresolved'));
    // WHEN its namespace is defined by the app, the loadtester is expected there: an error
    expect((await missing({})).map((v) => v.ruleName)).toContain('error: webhook-url-unresolved');
    // THEN declaring it, or a partial app, leaves no violation (notes are not violations)
    expect(await missing({ assumePresent: ['Service/test/flagger-loadtester'] })).toEqual([]);
    expect(await missing({ completeness: 'partial' })).toEqual([]);
  });

  test('an unparsable manifest is one failing violation naming the file and line', async () => {
    const file = path.join(workdir, 'broken.k8s.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    const context = new ValidationContext([file], 'flagger-istio-cdk8s', '0.1.0', {}, false);
    await new FlaggerDoctorValidation().validate(context);
    const report = context.report.toJson();
    expect(report.summary.status).toBe('failure');
    expect(report.violations).toEqual([expect.objectContaining({ ruleName: 'unreadable-manifest', recommendation: expect.stringMatching(/broken\.k8s\.yaml:\d+: invalid YAML/) })]);
  });

  test.each([
    [{ failOn: 'warnings' }, /properties\.failOn is "warnings"; use one of error, warning, never/],
    [{ keepConstructMetadata: 'yes' }, /properties\.keepConstructMetadata is "yes"; use true or false/],
    [{ scrapeInterval: '0s' }, /properties\.scrapeInterval is "0s"/],
    [{ rules: { 'namespace-mising': 'off' } }, /^FlaggerDoctorValidation: properties.rules names the rule "namespace-mising", which does not exist; the rules are /],
    [{ rules: { 'namespace-missing': 'none' } }, 'FlaggerDoctorValidation: properties.rules sets rule namespace-missing to "none"; use one of off, info, warning, error.'],
    [{ assumePresent: ['Gateway/public-gateway'] }, 'FlaggerDoctorValidation: properties.assumePresent[0] is "Gateway/public-gateway"; write KIND/NAMESPACE/NAME'],
    [{ completeness: 'closed' }, 'FlaggerDoctorValidation: properties.completeness is "closed"; use one of auto, complete, partial.'],
    [{ scrape: '15s' }, /unknown property 'scrape' in cdk8s.yaml; the properties are scrapeInterval, failOn, rules, assumePresent, completeness and keepConstructMetadata/],
  ])('rejects properties %j', (props, message) => {
    expect(() => new FlaggerDoctorValidation(props as never)).toThrow(message);
  });

  test('accepts its documented properties', () => {
    expect(() => new FlaggerDoctorValidation({ scrapeInterval: '30s', failOn: FailOn.WARNING, keepConstructMetadata: true })).not.toThrow();
    expect(() => new FlaggerDoctorValidation({
      rules: { 'namespace-missing': 'off', 'metric-window-short': 'error' }, assumePresent: ['Namespace/test', 'Gateway/istio-system/public-gateway'], completeness: 'complete',
    })).not.toThrow();
  });
});

describe('FlaggerDoctorValidation deletes only the construct-metadata.json cdk8s-cli read', () => {
  const metadata = { 'podinfo': { path: 'app/podinfo/deployment' }, 'flagger-loadtester': { path: 'app/tester/service' } };
  const metadataFile = (resources: Record<string, { path: string }>) => JSON.stringify({ version: '1.0.0', resources });

  /** An output folder with manifests under `manifestDirs` and construct-metadata.json at its top, as `written`. */
  function outputFolder(name: string, manifestDirs: string[], written: string): { outdir: string; manifests: string[] } {
    const outdir = path.join(workdir, 'outputs', name);
    const manifests = manifestDirs.map((dir, index) => {
      fs.mkdirSync(path.join(outdir, dir), { recursive: true });
      const file = path.join(outdir, dir, `chart${index}.k8s.yaml`);
      fs.writeFileSync(file, referenceObjects('kustomize-tester.yaml').map((object) => JSON.stringify(object)).join('\n---\n'));
      return file;
    });
    fs.writeFileSync(path.join(outdir, 'construct-metadata.json'), written);
    return { outdir, manifests };
  }

  async function validate(manifests: string[], recorded: Record<string, { path: string }>, props = {}): Promise<void> {
    await new FlaggerDoctorValidation(props).validate(new ValidationContext(manifests, 'flagger-istio-cdk8s', '0.1.0', recorded, false));
  }

  test('deletes it from the output folder, also above per-chart folders', async () => {
    const flat = outputFolder('flat', ['.'], metadataFile(metadata));
    const perChart = outputFolder('per-chart', ['podinfo', 'tester'], metadataFile(metadata));
    const nested = outputFolder('nested', ['only-chart'], metadataFile(metadata));
    for (const { manifests } of [flat, perChart, nested]) await validate(manifests, metadata);
    for (const { outdir } of [flat, perChart, nested]) expect(fs.existsSync(path.join(outdir, 'construct-metadata.json'))).toBe(false);
  });

  test.each([
    ['other resources', metadataFile({ podinfo: { path: 'app/podinfo/deployment' } }), metadata],
    ['other construct paths', metadataFile({ ...metadata, podinfo: { path: 'elsewhere/podinfo' } }), metadata],
    ['not JSON', '{"version":', metadata],
    ['no metadata in the context (CDK8S_RECORD_CONSTRUCT_METADATA=false)', metadataFile({}), {}],
  ])('keeps a file that holds %s', async (name, written, recorded) => {
    const { outdir, manifests } = outputFolder(name.replace(/\W+/g, '-'), ['.'], written);
    await validate(manifests, recorded);
    expect(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf8')).toBe(written);
  });

  test('keepConstructMetadata: true keeps it', async () => {
    const { outdir, manifests } = outputFolder('kept', ['.'], metadataFile(metadata));
    await validate(manifests, metadata, { keepConstructMetadata: true });
    expect(fs.existsSync(path.join(outdir, 'construct-metadata.json'))).toBe(true);
  });
});
