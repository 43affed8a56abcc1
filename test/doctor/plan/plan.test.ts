import { KubeObject, SourcedObject } from '../../../lib/doctor/model/object';
import { planCanaries } from '../../../lib/doctor/plan/plan';
import { requiredRequestsFor } from '../../../lib/doctor/plan/traffic';
import { CanaryPlan } from '../../../lib/doctor/plan/types';
import { parseHeyCommands } from '../../../lib/doctor/programs/hey';
import { parseGoDuration } from '../../../lib/doctor/util/duration';
import { Json, referenceObjects } from '../../support/objects';

const MINUTE = 60_000;

/** The tutorial's Canary from the Flagger v1.44.0 reference manifests. */
function tutorialCanary(): Json {
  const [canary] = referenceObjects('tutorial-canary.yaml').filter((object) => object.kind === 'Canary');
  return canary;
}

/** The tutorial's Canary with `analysis` fields replaced (undefined deletes a field). */
function canaryWith(analysis: Record<string, unknown>, spec: Record<string, unknown> = {}): Json {
  const canary = structuredClone(tutorialCanary());
  for (const [key, value] of Object.entries(analysis)) {
    if (value === undefined) delete canary.spec.analysis[key];
    else canary.spec.analysis[key] = value;
  }
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) delete canary.spec[key];
    else canary.spec[key] = value;
  }
  return canary;
}

function loadTest(cmd: string, extra: Record<string, unknown> = {}): Json {
  return { name: 'load-test', url: 'http://flagger-loadtester.test/', timeout: '5s', metadata: { cmd }, ...extra };
}

function plan(...objects: KubeObject[]): CanaryPlan {
  const sourced: SourcedObject[] = objects.map((object, order) => ({ object, source: { file: 'test.yaml', order } }));
  const plans = planCanaries(sourced);
  expect(plans).toHaveLength(1);
  return plans[0];
}

function checkTicks(result: CanaryPlan): number[] {
  return result.steps.filter((step) => step.checks).map((step) => step.tick);
}

function weightsAfterEachCheck(result: CanaryPlan): number[] {
  return result.steps.filter((step) => step.phase === 'Progressing' && step.tick > 0).map((step) => step.canaryWeight);
}

function messages(result: CanaryPlan, severity: 'warning' | 'info'): string[] {
  return result.messages.filter((message) => message.severity === severity).map((message) => message.message);
}

