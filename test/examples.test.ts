import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { buildApp as abTesting } from '../examples/ab-testing/app';
import { buildApp as blueGreenMirroring } from '../examples/blue-green-mirroring/app';
import { buildApp as platform } from '../examples/platform/app';
import { ExternalObjects } from '../lib/constructs/internal/external-objects';
import { Json } from './support/objects';
import { validateStrictly } from './support/schemas';

const ROOT = path.resolve(__dirname, '..');

const EXAMPLES: Array<[string, (app: App) => void]> = [
  ['ab-testing', abTesting],
  ['blue-green-mirroring', blueGreenMirroring],
  ['platform', platform],
];

function synthesize(build: (app: App) => void): { objects: Json[]; outdir: string; external: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  const objects = fs.readdirSync(outdir).sort().flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map((document) => document.toJS()));
  // What the app refers to by name (IstioGateway.fromName, LoadTester.fromService, ...), as the CLI takes it.
  const external = ExternalObjects.of(app).list().map((o) => (o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`));
  return { objects, outdir, external };
}

describe.each(EXAMPLES)('example %s', (_name, build) => {
  const { objects, outdir, external } = synthesize(build);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object validates strictly against its schema', () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('flagger-doctor lint finds nothing, told the objects the app refers to by name', () => {
    // The synth-time lint reads the app's external objects itself (app.synth() above ran it); the CLI is told them.
    const assumed = external.flatMap((ref) => ['--assume-present', ref]);
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'flagger-doctor.js'), 'lint', '--complete', ...assumed, outdir], { encoding: 'utf8' });
    expect(result.stdout).toMatch(/^0 errors, 0 warnings in \d+ objects/m);
    expect(result.stdout.split('\n').filter((line) => line.trim() !== '')).toHaveLength(1);
    expect(result.status).toBe(0);
  });
});

test('the A/B testing example routes a header and a cookie to the canary', () => {
  const canary = synthesize(abTesting).objects.find((object) => object.kind === 'Canary');
  expect(canary.spec.analysis).toMatchObject({
    iterations: 10,
    match: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
  });
});

test('the blue/green example mirrors for its iterations, without weights', () => {
  const canary = synthesize(blueGreenMirroring).objects.find((object) => object.kind === 'Canary');
  expect(canary.spec.analysis).toMatchObject({ iterations: 10, mirror: true, mirrorWeight: 100 });
  expect(canary.spec.analysis).not.toHaveProperty('stepWeight');
});

test('the platform example refers to other teams\' objects instead of creating them', () => {
  const { objects, external } = synthesize(platform);
  expect(external).toEqual(['Gateway/istio-ingress/edge', 'Service/flagger/flagger-loadtester', 'Namespace/node-agents']);
  const names = objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
  expect(names).not.toContain('Gateway/istio-ingress/edge');
  expect(names).not.toContain('Service/flagger/flagger-loadtester');
  expect(names).not.toContain('Namespace//node-agents');
  expect(names).toEqual(expect.arrayContaining(['Canary/shop/shop', 'Canary/node-agents/node-agent', 'MetricTemplate/istio-system/not-found-percentage', 'AlertProvider/istio-system/on-call', 'Gateway/istio-system/shop-gateway']));
  const agent = objects.find((object) => object.kind === 'Canary' && object.metadata.name === 'node-agent');
  expect(agent.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent' });
});

test('npm run synth:examples writes each example\'s manifests to examples/<name>/dist/', () => {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'examples', 'synth.js'), 'ab-testing'], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.readdirSync(path.join(ROOT, 'examples', 'ab-testing', 'dist'))).toEqual(['ab-testing.k8s.yaml']);
  const unknown = spawnSync(process.execPath, [path.join(ROOT, 'examples', 'synth.js'), 'nope'], { cwd: ROOT, encoding: 'utf8' });
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toBe('synth:examples: no example named nope.\n');
});
