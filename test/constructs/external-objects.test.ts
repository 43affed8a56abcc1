import { App, Chart, Testing } from 'cdk8s';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';

describe('ExternalObjects', () => {
  test('one registry per app, shared by every chart of it', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    ExternalObjects.of(a).add({ kind: 'Namespace', namespace: '', name: 'payments', path: 'a/ns' });
    expect(ExternalObjects.of(b)).toBe(ExternalObjects.of(app));
    expect(ExternalObjects.of(b).list()).toEqual([{ kind: 'Namespace', namespace: '', name: 'payments', path: 'a/ns' }]);
    expect(ExternalObjects.of(new Chart(new App({ outdir: app.outdir }), 'c')).list()).toEqual([]);
  });

  test('finds an object by kind, namespace and name', () => {
    const registry = ExternalObjects.of(Testing.app());
    registry.add({ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['*.example.com'], path: 'x' });
    expect(registry.find('Gateway', 'mesh', 'edge')).toEqual({ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['*.example.com'], path: 'x' });
    expect(registry.find('Gateway', 'mesh', 'other')).toBeUndefined();
    expect(registry.find('Service', 'mesh', 'edge')).toBeUndefined();
  });

  test('referring twice records it once; hosts given later are kept; conflicting hosts are an error', () => {
    const registry = ExternalObjects.of(Testing.app());
    registry.add({ kind: 'Gateway', namespace: 'mesh', name: 'edge', path: 'a' });
    registry.add({ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['b.example.com', 'a.example.com'], path: 'b' });
    registry.add({ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['a.example.com', 'b.example.com'], path: 'c' });
    expect(registry.list()).toEqual([{ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['b.example.com', 'a.example.com'], path: 'b' }]);
    expect(() => registry.add({ kind: 'Gateway', namespace: 'mesh', name: 'edge', hosts: ['c.example.com'], path: 'd' }))
      .toThrow(/d: hosts is \["c.example.com"\]; b refers to the same Gateway mesh\/edge with hosts \["b.example.com","a.example.com"\]/);
  });

  test('the list is a copy', () => {
    const registry = ExternalObjects.of(Testing.app());
    registry.add({ kind: 'Service', namespace: 'flagger', name: 'flagger-loadtester', path: 'x' });
    registry.list().pop();
    expect(registry.list()).toHaveLength(1);
  });
});