describe('planCanaries: the tutorial canary', () => {
  const canary = tutorialCanary();
  const analysis = canary.spec.analysis;
  const interval = parseGoDuration(analysis.interval)!;
  const result = plan(canary);

  test('reads the interval, threshold and weights Flagger uses', () => {
    // GIVEN the tutorial canary  WHEN planned  THEN its own values are used
    expect(result).toMatchObject({
      kind: 'Canary', namespace: 'test', name: 'podinfo', strategy: 'canary',
      intervalMs: interval, threshold: analysis.threshold, maxWeight: analysis.maxWeight, stepWeight: analysis.stepWeight,
      progressDeadlineSeconds: canary.spec.progressDeadlineSeconds,
    });
  });

  test('tick 0 detects the revision; tick 1 runs the pre-rollout webhooks without checks and takes the first step', () => {
    expect(result.steps[0]).toMatchObject({ tick: 0, atMs: 0, canaryWeight: 0, checks: false });
    expect(result.steps[1]).toMatchObject({ tick: 1, atMs: interval, canaryWeight: analysis.stepWeight, preRollout: true, checks: false });
  });

  test('each later tick checks and adds stepWeight until maxWeight, one interval apart', () => {
    const expected: number[] = [];
    for (let weight = analysis.stepWeight; weight <= analysis.maxWeight; weight += analysis.stepWeight) expected.push(weight);
    expect(weightsAfterEachCheck(result)).toEqual(expected);
    result.steps.forEach((step, index) => expect(step.atMs).toBe(index * interval));
  });

  test('promotes after maxWeight / stepWeight passing checks (Flagger docs: interval × maxWeight / stepWeight)', () => {
    const checks = analysis.maxWeight / analysis.stepWeight;
    expect(checkTicks(result)).toHaveLength(checks);
    expect(result.promotion!.checks).toBe(checks);
    // The check at maxWeight copies the spec; the next tick routes all traffic to the primary; the next scales down.
    const lastCheck = checkTicks(result).pop()!;
    expect(result.promotion!.promoteMs).toBe(lastCheck * interval);
    expect(result.promotion!.promotedMs).toBe((lastCheck + 1) * interval);
    expect(result.promotion!.finishedMs).toBe((lastCheck + 2) * interval);
    expect(result.steps.map((step) => step.phase).slice(-3)).toEqual(['Promoting', 'Finalising', 'Succeeded']);
    expect(result.steps[result.steps.length - 2].canaryWeight).toBe(0);
  });

  test('every failed check repeats its step, so threshold − 1 failures delay promotion by as many intervals', () => {
    expect(result.promotion!.latestPromotedMs - result.promotion!.promotedMs).toBe((analysis.threshold - 1) * interval);
  });

  test('rolls back threshold intervals after the first check when every check fails (Flagger docs: interval × threshold)', () => {
    const firstCheck = checkTicks(result)[0];
    expect(result.rollback.failingChecksMs).toBe((firstCheck + analysis.threshold) * interval);
    expect(result.rollback.failingChecksMs! - firstCheck * interval).toBe(analysis.threshold * interval);
    // Pre-rollout failures count from tick 1.
    expect(result.rollback.failingPreRolloutMs).toBe((1 + analysis.threshold) * interval);
  });

  test('rolls back at the first tick after progressDeadlineSeconds when the canary pods never become available', () => {
    // progressDeadlineSeconds 60 with a 1m interval: still retriable at tick 1 (60s), rolled back at tick 2.
    expect(result.rollback.progressDeadlineMs).toBe(2 * MINUTE);
  });

  test('reads the load test: hey -z 1m -q 10 -c 2 sends 20 requests per second to the canary for 1m', () => {
    expect(result.loadTests).toEqual([expect.objectContaining({
      webhook: 'load-test', hookType: 'rollout', reaches: 'canary',
      concurrency: 2, ratePerWorker: 10, requestsPerSecond: 20, durationMs: MINUTE, blocking: false,
    })]);
  });

  test('the first check sees no load-test requests: the webhook and the query run in the same tick', () => {
    for (const metric of result.metrics) expect(metric.checks[0].requests).toBe(0);
    expect(messages(result, 'warning').join('\n')).toMatch(/first check, at 2m, sees no load-test requests/);
  });

  test('a full window holds rate × window requests', () => {
    for (const metric of result.metrics) {
      expect(metric.checks[1].requests).toBe(20 * (metric.windowMs / 1000));
    }
    expect(result.metrics.map((metric) => metric.windowMs)).toEqual(analysis.metrics.map((metric: Json) => parseGoDuration(metric.interval)));
  });

  test('a load test exactly one interval long races the next call; the plan shows the skipped call', () => {
    expect(messages(result, 'warning').join('\n')).toMatch(/runs for 1m, a whole number of intervals: .* race/);
    const successRate = result.metrics.find((metric) => metric.name === 'request-success-rate')!;
    expect(successRate.checks.map((check) => check.requests)).toEqual([0, 1200, 0, 1200, 0]);
  });
});

