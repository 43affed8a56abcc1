import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-25';
import { Construct } from 'constructs';
import { AppSynthesizer, FlaggerTutorialChart, MeshNamespace } from '../../lib';

// The synth-time lint must judge the objects in the order they are written, which cdk8s only
// settles when it turns construct dependencies (addToNamespace) into object dependencies.

function appWithLateNamespace(outdir: string): App {
  const app = new App({ outdir });
  new FlaggerTutorialChart(app, 'podinfo');
  const chart = new Chart(app, 'team');
  // A Deployment created before the namespace it lives in, ordered after it by a dependency.
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { namespace: 'team' },
    containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.0', portNumber: 9898, securityContext: { user: 1000 } }],
  });
  // Something that depends on it, as a Canary does on its target.
  const consumer = new Construct(chart, 'consumer');
  new ApiObject(consumer, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'team' } });
  consumer.node.addDependency(web);
  const namespace = new MeshNamespace(chart, 'namespace', { name: 'team' });
  namespace.addToNamespace(web, consumer);
  return app;
}

describe('synth-time lint after dependencies are resolved', () => {
  let outdir: string;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-lint-order-')); });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test.each([
    ['AppSynthesizer.synth(app)', (app: App) => AppSynthesizer.synth(app)],
    ['app.synth()', (app: App) => app.synth()],
  ])('%s: addToNamespace puts the Namespace first, and the lint agrees', (_name, synth) => {
    const app = appWithLateNamespace(outdir);
    expect(() => synth(app)).not.toThrow();
    const kinds = fs.readFileSync(path.join(outdir, 'team.k8s.yaml'), 'utf8').match(/^kind: \w+$/gm);
    expect(kinds).toEqual(['kind: Namespace', 'kind: Deployment', 'kind: ConfigMap']);
  });

  test('a Namespace really written after its objects is still an error', () => {
    const app = new App({ outdir });
    new FlaggerTutorialChart(app, 'podinfo');
    const chart = new Chart(app, 'team');
    new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'team' } });
    new MeshNamespace(chart, 'namespace', { name: 'team' });
    expect(() => AppSynthesizer.synth(app)).toThrow(/namespace-order: Namespace team comes after 1 object in it/);
  });
});
