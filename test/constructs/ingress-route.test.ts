import { Canary, IngressRoute, IngressRouteProps, IstioGateway, MeshNamespace, Podinfo } from '../../lib';
import { findObject, newChart, Testing } from '../support/objects';

function build(props: Partial<IngressRouteProps> = {}, gatewayMode = false, gatewayHosts?: string[]) {
  const chart = newChart();
  const namespace = new MeshNamespace(chart, 'ns');
  const gateway = new IstioGateway(chart, 'gw', { hosts: gatewayHosts });
  const podinfo = new Podinfo(chart, 'podinfo', { namespace });
  const canary = new Canary(chart, 'canary', {
    target: podinfo.canaryTarget,
    autoscaler: podinfo.canaryAutoscaler,
    ...(gatewayMode ? { gateways: [gateway], hosts: ['app.example.com'] } : {}),
  });
  const route = new IngressRoute(chart, 'route', { canary, gateway, ...props });
  return { route, objects: Testing.synth(chart) };
}

describe('IngressRoute', () => {
  test('a root VirtualService under another name delegates to the one Flagger owns', () => {
    // GIVEN / WHEN
    const { objects } = build();
    // THEN
    const root = findObject(objects, 'VirtualService', 'podinfo-root');
    expect(root).toMatchSnapshot();
    expect(root.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(root.metadata.namespace).toBe('test');
    expect(root.spec.http).toEqual([{ delegate: { name: 'podinfo', namespace: 'test' } }]);
    expect(objects.filter((object) => object.kind === 'VirtualService' && object.metadata.name === 'podinfo')).toEqual([]);
  });

  test('external hosts arrive through the Gateway, in-mesh calls to the apex through the mesh', () => {
    const { objects } = build();
    const root = findObject(objects, 'VirtualService', 'podinfo-root');
    expect(root.spec.gateways).toEqual(['istio-system/public-gateway', 'mesh']);
    expect(root.spec.hosts).toEqual(['app.example.com', 'podinfo.test.svc.cluster.local']);
  });

  test('without the mesh it serves only the external hosts', () => {
    const { objects } = build({ includeMesh: false, hosts: ['shop.example.com'], name: 'shop' });
    const root = findObject(objects, 'VirtualService', 'shop');
    expect(root.spec.gateways).toEqual(['istio-system/public-gateway']);
    expect(root.spec.hosts).toEqual(['shop.example.com']);
  });

  test.each([
    [{ name: 'podinfo' }, /route: name is "podinfo"; Flagger owns the VirtualService "test\/podinfo" and would overwrite it/],
    [{ name: 'Root' }, /route: name is "Root"/],
    [{ hosts: [] }, /route: hosts is \[\]; list at least one host/],
    [{ hosts: ['bad host'] }, /route: hosts\[0\] is "bad host"/],
  ])('rejects %j with the field and the fix', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a host the Gateway does not serve is refused, since Istio would drop the route', () => {
    expect(() => build({ hosts: ['shop.example.org'] }, false, ['*.example.com'])).toThrow(
      /route: hosts\[0\] is "shop.example.org"; test\/gw serves only \*.example.com, so Istio would drop this route/);
  });

  test('a wildcard Gateway host accepts the hosts under it', () => {
    const { objects } = build({ hosts: ['shop.example.com'] }, false, ['*.example.com']);
    expect(findObject(objects, 'VirtualService', 'podinfo-root').spec.hosts[0]).toBe('shop.example.com');
  });

  test('binds to a Gateway another team owns, checking the hosts it is known to serve', () => {
    // GIVEN the mesh team's Gateway, referenced by name
    const chart = newChart();
    const namespace = new MeshNamespace(chart, 'ns');
    const podinfo = new Podinfo(chart, 'podinfo', { namespace });
    const canary = new Canary(chart, 'canary', { target: podinfo.canaryTarget, autoscaler: podinfo.canaryAutoscaler });
    const edge = IstioGateway.fromName(chart, 'edge', { namespace: 'mesh-ingress', name: 'edge', hosts: ['*.example.com'] });
    // WHEN
    new IngressRoute(chart, 'route', { canary, gateway: edge, hosts: ['shop.example.com'] });
    // THEN
    expect(() => new IngressRoute(chart, 'other', { canary, gateway: edge, hosts: ['shop.example.org'], name: 'other' }))
      .toThrow(/test\/other: hosts\[0\] is "shop.example.org"; test\/edge serves only \*.example.com/);
    const unknownHosts = IstioGateway.fromName(chart, 'any', { namespace: 'mesh-ingress', name: 'any' });
    new IngressRoute(chart, 'anywhere', { canary, gateway: unknownHosts, hosts: ['shop.example.org'], name: 'anywhere' });
  });

  test('refuses a Canary that routes through its own gateways', () => {
    expect(() => build({}, true)).toThrow(/route: canary is "test\/canary"; that Canary routes through its own gateways/);
  });
});
