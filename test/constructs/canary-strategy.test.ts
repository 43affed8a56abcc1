import { Duration } from 'cdk8s';
import { CanaryStrategy, CanaryStrategyKind, CookieSameSite, HttpMatch, StringMatch } from '../../lib';
import { Json } from '../support/objects';
import { CanaryParts, synthCanary } from './canary-fixture';

/** The strategy's fields of the analysis: what Flagger reads to pick a strategy. */
function strategyFields(canary: Json): Json {
  const { interval: _interval, threshold: _threshold, metrics: _metrics, webhooks: _webhooks, ...fields } = canary.spec.analysis;
  return fields;
}

describe('CanaryStrategy', () => {
  test('the default is the tutorial\'s progressive canary: up to 50% in steps of 10%', () => {
    const { canary, construct } = synthCanary();
    expect(strategyFields(canary)).toEqual({ maxWeight: 50, stepWeight: 10 });
    expect(construct.strategyKind).toBe(CanaryStrategyKind.PROGRESSIVE);
  });

  test('progressive, with a mirroring step before traffic shifts', () => {
    const { canary } = synthCanary(() => ({ strategy: CanaryStrategy.progressive({ maxWeight: 60, stepWeight: 20, mirror: true, mirrorWeight: 50 }) }));
    expect(strategyFields(canary)).toMatchSnapshot();
    expect(strategyFields(canary)).toEqual({ maxWeight: 60, stepWeight: 20, mirror: true, mirrorWeight: 50 });
  });

  test('explicit weights', () => {
    const { canary } = synthCanary(() => ({ strategy: CanaryStrategy.weights([1, 5, 25, 80]) }));
    expect(strategyFields(canary)).toEqual({ stepWeights: [1, 5, 25, 80] });
  });

  test('A/B testing with a header and a cookie: match always comes with iterations', () => {
    const { canary, construct, objects } = synthCanary(() => ({
      strategy: CanaryStrategy.abTesting({
        iterations: 10,
        match: [HttpMatch.header('x-canary', StringMatch.regex('.*insider.*')), HttpMatch.cookie('canary', 'always')],
      }),
    }));
    expect(objects).toMatchSnapshot();
    expect(construct.strategyKind).toBe(CanaryStrategyKind.AB_TESTING);
    // As Flagger's docs write them
    expect(strategyFields(canary)).toEqual({
      iterations: 10,
      match: [
        { headers: { 'x-canary': { regex: '.*insider.*' } } },
        { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
      ],
    });
  });

  test('A/B testing accepts suffix header matches, query parameters and source labels', () => {
    const { canary } = synthCanary(() => ({
      strategy: CanaryStrategy.abTesting({
        iterations: 2,
        match: [
          HttpMatch.header('user-agent', StringMatch.suffix('Firefox')),
          HttpMatch.queryParam('beta', StringMatch.exact('1')),
          HttpMatch.sourceLabels({ 'app.kubernetes.io/name': 'scheduler' }),
        ],
      }),
    }));
    expect(canary.spec.analysis.match).toEqual([
      { headers: { 'user-agent': { suffix: 'Firefox' } } },
      { queryParams: { beta: { exact: '1' } } },
      { sourceLabels: { 'app.kubernetes.io/name': 'scheduler' } },
    ]);
  });

  test('a cookie name or value with regex characters is escaped', () => {
    const { canary } = synthCanary(() => ({ strategy: CanaryStrategy.abTesting({ iterations: 1, match: [HttpMatch.cookie('beta.user', 'a+b')] }) }));
    expect(canary.spec.analysis.match[0].headers.cookie.regex).toBe('^(.*?;)?(beta\\.user=a\\+b)(;.*)?$');
  });

  test('blue/green: iterations, no weights', () => {
    const { canary, construct } = synthCanary(() => ({ strategy: CanaryStrategy.blueGreen({ iterations: 10 }) }));
    expect(strategyFields(canary)).toEqual({ iterations: 10 });
    expect(construct.strategyKind).toBe(CanaryStrategyKind.BLUE_GREEN);
  });

  test('blue/green with mirroring, in both spellings', () => {
    const mirroring = synthCanary(() => ({ strategy: CanaryStrategy.mirroring({ iterations: 10, mirrorWeight: 100 }) })).canary;
    const blueGreen = synthCanary(() => ({ strategy: CanaryStrategy.blueGreen({ iterations: 10, mirror: true, mirrorWeight: 100 }) })).canary;
    expect(strategyFields(mirroring)).toMatchSnapshot();
    expect(strategyFields(mirroring)).toEqual({ iterations: 10, mirror: true, mirrorWeight: 100 });
    expect(blueGreen).toEqual(mirroring);
  });

  test('session affinity, step-wise promotion, skipAnalysis, revertOnDeletion and suspend are props', () => {
    const { canary } = synthCanary(() => ({
      sessionAffinity: {
        cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie', maxAge: Duration.hours(6),
        domain: 'example.com', path: '/', httpOnly: true, secure: true, partitioned: true, sameSite: CookieSameSite.STRICT,
      },
      stepWeightPromotion: 25,
      skipAnalysis: false,
      revertOnDeletion: true,
      suspend: false,
    }));
    expect(canary.spec).toMatchSnapshot();
    expect(canary.spec).toMatchObject({ skipAnalysis: false, revertOnDeletion: true, suspend: false });
    expect(canary.spec.analysis.stepWeightPromotion).toBe(25);
    expect(canary.spec.analysis.sessionAffinity).toEqual({
      cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie', maxAge: 21600,
      domain: 'example.com', path: '/', httpOnly: true, secure: true, partitioned: true, sameSite: 'Strict',
    });
  });

  test('skipAnalysis lets a Canary go without metrics and webhooks', () => {
    const { canary } = synthCanary(() => ({ skipAnalysis: true, analysis: { metrics: [] }, webhooks: [] }));
    expect(canary.spec.skipAnalysis).toBe(true);
  });

  test.each<[string, (parts: CanaryParts) => Json, RegExp]>([
    ['iterations missing', () => ({ strategy: CanaryStrategy.blueGreen({} as any) }), /canary: strategy.iterations is undefined; give the number of checks before promotion/],
    ['iterations zero', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 0, match: [HttpMatch.cookie('a', 'b')] }) }), /canary: strategy.iterations is 0; use a whole number from 1 to 1000/],
    ['match empty', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [] }) }), /canary: strategy.match is \[\]; list the requests that go to the canary/],
    ['match of a path', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.uriPrefix('/beta')] }) }), /canary: strategy.match\[0\].uri is "\/beta"; A\/B testing matches only headers, queryParams and sourceLabels/],
    ['upper-case header', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.header('X-Canary', StringMatch.exact('1'))] }) }), /canary: strategy.match\[0\].headers\["X-Canary"\] is "X-Canary"; Istio matches header names in lowercase; write "x-canary"/],
    ['a lookahead', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.header('x-a', StringMatch.regex('(?=a)b'))] }) }), /canary: strategy.match\[0\].headers\["x-a"\] is "\(\?=a\)b"; Envoy uses RE2, which has no backreferences or lookaround/],
    ['a cookie value with ;', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.cookie('a', 'b;c')] }) }), /canary: strategy.match\[0\].cookie is "b;c"; use a non-empty cookie value/],
    ['query params with a service match', () => ({ match: [HttpMatch.uriPrefix('/')], strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.queryParam('beta', StringMatch.exact('1'))] }) }), /canary: strategy.match\[0\].queryParams is \["beta"\]; Flagger merges only headers and sourceLabels of A\/B conditions into the Canary's match/],
    ['source labels without the mesh', (parts) => ({ gateways: [parts.gateway], hosts: ['app.example.com'], includeMesh: false, strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.sourceLabels({ app: 'a' })] }) }), /canary: strategy.match\[0\].sourceLabels is \{"app":"a"\}; Istio applies source labels only to in-mesh traffic/],
    ['mirrorWeight without mirror', () => ({ strategy: CanaryStrategy.progressive({ mirrorWeight: 50 }) }), /canary: strategy.mirrorWeight is 50; it applies only with mirror: true/],
    ['mirrorWeight out of range', () => ({ strategy: CanaryStrategy.mirroring({ iterations: 3, mirrorWeight: 0 }) }), /canary: strategy.mirrorWeight is 0; use a whole number from 1 to 100 \(a percentage; Flagger reads 0 as 100\)/],
    ['uneven steps', () => ({ strategy: CanaryStrategy.progressive({ maxWeight: 50, stepWeight: 20 }) }), /canary: strategy.stepWeight is 20; it does not divide maxWeight \(50\), so the last step overshoots to 60%; pick a divisor of 50, or use CanaryStrategy.weights/],
    ['weights not increasing', () => ({ strategy: CanaryStrategy.weights([5, 5]) }), /canary: strategy.stepWeights is \[5,5\]; weights must increase strictly/],
    ['session affinity with A/B testing', () => ({ strategy: CanaryStrategy.abTesting({ iterations: 5, match: [HttpMatch.cookie('a', 'b')] }), sessionAffinity: { cookieName: 'c' } }), /canary: sessionAffinity is "c"; Flagger applies session affinity to weighted routing only, and this strategy is abTesting/],
    ['session affinity with mirroring', () => ({ strategy: CanaryStrategy.progressive({ mirror: true }), sessionAffinity: { cookieName: 'c' } }), /canary: sessionAffinity is "c"; Flagger mirrors from the first route, which session affinity replaces/],
    ['the same cookie twice', () => ({ sessionAffinity: { cookieName: 'c', primaryCookieName: 'c' } }), /canary: sessionAffinity.primaryCookieName is "c"; it must differ from cookieName/],
    ['SameSite=None without Secure', () => ({ sessionAffinity: { cookieName: 'c', sameSite: CookieSameSite.NONE } }), /canary: sessionAffinity.sameSite is "None"; browsers drop SameSite=None cookies without Secure/],
    ['a cookie name with a space', () => ({ sessionAffinity: { cookieName: 'my cookie' } }), /canary: sessionAffinity.cookieName is "my cookie"/],
    ['stepWeightPromotion', () => ({ stepWeightPromotion: 0 }), /canary: stepWeightPromotion is 0; use a whole number from 1 to 100/],
    ['not a strategy', () => ({ strategy: { kind: 'progressive' } as any }), /canary: strategy is "\[object Object\]"; use a CanaryStrategy factory/],
  ])('rejects %s with the construct path, the field and the fix', (_name, props, message) => {
    expect(() => synthCanary(props)).toThrow(message);
  });
});