describe('planCanaries: weights', () => {
  test('a stepWeight that does not divide maxWeight overshoots it: Flagger adds the step without capping', () => {
    // GIVEN stepWeight 20, maxWeight 50
    const result = plan(canaryWith({ stepWeight: 20, maxWeight: 50 }));
    // THEN 20, 40, 60 (not 50), and the check at 60 promotes
    expect(weightsAfterEachCheck(result)).toEqual([20, 40, 60]);
    expect(result.steps.find((step) => step.phase === 'Promoting')).toMatchObject({ canaryWeight: 60 });
    expect(result.steps.find((step) => step.canaryWeight === 60)!.description).toMatch(/over maxWeight 50/);
  });

  test('a dividing stepWeight reaches maxWeight exactly', () => {
    const result = plan(canaryWith({ stepWeight: 25, maxWeight: 50 }));
    expect(weightsAfterEachCheck(result)).toEqual([25, 50]);
    expect(result.steps.some((step) => /over maxWeight/.test(step.description))).toBe(false);
  });

  test('the weight is capped at 100 only', () => {
    const result = plan(canaryWith({ stepWeight: 40, maxWeight: 90 }));
    expect(weightsAfterEachCheck(result)).toEqual([40, 80, 100]);
    expect(result.promotion).toBeDefined();
  });

  test('a maxWeight above 100 is never reached, so the canary stalls at 100', () => {
    const result = plan(canaryWith({ stepWeight: 50, maxWeight: 150 }));
    expect(result.promotion).toBeUndefined();
    expect(result.stall).toMatchObject({ canaryWeight: 100 });
  });

  test('stepWeights are taken in order and the last one is maxWeight', () => {
    const stepWeights = [1, 5, 25, 80];
    const result = plan(canaryWith({ stepWeights, stepWeight: undefined, maxWeight: undefined }));
    expect(weightsAfterEachCheck(result)).toEqual(stepWeights);
    expect(result.maxWeight).toBe(80);
    expect(result.promotion!.checks).toBe(stepWeights.length);
  });

  test('stepWeight wins over stepWeights when both are set; maxWeight still comes from stepWeights', () => {
    const result = plan(canaryWith({ stepWeights: [10, 40], stepWeight: 15, maxWeight: 90 }));
    expect(weightsAfterEachCheck(result)).toEqual([15, 30, 45]);
    expect(result.maxWeight).toBe(40);
  });

  test('non-increasing stepWeights stall the canary: the next step is not positive', () => {
    const result = plan(canaryWith({ stepWeights: [10, 30, 20, 50], stepWeight: undefined, maxWeight: undefined }));
    expect(result.promotion).toBeUndefined();
    expect(result.stall).toMatchObject({ canaryWeight: 30 });
    expect(messages(result, 'warning').join('\n')).toMatch(/never promotes.*not strictly increasing/);
  });

  test('increasing stepWeights do not stall', () => {
    const result = plan(canaryWith({ stepWeights: [10, 20, 30, 50], stepWeight: undefined, maxWeight: undefined }));
    expect(result.stall).toBeUndefined();
    expect(result.promotion).toBeDefined();
  });

  test('mirroring adds one mirrored tick before the first weight', () => {
    const plain = plan(canaryWith({}));
    const result = plan(canaryWith({ mirror: true }));
    expect(result.steps[1]).toMatchObject({ mirrored: true, canaryWeight: 0 });
    expect(result.steps[2]).toMatchObject({ mirrored: false, canaryWeight: 10, checks: true });
    expect(result.promotion!.promotedMs - plain.promotion!.promotedMs).toBe(MINUTE);
  });

  test('stepWeightPromotion moves traffic back in steps, one per interval', () => {
    // GIVEN promotion at weight 50 and stepWeightPromotion 20  THEN primary 70, 90, 100: three ticks instead of one
    const plain = plan(canaryWith({}));
    const result = plan(canaryWith({ stepWeightPromotion: 20 }));
    const shift = result.steps.filter((step) => step.tick > result.promotion!.promoteMs / MINUTE && step.phase !== 'Succeeded');
    expect(shift.map((step) => step.canaryWeight)).toEqual([30, 10, 0]);
    expect(result.promotion!.promotedMs - plain.promotion!.promotedMs).toBe(2 * MINUTE);
  });

  test('stepWeightPromotion with no canary traffic at promotion never finishes it', () => {
    // GIVEN stepWeights ending at 0: maxWeight 0, so the promotion comes at weight 0
    const result = plan(canaryWith({ stepWeights: [5, 0], stepWeight: undefined, maxWeight: undefined, stepWeightPromotion: 10 }));
    expect(result.steps[result.steps.length - 1]).toMatchObject({ phase: 'Promoting', canaryWeight: 0 });
    expect(result.promotion).toBeUndefined();
    expect(messages(result, 'warning').join('\n')).toMatch(/shifts nothing and stays Promoting/);
  });
});

