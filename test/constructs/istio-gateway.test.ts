import { IstioGateway, TlsProtocolVersion } from '../../lib';
import { ExternalObjects } from '../../lib/constructs/internal/external-objects';
import { newChart, referenceObjects, Testing } from '../support/objects';
import { validateStrictly } from '../support/schemas';

describe('IstioGateway', () => {
  test('defaults to the tutorial gateway, served as networking.istio.io/v1beta1', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const gateway = new IstioGateway(chart, 'gw');
    // THEN
    const [object] = Testing.synth(chart);
    expect(object).toMatchSnapshot();
    expect(object.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(gateway.reference).toBe('istio-system/public-gateway');
  });

  test('carries the same spec as the reference tutorial gateway', () => {
    const chart = newChart();
    new IstioGateway(chart, 'gw');
    const [object] = Testing.synth(chart);
    const [reference] = referenceObjects('tutorial-gateway.yaml');
    expect(object.metadata).toEqual(reference.metadata);
    expect(object.spec).toEqual(reference.spec);
  });

  test('name, namespace, selector, hosts and port can be overridden', () => {
    const chart = newChart();
    const gateway = new IstioGateway(chart, 'gw', {
      name: 'shop', namespace: 'ingress', selector: { app: 'edge' }, hosts: ['*.example.com'], port: 8080,
    });
    const [object] = Testing.synth(chart);
    expect(gateway.reference).toBe('ingress/shop');
    expect(object.spec).toEqual({
      selector: { app: 'edge' },
      servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }],
    });
  });

  test('an HTTPS server terminates TLS with the certificate Secret, and HTTP redirects to it', () => {
    // GIVEN / WHEN
    const chart = newChart();
    const gateway = new IstioGateway(chart, 'gw', {
      hosts: ['app.example.com'],
      https: { credentialName: 'app-example-com-tls', minProtocolVersion: TlsProtocolVersion.TLS_V1_3 },
      httpsRedirect: true,
    });
    const objects = Testing.synth(chart);
    // THEN
    expect(objects).toMatchSnapshot();
    expect(objects[0].spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com'], tls: { httpsRedirect: true } },
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['app.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'app-example-com-tls', minProtocolVersion: 'TLSV1_3' },
      },
    ]);
    expect(gateway.hosts).toEqual(['app.example.com']);
    expect(validateStrictly(objects)).toEqual([]);
  });

  test('the HTTPS server may serve other hosts; the Gateway serves both sets', () => {
    const chart = newChart();
    const gateway = new IstioGateway(chart, 'gw', { hosts: ['app.example.com'], https: { credentialName: 'tls', hosts: ['secure.example.com'], port: 8443 } });
    const [object] = Testing.synth(chart);
    expect(object.spec.servers[1]).toMatchObject({ port: { number: 8443 }, hosts: ['secure.example.com'], tls: { minProtocolVersion: 'TLSV1_2' } });
    expect(gateway.hosts).toEqual(['app.example.com', 'secure.example.com']);
  });

  test('a Gateway another team owns is a reference: no object, recorded as external with its hosts', () => {
    const chart = newChart();
    const shared = IstioGateway.fromName(chart, 'mesh-gw', { namespace: 'mesh-ingress', name: 'edge', hosts: ['*.example.com'] });
    expect(shared.reference).toBe('mesh-ingress/edge');
    expect(shared.hosts).toEqual(['*.example.com']);
    expect(Testing.synth(chart)).toEqual([]);
    expect(ExternalObjects.of(chart).list()).toEqual([{ kind: 'Gateway', namespace: 'mesh-ingress', name: 'edge', hosts: ['*.example.com'], path: 'test/mesh-gw' }]);
  });

  test('two references to one Gateway must agree on its hosts', () => {
    const chart = newChart();
    IstioGateway.fromName(chart, 'a', { namespace: 'mesh-ingress', name: 'edge', hosts: ['*.example.com'] });
    IstioGateway.fromName(chart, 'same', { namespace: 'mesh-ingress', name: 'edge' });
    expect(() => IstioGateway.fromName(chart, 'b', { namespace: 'mesh-ingress', name: 'edge', hosts: ['app.example.org'] }))
      .toThrow(/test\/b: hosts is \["app.example.org"\]; test\/a refers to the same Gateway mesh-ingress\/edge with hosts \["\*.example.com"\]/);
  });

  test.each([
    [{ namespace: 'mesh-ingress', name: 'Edge' }, /test\/ref: name is "Edge"/],
    [{ namespace: '', name: 'edge' }, /test\/ref: namespace is ""/],
    [{ namespace: 'mesh-ingress', name: 'edge', hosts: [] }, /test\/ref: hosts is \[\]; list at least one host/],
  ])('a reference rejects %j', (reference, message) => {
    expect(() => IstioGateway.fromName(newChart(), 'ref', reference)).toThrow(message);
  });

  test.each([
    [{ httpsRedirect: true }, /gw: httpsRedirect is true; a redirect to HTTPS needs an HTTPS server/],
    [{ https: { credentialName: 'Bad Secret' } }, /gw: https.credentialName is "Bad Secret"; name the kubernetes.io\/tls Secret/],
    [{ https: { credentialName: 'tls', port: 80 } }, /gw: https.port is 80; the HTTP server already listens there/],
    [{ https: { credentialName: 'tls', minProtocolVersion: 'TLSV1_0' as any } }, /gw: https.minProtocolVersion is "TLSV1_0"; use TlsProtocolVersion.TLS_V1_2 or TLS_V1_3/],
    [{ name: 'Public' }, /gw: name is "Public"/],
    [{ namespace: 'istio system' }, /gw: namespace is "istio system"/],
    [{ selector: {} }, /gw: selector is \{\}; name the labels of the ingress gateway pods/],
    [{ hosts: [] }, /gw: hosts is \[\]; list at least one host/],
    [{ hosts: ['http://app.example.com'] }, /gw: hosts\[0\] is "http:\/\/app.example.com"; use a lowercase DNS name/],
    [{ port: 0 }, /gw: port is 0; use a whole number from 1 to 65535/],
    [{ port: 70000 }, /gw: port is 70000/],
  ])('rejects %j with the field and the fix', (props, message) => {
    expect(() => new IstioGateway(newChart(), 'gw', props)).toThrow(message);
  });
});
