import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { FlaggerTutorialChart, LINT_CONTEXT_DISABLE } from '../../lib';
import { AppSynthesizer } from '../../lib/synth';

// AppSynthesizer must write what app.synth() writes, byte for byte: each case builds the same app
// twice, synthesizes one with app.synth() and the other with AppSynthesizer, and compares the trees.

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-synth-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir` (relative path to content), and every folder, for byte comparisons. */
function tree(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        entries[`${child}/`] = '';
        walk(child);
      } else {
        entries[child] = fs.readFileSync(path.join(dir, child), 'utf8');
      }
    }
  };
  walk('');
  return entries;
}

function both(build: (app: App) => void, props: AppProps = {}): { upstream: Record<string, string>; ours: Record<string, string> } {
  const upstreamDir = tempDir();
  const upstream = new App({ ...props, outdir: upstreamDir });
  build(upstream);
  upstream.synth();
  const oursDir = tempDir();
  const ours = new App({ ...props, outdir: oursDir });
  build(ours);
  AppSynthesizer.synth(ours);
  return { upstream: tree(upstreamDir), ours: tree(oursDir) };
}

function tutorialCharts(count: number) {
  return (app: App) => {
    const first = new FlaggerTutorialChart(app, 'podinfo-0', { namespace: 'test-0' });
    for (let index = 1; index < count; index++) {
      new FlaggerTutorialChart(app, `podinfo-${index}`, { namespace: `test-${index}`, host: `app-${index}.example.com`, gateway: first.gateway });
    }
  };
}

/** Small charts of plain ApiObjects, with dependencies within and across charts. */
function dependentCharts(app: App) {
  const base = new Chart(app, 'base');
  const namespace = new ApiObject(base, 'shared', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'apps' } });
  const apps = new Chart(app, 'apps');
  const config = new ApiObject(apps, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'apps' } });
  const deployment = new ApiObject(apps, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' } });
  deployment.node.addDependency(config);
  config.node.addDependency(namespace);
  const nested = new Chart(apps, 'nested');
  new ApiObject(nested, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' } });
  new Chart(app, 'empty');
}

class OverridingChart extends Chart {
  public toJson(): any[] {
    return [...super.toJson(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-by-override' } }];
  }
}

describe('AppSynthesizer writes what app.synth() writes, byte for byte', () => {
  test('one tutorial chart', () => {
    const { upstream, ours } = both(tutorialCharts(1));
    expect(Object.keys(ours)).toEqual(['podinfo-0.k8s.yaml']);
    expect(ours).toEqual(upstream);
  });

  test('100 tutorial charts sharing one Gateway', () => {
    const { upstream, ours } = both(tutorialCharts(100));
    expect(Object.keys(ours)).toHaveLength(100);
    expect(ours).toEqual(upstream);
  });

  test('charts that depend on each other get numbered files, in dependency order', () => {
    const { upstream, ours } = both(dependentCharts);
    expect(Object.keys(ours)).toEqual(['0000-apps-nested-c885be8e.k8s.yaml', '0001-base.k8s.yaml', '0002-apps.k8s.yaml', '0003-empty.k8s.yaml']);
    expect(ours).toEqual(upstream);
  });

  test.each([YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE])('yamlOutputType %s', (yamlOutputType) => {
    // One file per resource puts Canary.*.yaml before Namespace.*.yaml, which the synth-time lint
    // rightly refuses (namespace-order); the layout is what is compared here.
    const { upstream, ours } = both((app) => {
      app.node.setContext(LINT_CONTEXT_DISABLE, true);
      dependentCharts(app);
      tutorialCharts(2)(app);
    }, { yamlOutputType });
    if (yamlOutputType === YamlOutputType.FILE_PER_APP) expect(Object.keys(ours)).toEqual(['app.k8s.yaml']);
    else expect(Object.keys(ours).length).toBeGreaterThan(10);
    expect(ours).toEqual(upstream);
  });

  test('another file extension', () => {
    const { upstream, ours } = both(tutorialCharts(2), { outputFileExtension: '.yml' });
    expect(Object.keys(ours)).toEqual(['podinfo-0.yml', 'podinfo-1.yml']);
    expect(ours).toEqual(upstream);
  });

  test('construct-metadata.json, for validation plugins', () => {
    const { upstream, ours } = both((app) => { tutorialCharts(2)(app); dependentCharts(app); }, { recordConstructMetadata: true });
    const paths = Object.values(JSON.parse(ours['construct-metadata.json']).resources).map((resource: any) => resource.path);
    expect(paths).toEqual(expect.arrayContaining(['podinfo-1/canary/Resource', 'apps/deploy']));
    expect(ours).toEqual(upstream);
  });

  test('a chart that overrides toJson() is rendered through it', () => {
    const { upstream, ours } = both((app) => {
      const chart = new OverridingChart(app, 'custom');
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
      tutorialCharts(1)(app);
    }, { recordConstructMetadata: true });
    expect(ours['custom.k8s.yaml']).toContain('added-by-override');
    expect(ours).toEqual(upstream);
  });

  test('an app without charts writes nothing but the folder', () => {
    const { upstream, ours } = both(() => undefined);
    expect(ours).toEqual({});
    expect(ours).toEqual(upstream);
  });
});

describe('YAML', () => {
  test('documents the fast emitter leaves to yaml (block text, undefined, quoting) come out byte for byte', () => {
    const { upstream, ours } = both((app) => {
      app.node.setContext(LINT_CONTEXT_DISABLE, true);
      const chart = new Chart(app, 'chart');
      const shared = { team: 'a' };
      const values: Record<string, unknown> = {
        block: 'line one\nline two\n', kept: 'trailing\n\n', marker: '--- not a document', merge: '<<', control: 'bell\u0007', both: 'a"b\'c',
        numbers: [0, -0, 0.1, 1e21, -7], words: ['yes', 'No', 'on', 'OFF', 'y', '~', 'null', '1_000', '0o17', '.5', '1:30', '2024-01-02'],
        shared: [shared, shared], unset: undefined, empty: { list: [], map: {} },
      };
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'values' }, data: values } as any);
      // enough documents that the fast emitter is used
      for (let index = 0; index < 250; index++) {
        new ApiObject(chart, `plain-${index}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `plain-${index}` }, data: { a: 'b', n: String(index) } } as any);
      }
    });
    expect(ours).toEqual(upstream);
  });

  test('files of the same name: the last one wins, as when written one after the other', () => {
    const { upstream, ours } = both((app) => {
      app.node.setContext(LINT_CONTEXT_DISABLE, true);
      // 70 files: enough that writer threads take part
      for (let index = 0; index < 70; index++) {
        const chart = new Chart(app, `chart-${index}`);
        new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' }, data: { index: String(index) } } as any);
      }
    }, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    expect(ours).toEqual({ 'ConfigMap.same.k8s.yaml': expect.stringContaining('index: "69"') });
    expect(ours).toEqual(upstream);
  });

  test.each([3, 70])('a file that cannot be written fails the synth with its error (%s charts)', (charts) => {
    const app = new App({ outdir: tempDir() });
    tutorialCharts(charts)(app);
    // a folder where one chart's file should go
    fs.mkdirSync(path.join(app.outdir, 'podinfo-1.k8s.yaml'));
    expect(() => AppSynthesizer.synth(app)).toThrow(/EISDIR: illegal operation on a directory, open '.*podinfo-1\.k8s\.yaml'/);
  });
});

