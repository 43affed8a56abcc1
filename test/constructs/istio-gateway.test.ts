import { IstioGateway } from '../../lib';
import { newChart, referenceObjects, Testing } from '../support/objects';

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

  test.each([
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
