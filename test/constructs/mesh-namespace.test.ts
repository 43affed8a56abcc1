import { ApiObject } from 'cdk8s';
import { MeshNamespace } from '../../lib';
import { newChart, Testing } from '../support/objects';

describe('MeshNamespace', () => {
  test('defaults to the tutorial namespace with sidecar injection', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const namespace = new MeshNamespace(chart, 'ns');
    // THEN
    const objects = Testing.synth(chart);
    expect(objects).toMatchSnapshot();
    expect(namespace.name).toBe('test');
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', labels: { 'istio-injection': 'enabled' } } }]);
  });

  test('a revisioned control plane gets istio.io/rev instead of istio-injection', () => {
    const chart = newChart();
    new MeshNamespace(chart, 'ns', { name: 'shop', istioRevision: 'canary-1-30', labels: { team: 'a' } });
    const [namespace] = Testing.synth(chart);
    expect(namespace.metadata.labels).toEqual({ 'istio.io/rev': 'canary-1-30', 'team': 'a' });
  });

  test('objects added to it synthesize after it, whatever the creation order', () => {
    // GIVEN a construct created before the namespace
    const chart = newChart();
    const early = new ApiObject(chart, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', namespace: 'test' } });
    const namespace = new MeshNamespace(chart, 'ns');
    // WHEN
    namespace.addToNamespace(early);
    // THEN
    expect(Testing.synth(chart).map((object) => object.kind)).toEqual(['Namespace', 'ConfigMap']);
  });

  test.each([
    ['name', { name: 'Test_NS' }, /ns: name is "Test_NS"; use at most 63 lowercase/],
    ['name', { name: '' }, /ns: name is ""; use/],
    ['istioRevision', { istioRevision: 'Bad Rev' }, /ns: istioRevision is "Bad Rev"/],
    ['labels', { labels: { 'istio-injection': 'disabled' } }, /ns: labels\["istio-injection"\] is "disabled"; leave sidecar injection to MeshNamespace/],
  ])('rejects a bad %s with the field and the fix', (_field, props, message) => {
    expect(() => new MeshNamespace(newChart(), 'ns', props)).toThrow(message);
  });
});