describe('planCanaries: iterations', () => {
  const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];

  test('A/B testing runs one check per iteration and promotes after the last', () => {
    // GIVEN iterations 10 with match
    const result = plan(canaryWith({ iterations: 10, match, maxWeight: undefined, stepWeight: undefined }));
    expect(result.strategy).toBe('ab-testing');
    // THEN iterations × interval of checks (Flagger docs), from tick 2
    expect(checkTicks(result)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(result.promotion).toMatchObject({ checks: 10, promoteMs: 11 * MINUTE, promotedMs: 12 * MINUTE, finishedMs: 13 * MINUTE });
    expect(result.rollback.failingChecksMs).toBe((2 + result.threshold) * MINUTE);
  });

  test('blue/green (iterations without match) checks once more, with all traffic on the canary', () => {
    const result = plan(canaryWith({ iterations: 3, maxWeight: undefined, stepWeight: undefined }));
    expect(result.strategy).toBe('blue-green');
    expect(checkTicks(result)).toEqual([2, 3, 4, 5]);
    expect(result.steps.find((step) => step.tick === 4)).toMatchObject({ canaryWeight: 100 });
    expect(result.steps.find((step) => step.tick === 3)).toMatchObject({ canaryWeight: 0 });
  });

  test('without analysis Flagger promotes at the first tick', () => {
    const result = plan(canaryWith({}, { analysis: undefined }));
    expect(result.strategy).toBe('skip-analysis');
    expect(result.promotion).toMatchObject({ checks: 0, promotedMs: MINUTE });
  });
});

describe('planCanaries: Flagger fallbacks', () => {
  test.each([
    ['1m30s', 90_000, undefined],
    ['5s', 10_000, /raises it to 10s/],
    ['1 minute', 60_000, /not a Go duration: Flagger silently uses 60s/],
    ['90', 60_000, /not a Go duration/],
  ])('interval %s is used as %ims', (interval, expectedMs, message) => {
    const result = plan(canaryWith({ interval }));
    expect(result.intervalMs).toBe(expectedMs);
    const text = result.messages.map((m) => m.message).join('\n');
    if (message) expect(text).toMatch(message);
    else expect(text).not.toMatch(/interval .* (not a Go duration|under 10s)/);
  });

  test('a threshold of 0 rolls back after the first failed check', () => {
    const result = plan(canaryWith({ threshold: 0 }));
    expect(result.threshold).toBe(1);
    expect(result.rollback.failingChecksMs).toBe((2 + 1) * MINUTE);
    expect(messages(result, 'warning').join('\n')).toMatch(/threshold is 0/);
  });

  test('progressDeadlineSeconds defaults to 600: rollback at the first tick after 10 minutes', () => {
    const result = plan(canaryWith({}, { progressDeadlineSeconds: undefined }));
    expect(result.progressDeadlineSeconds).toBe(600);
    expect(result.rollback.progressDeadlineMs).toBe(11 * MINUTE);
  });

  test('ignores objects that are not Flagger Canaries', () => {
    const objects = referenceObjects('kustomize-podinfo.yaml');
    expect(planCanaries(objects.map((object, order) => ({ object, source: { order } })))).toEqual([]);
  });
});

