import { ApiObject, App, Chart, DependencyGraph, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FlaggerTutorialChart } from '../../lib';
import { resolveDependencies, topologyOf } from '../../lib/synth/render';

// topologyOf must give cdk8s's DependencyGraph(scope.node).topology() exactly, for the app and for
// each chart: it decides the order of charts (file numbers) and of the objects in each file.

function cdk8sOrder(scope: IConstruct): string[] {
  return new DependencyGraph(scope.node).topology().map((node) => node.node.path);
}

function ours(scope: IConstruct): string[] {
  return topologyOf(scope).map((node) => node.node.path);
}

function expectSameOrder(app: App) {
  resolveDependencies(app);
  expect(ours(app)).toEqual(cdk8sOrder(app));
  for (const chart of app.node.findAll().filter((node) => node instanceof Chart)) expect(ours(chart)).toEqual(cdk8sOrder(chart));
}

function configMap(scope: Construct, id: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() } });
}

test('tutorial charts sharing a Gateway', () => {
  const app = Testing.app();
  const first = new FlaggerTutorialChart(app, 'podinfo-0', { namespace: 'test-0' });
  for (let index = 1; index < 5; index++) new FlaggerTutorialChart(app, `podinfo-${index}`, { namespace: `test-${index}`, host: `h${index}.example.com`, gateway: first.gateway });
  expectSameOrder(app);
});

test('charts whose names are numbers come first, in numeric order, as JavaScript lists such keys', () => {
  const app = Testing.app();
  for (const id of ['b', '10', 'a', '2', '01', '0', '4294967295', '4294967294', '-1']) configMap(new Chart(app, id), 'cm');
  expectSameOrder(app);
  expect(ours(app).filter((path) => !path.includes('/')).slice(0, 5)).toEqual(['0', '2', '10', '4294967294', '']);
});

test('dependencies between objects, charts, nested charts and plain constructs', () => {
  const app = Testing.app();
  const a = new Chart(app, 'a');
  const b = new Chart(app, 'b');
  const c = new Chart(app, 'c');
  const nested = new Chart(b, 'nested');
  const a1 = configMap(a, 'A1');
  const a2 = configMap(a, 'A2');
  const group = new Construct(b, 'group');
  const b1 = configMap(group, 'B1');
  const b2 = configMap(b, 'B2');
  const n1 = configMap(nested, 'N1');
  const c1 = configMap(c, 'C1');
  a1.node.addDependency(a2);
  a2.node.addDependency(b1); // across charts
  group.node.addDependency(b2); // a plain construct on an object
  b2.node.addDependency(c); // an object on a chart
  n1.node.addDependency(c1);
  a.node.addDependency(nested); // a chart on a nested chart
  expectSameOrder(app);
});

test('a construct depended on twice, and a dependency added twice, are placed once', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'chart');
  const shared = configMap(chart, 'shared');
  for (let index = 0; index < 5; index++) {
    const object = configMap(chart, `o${index}`);
    object.node.addDependency(shared);
    object.node.addDependency(shared);
  }
  expectSameOrder(app);
});

test('a cycle throws cdk8s\'s own error', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'chart');
  const one = configMap(chart, 'one');
  const two = configMap(chart, 'two');
  const three = configMap(chart, 'three');
  one.node.addDependency(two);
  two.node.addDependency(three);
  three.node.addDependency(one);
  let expected: unknown;
  try {
    cdk8sOrder(chart);
  } catch (error) {
    expected = error;
  }
  expect(expected).toBeInstanceOf(Error);
  expect(() => topologyOf(chart)).toThrow((expected as Error).message);
});

test('a dependency on a construct of another app is resolved as cdk8s does, by path', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'chart');
  const local = configMap(chart, 'local');
  const other = new Chart(Testing.app(), 'chart');
  const twin = configMap(other, 'twin');
  configMap(chart, 'twin');
  local.node.addDependency(twin);
  expect(ours(chart)).toEqual(cdk8sOrder(chart));
  expect(ours(app)).toEqual(cdk8sOrder(app));
});

test('a chain of dependencies deeper than cdk8s recurses comfortably is left to cdk8s\'s graph, with its result', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'chart');
  const objects = Array.from({ length: 1500 }, (_, index) => configMap(chart, `o${index}`));
  for (let index = 0; index + 1 < objects.length; index++) objects[index].node.addDependency(objects[index + 1]);
  expect(ours(chart)).toEqual(cdk8sOrder(chart));
});