describe('failures', () => {
  function failure(synth: (app: App) => void): string {
    const app = new App({ outdir: tempDir() });
    const chart = new Chart(app, 'chart');
    const object = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    object.node.addValidation({ validate: () => ['the first problem', 'the second problem'] });
    new Construct(chart, 'plain').node.addValidation({ validate: () => ['a third problem'] });
    try {
      synth(app);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the synth did not fail');
  }

  test('a validation error fails with the message app.synth() gives', () => {
    const ours = failure((app) => AppSynthesizer.synth(app));
    expect(ours).toBe(failure((app) => app.synth()));
    expect(ours).toBe('Validation failed with the following errors:\n  [chart/cm] the first problem\n  [chart/cm] the second problem\n  [chart/plain] a third problem');
  });

  test('nothing is written when a validation fails', () => {
    const app = new App({ outdir: tempDir() });
    new ApiObject(new Chart(app, 'chart'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } })
      .node.addValidation({ validate: () => ['no'] });
    expect(() => AppSynthesizer.synth(app)).toThrow('[chart/cm] no');
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });
});

describe('cost', () => {
  test('each validation runs once, however many charts (app.synth() runs each N+1 times)', () => {
    const countRuns = (synth: (app: App) => void) => {
      const app = new App({ outdir: tempDir() });
      let runs = 0;
      for (let index = 0; index < 5; index++) {
        new ApiObject(new Chart(app, `chart-${index}`), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${index}` } });
      }
      app.node.addValidation({ validate: () => { runs++; return []; } });
      synth(app);
      return runs;
    };
    expect(countRuns((app) => app.synth())).toBe(6);
    expect(countRuns((app) => AppSynthesizer.synth(app))).toBe(1);
  });
});

describe('synthYaml', () => {
  test('is app.synthYaml()', () => {
    const upstream = new App({ outdir: tempDir() });
    dependentCharts(upstream);
    const ours = new App({ outdir: tempDir() });
    dependentCharts(ours);
    expect(AppSynthesizer.synthYaml(ours)).toBe(upstream.synthYaml());
  });
});