describe('planCanaries: load-test requests per metric window', () => {
  const metrics = [
    { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
    { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
  ];
  const acceptance = { name: 'acceptance-test', type: 'pre-rollout', url: 'http://flagger-loadtester.test/', timeout: '30s', metadata: { type: 'bash', cmd: 'curl -sd test http://podinfo-canary.test:9898/token | grep token' } };

  function withLoadTests(...webhooks: Json[]): CanaryPlan {
    return plan(canaryWith({ metrics, webhooks: [acceptance, ...webhooks] }));
  }

  function successRateRequests(result: CanaryPlan): Array<number | null> {
    return result.metrics.find((metric) => metric.name === 'request-success-rate')!.checks.map((check) => check.requests);
  }

  test('a load test longer than the interval is skipped while it runs: 1m55s leaves a 5s gap every 2m', () => {
    const result = withLoadTests(loadTest('hey -z 115s -q 10 -c 2 http://podinfo-canary.test:9898/'));
    // Runs start at 2m and 4m; the call at 3m and 5m is skipped. Windows: [1m,2m] 0, [2m,3m] 60s, [3m,4m] 55s, ...
    expect(successRateRequests(result)).toEqual([0, 60 * 20, 55 * 20, 60 * 20, 55 * 20]);
    expect(messages(result, 'info').join('\n')).toMatch(/restarts every 2m .* no load-test traffic for 5s of every 2m/);
  });

  test('a load test shorter than the interval restarts every tick and leaves the rest of the window empty', () => {
    const result = withLoadTests(loadTest('hey -z 30s -q 5 -c 2 http://podinfo-canary.test:9898/'));
    expect(successRateRequests(result).slice(1)).toEqual([300, 300, 300, 300]);
  });

  test('the same command from a pre-rollout webhook fills the first window', () => {
    const cmd = 'hey -z 115s -q 10 -c 2 http://podinfo-canary.test:9898/';
    const result = withLoadTests(loadTest(cmd, { name: 'warm-up', type: 'pre-rollout' }), loadTest(cmd));
    expect(successRateRequests(result)).toEqual([1200, 1100, 1200, 1100, 1200]);
    expect(messages(result, 'warning').join('\n')).not.toMatch(/first check/);
  });

  test('a load test on the apex service reaches the canary by its weight only', () => {
    const result = withLoadTests(loadTest('hey -z 2m -q 10 -c 10 http://podinfo.test:9898/'));
    const [first, second] = result.metrics[0].checks;
    expect(first.requests).toBe(0);
    // The window before the check at 3m ran at weight 20 (set at 2m): 100 req/s × 60 s × 20%.
    expect(second).toMatchObject({ canaryWeight: 20, requests: 100 * 60 * 0.2 });
    expect(result.loadTests[0].reaches).toBe('apex');
  });

  test('a load test on the primary never reaches the canary', () => {
    const result = withLoadTests(loadTest('hey -z 2m -q 10 -c 2 http://podinfo-primary.test:9898/'));
    expect(new Set(successRateRequests(result))).toEqual(new Set([0]));
    expect(messages(result, 'warning').join('\n')).toMatch(/none of its requests reach the canary/);
  });

  test('too few requests to judge min 99: fewer than 100 per window', () => {
    // 1 req/s × 60 s = 60 < 100: one failure gives 98.33%
    const result = withLoadTests(loadTest('hey -z 90s -q 1 -c 1 http://podinfo-canary.test:9898/'));
    expect(messages(result, 'warning').join('\n')).toMatch(/only \d+ load-test requests\. One failed request among them gives \d+\.\d+%, below min 99%.*at least 100 requests/);
  });

  test('the fewest requests of any window count: 120 and 60 warn about the 60, 240 and 120 do not', () => {
    const result = withLoadTests(loadTest('hey -z 90s -q 2 -c 1 http://podinfo-canary.test:9898/'));
    // A 90 s run restarts every 2m: windows alternate between 60 s and 30 s of 2 req/s.
    expect(Math.min(...successRateRequests(result).slice(1) as number[])).toBe(60);
    expect(messages(result, 'warning').join('\n')).toMatch(/only 60 load-test requests/);
    const enough = withLoadTests(loadTest('hey -z 90s -q 4 -c 1 http://podinfo-canary.test:9898/'));
    expect(messages(enough, 'warning').join('\n')).not.toMatch(/load-test requests\. One failed/);
  });

  test('no load test at all', () => {
    const result = withLoadTests();
    expect(result.loadTests).toEqual([]);
    expect(messages(result, 'warning').join('\n')).toMatch(/No pre-rollout or rollout webhook runs a load test/);
  });

  test('hey without -q: the request count cannot be planned', () => {
    const result = withLoadTests(loadTest('hey -z 2m -c 2 http://podinfo-canary.test:9898/'));
    expect(successRateRequests(result)).toEqual([null, null, null, null, null]);
    expect(messages(result, 'info').join('\n')).toMatch(/no rate limit/);
  });

  test('hey with -n and no -z sends n requests per run', () => {
    // 610 requests at 10 req/s from one worker take 61 s
    const result = withLoadTests(loadTest('hey -n 610 -c 1 -q 10 http://podinfo-canary.test:9898/'));
    expect(result.loadTests[0]).toMatchObject({ totalRequests: 610, runMs: 61_000 });
    // A run of 61 s started at 2m still runs at 3m, so the window at 3m holds 60 s × 10 req/s.
    expect(successRateRequests(result)[1]).toBe(600);
  });

  test('a blocking bash load test that outlasts the webhook timeout fails every call', () => {
    const result = withLoadTests(loadTest('hey -z 30s -q 10 -c 2 http://podinfo-canary.test:9898/', { timeout: '10s', metadata: { type: 'bash', cmd: 'hey -z 30s -q 10 -c 2 http://podinfo-canary.test:9898/' } }));
    expect(result.loadTests[0].blocking).toBe(true);
    expect(messages(result, 'warning').join('\n')).toMatch(/webhook waits for it.*not less than the webhook timeout 10s/);
    // The query waits for the blocking run, so even the first window is full.
    expect(successRateRequests(result)[0]).toBe(600);
  });

  test('a load test behind a host of a delegating root VirtualService reaches the canary by weight', () => {
    const canary = canaryWith({ metrics, webhooks: [loadTest('hey -z 2m -q 10 -c 2 http://app.example.com/')] }, { service: { port: 9898, delegation: true } });
    const root = {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo-root', namespace: 'test' },
      spec: { hosts: ['app.example.com'], gateways: ['istio-system/public-gateway'], http: [{ delegate: { name: 'podinfo', namespace: 'test' } }] },
    };
    expect(plan(canary, root).loadTests[0].reaches).toBe('apex');
    expect(plan(canary).loadTests[0].reaches).toBe('other');
  });

  test('a delegate without namespace is in the root\'s namespace, as Istio reads it (and as lint does)', () => {
    const canary = canaryWith({ metrics, webhooks: [loadTest('hey -z 2m -q 10 -c 2 http://app.example.com/')] }, { service: { port: 9898, delegation: true } });
    const root = (namespace: string, delegateNamespace: string) => ({
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo-root', namespace },
      spec: { hosts: ['app.example.com'], http: [{ delegate: { name: 'podinfo', namespace: delegateNamespace } }] },
    });
    expect(plan(canary, root('test', '')).loadTests[0].reaches).toBe('apex');
    expect(plan(canary, root('other', '')).loadTests[0].reaches).toBe('other');
  });
});

describe('planCanaries: what Flagger reads as unset', () => {
  test('an empty metadata.namespace is the default namespace, as for kubectl (and lint)', () => {
    const canary = structuredClone(tutorialCanary());
    canary.metadata.namespace = '';
    expect(plan(canary).namespace).toBe('default');
  });

  test('a template metric without interval gets no window from Flagger: the plan says so and counts over 1m', () => {
    const metric = { name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } };
    const result = plan(canaryWith({ metrics: [metric] }));
    expect(result.metrics[0].windowMs).toBe(MINUTE);
    expect(messages(result, 'info')).toContain('Metric error-rate references a MetricTemplate and has no interval: Flagger gives template metrics '
      + 'no default window, so a query that uses {{ interval }} gets an empty one. Its request counts in this plan assume 1m.');
    // A built-in metric with an empty interval gets Flagger's 1m, and no note.
    const builtin = plan(canaryWith({ metrics: [{ name: 'request-success-rate', interval: '', thresholdRange: { min: 99 } }] }));
    expect(builtin.metrics[0].windowMs).toBe(MINUTE);
    expect(builtin.messages.map((m) => m.message).join('\n')).not.toContain('MetricTemplate');
  });
});

describe('requiredRequestsFor', () => {
  test.each([99, 99.9, 99.5, 95, 90, 50])('min %d: the fewest requests for which one failure keeps the rate ≥ min', (min) => {
    const required = requiredRequestsFor(min);
    const rateWithOneFailure = (requests: number) => (100 * (requests - 1)) / requests;
    expect(rateWithOneFailure(required)).toBeGreaterThanOrEqual(min - 1e-9);
    expect(rateWithOneFailure(required - 1)).toBeLessThan(min);
  });

  test('min 99 needs 100 requests', () => {
    expect(requiredRequestsFor(99)).toBe(100);
  });
});

describe('parseHeyCommands', () => {
  test("hey's defaults: -c 50, -n 200, no rate limit", () => {
    expect(parseHeyCommands('hey http://podinfo-canary:9898/')).toEqual([{
      command: 'hey http://podinfo-canary:9898/', url: 'http://podinfo-canary:9898/', concurrency: 50, totalRequests: 200,
    }]);
  });

  test('-z ignores -n; Go flag forms -x v, -x=v and --x v', () => {
    expect(parseHeyCommands('hey -z=2m --q 5 -c=4 -n 10 http://x/')[0]).toMatchObject({ durationMs: 120_000, ratePerWorker: 5, concurrency: 4 });
    expect(parseHeyCommands('hey -z=2m --q 5 -c=4 -n 10 http://x/')[0].totalRequests).toBeUndefined();
  });

  test('each worker sends n / c requests, rounded down', () => {
    expect(parseHeyCommands('hey -n 1000 -c 3 http://x/')[0].totalRequests).toBe(999);
  });

  test('finds hey in pipelines and after other commands, with quoted arguments', () => {
    const found = parseHeyCommands(`sleep 1 && /usr/local/bin/hey -z 1m -q 10 -c 2 -H 'X-Test: a b' -m POST "http://podinfo-canary.test:9898/" | tee /tmp/out`);
    expect(found).toEqual([expect.objectContaining({ url: 'http://podinfo-canary.test:9898/', concurrency: 2, durationMs: MINUTE })]);
    expect(parseHeyCommands('curl -sd test http://podinfo-canary:9898/token | grep token')).toEqual([]);
  });

  test.each([
    ['hey -n 1 -c 2 http://x/', /-n 1 is less than -c 2/],
    ['hey -k http://x/', /does not know the flag -k/],
    ['hey -z 1 http://x/', /-z 1 is not a Go duration/],
    ['hey -z 1m -c 0 http://x/', /-c is smaller than 1/],
    ['hey -z 1m', /no URL/],
    ['hey -c', /has no value/],
  ])('%s: hey refuses to start', (cmd, error) => {
    expect(parseHeyCommands(cmd)[0].error).toMatch(error);
  });

  test('a valid command has no error', () => {
    expect(parseHeyCommands('hey -z 1m -q 10 -c 2 -disable-keepalive http://x/')[0].error).toBeUndefined();
  });
});
