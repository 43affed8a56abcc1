import * as fs from 'fs';
import * as path from 'path';
import { explain } from '../../../lib/doctor/explain/explain';
import { messageJson } from '../../../lib/doctor/explain/json';
import { CanaryReport, ExplainReport, TimelineItem } from '../../../lib/doctor/explain/report';
import { parseLogInput } from '../../../lib/doctor/input/logs';

const FIXTURES = path.join(__dirname, 'fixtures');

function explainFiles(...names: string[]): ExplainReport {
  return explain(names.map((name) => parseLogInput(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name)));
}

function explainLines(...messages: string[]): ExplainReport {
  const text = messages.map((msg, i) => JSON.stringify({ level: 'info', ts: new Date(Date.UTC(2026, 10, 26, 10, i)).toISOString(), msg, canary: 'podinfo.test' })).join('\n');
  return explain([parseLogInput(text)]);
}

function onlyCanary(report: ExplainReport): CanaryReport {
  expect(report.canaries).toHaveLength(1);
  return report.canaries[0];
}

const ids = (items: readonly TimelineItem[]): string[] => items.map((item) => item.message.spec.id);

const NO_VALUES = 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic';
const NOT_READY = 'canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available';

describe('a failed run, from new revision to "Canary failed!"', () => {
  // The tutorial's first problem: request-duration finds no values, five times, and the canary rolls back.
  const report = explainFiles('tutorial-failed-run.jsonl');
  const canary = onlyCanary(report);
  const run = canary.runs[canary.runs.length - 1];

  test('the timeline shows the run in order, with repeated halts folded', () => {
    expect(canary.key).toBe('podinfo.test');
    expect(ids(run.items)).toEqual([
      'new-revision', 'analysis-started', 'pre-rollout-passed', 'weight-advanced',
      'no-values-found', 'weight-advanced', 'no-values-found', 'threshold-reached', 'canary-failed',
    ]);
    expect(run.items.map((item) => item.first.time?.slice(11, 19))).toEqual([
      '10:00:03', '10:01:03', '10:01:03', '10:01:03', '10:02:03', '10:04:03', '10:05:03', '10:08:03', '10:08:03',
    ]);
  });

  test('failed checks are numbered cumulatively across the passing tick in between', () => {
    const halts = run.items.filter((item) => item.failedChecks);
    expect(halts.map((item) => item.failedChecks)).toEqual([[1, 2], [3, 5]]);
    expect(run.failedChecks).toBe(5);
  });

  test('the threshold line points back to the halts that counted towards it', () => {
    const threshold = run.items.find((item) => item.message.spec.id === 'threshold-reached')!;
    expect(threshold.countedHalts).toEqual(run.items.filter((item) => item.failedChecks));
    expect(threshold.countedHalts!.reduce((sum, item) => sum + item.repeat, 0)).toBe(5);
  });

  test('the verdict: rolled back, because 5 checks found no values for request-duration', () => {
    expect(canary.verdict.outcome).toBe('rolled-back');
    expect(canary.verdict.text).toContain('5 failed checks reached the threshold');
    expect(canary.verdict.text).toContain('5× no values found for request-duration');
  });

  test('one distinct problem, with its occurrences, counted towards the rollback', () => {
    expect(canary.problems).toHaveLength(1);
    const [problem] = canary.problems;
    expect(problem).toEqual(expect.objectContaining({ id: 'no-values-found', occurrences: 5, counted: true }));
    expect(problem.first.line).toBe(8);
    expect(problem.last.line).toBe(13);
    expect(problem.example.diagnosis.causes[0].checks.map((c) => c.command)).toContain('kubectl -n test logs deploy/flagger-loadtester --since=1h | grep podinfo');
  });

  test('every line is one of Flagger\'s messages, its start-up lines included: none is skipped', () => {
    expect(report.lines).toBe(15);
    expect(report.messages).toHaveLength(15);
    expect(report.messages.slice(0, 3).map((m) => [m.spec.id, m.canaryKey])).toEqual([
      ['flagger-started', undefined], ['metrics-server-connected', undefined], ['canary-synced', 'podinfo.test'],
    ]);
    expect(report.skipped).toEqual({ empty: 0, malformed: 0, unrecognised: 0, total: 0, structure: 0 });
  });

  test('lines that are not Flagger messages are skipped and counted, and the counts add up to the lines read', () => {
    const log = fs.readFileSync(path.join(FIXTURES, 'tutorial-failed-run.jsonl'), 'utf8');
    const withNoise = explain([parseLogInput(`${log}hello\n\n{"broken":\nnot a message either\n`)]);
    expect(withNoise.skipped).toEqual({ empty: 1, malformed: 1, unrecognised: 2, total: 4, structure: 0 });
    expect(withNoise.recognised + withNoise.duplicates + withNoise.skipped.total + withNoise.skipped.structure).toBe(withNoise.lines);
  });
});

describe('kubectl describe\'s own lines', () => {
  test('are read as structure, not counted as unrecognised', () => {
    // GIVEN a whole kubectl describe canary, every line of it known
    const report = explainFiles('tutorial-failed-run.describe.txt');
    // THEN its fields and table header are structure, and nothing is unrecognised
    expect(report.skipped.unrecognised).toBe(0);
    expect(report.skipped.structure).toBe(report.lines - report.messages.length);
  });
});

describe('the same failed run from events', () => {
  test.each([
    ['kubectl describe canary', 'tutorial-failed-run.describe.txt'],
    ['kubectl get events -A (kubectl events prints the counts)', 'tutorial-failed-run.events-all.txt'],
  ])('%s: same verdict, and the aggregated event counts as 5 failed checks', (_name, file) => {
    const canary = onlyCanary(explainFiles(file));
    const run = canary.runs[canary.runs.length - 1];
    expect(canary.verdict.outcome).toBe('rolled-back');
    expect(run.failedChecks).toBe(5);
    // the merged halt event (x5 over 8m) is placed where the halts began, between the two weight steps
    expect(ids(run.items)).toEqual([
      'new-revision', 'analysis-started', 'pre-rollout-passed', 'weight-advanced', 'no-values-found',
      'weight-advanced', 'threshold-reached', 'canary-failed',
    ]);
  });

  test('unsorted `kubectl get events` rows are ordered by age; the missing count is explained', () => {
    const canary = onlyCanary(explainFiles('tutorial-failed-run.events.txt'));
    const run = canary.runs[canary.runs.length - 1];
    expect(ids(run.items)[0]).toBe('new-revision');
    expect(ids(run.items).slice(-2)).toEqual(['threshold-reached', 'canary-failed']);
    expect(canary.verdict.text).toMatch(/kubectl get events does not print how often/);
  });

  test('describe adds the Canary status to the verdict', () => {
    const canary = onlyCanary(explainFiles('tutorial-failed-run.describe.txt'));
    expect(canary.described).toEqual(expect.objectContaining({ phase: 'Failed', failedChecks: 5 }));
    expect(canary.verdict.text).toContain('Phase Failed');
    // the Initialization event before the revision forms its own, earlier part of the story
    expect(canary.runs.map((r) => [r.number, r.outcome])).toEqual([[0, 'initialized'], [1, 'rolled-back']]);
  });
});

describe('a successful run', () => {
  const canary = onlyCanary(explainFiles('tutorial-promoted-run.jsonl'));

  test('is promoted, with the weights it went through', () => {
    const run = canary.runs[0];
    expect(canary.verdict.outcome).toBe('promoted');
    expect(run.items.filter((i) => i.message.spec.id === 'weight-advanced').map((i) => i.message.context.fields.weight)).toEqual(['10', '20', '30', '40', '50']);
    expect(ids(run.items).slice(-4)).toEqual(['promoting', 'primary-not-ready', 'routing-to-primary', 'promotion-completed']);
    expect(canary.verdict.text).toContain('1 check failed on the way');
  });

  test('a single halt followed by progress is marked as the transient; a primary wait as resolved', () => {
    const noValues = canary.problems.find((p) => p.id === 'no-values-found')!;
    expect(noValues.notes.join(' ')).toMatch(/transient on the first tick/);
    const primary = canary.problems.find((p) => p.id === 'primary-not-ready')!;
    expect(primary.notes.join(' ')).toMatch(/nothing to fix/);
  });
});

describe('the wrong URL in the load-test webhook (the tutorial\'s second problem)', () => {
  const canary = onlyCanary(explainFiles('wrong-webhook-url.jsonl'));

  test('rolled back after 5 failed calls to the load test, and the problem names the URL and the DNS failure', () => {
    expect(canary.verdict.outcome).toBe('rolled-back');
    expect(canary.verdict.text).toContain('5× load-test webhook load-test host not found');
    const [problem] = canary.problems;
    expect(problem.id).toBe('rollout-webhook-failed');
    expect(problem.example.diagnosis.summary).toContain('http://flagger-loadtester.tst/');
    expect(problem.example.diagnosis.causes[0].text).toContain('flagger-loadtester.tst');
  });
});

describe('a wrong URL inside the load test\'s command', () => {
  const report = explainFiles('wrong-cmd-url.flagger.jsonl', 'wrong-cmd-url.loadtester.jsonl');
  const canary = onlyCanary(report);

  test('Flagger and loadtester logs interleave by time in one timeline', () => {
    const run = canary.runs[canary.runs.length - 1];
    expect(ids(run.items).slice(4, 8)).toEqual(['no-values-found', 'load-test-errors', 'no-values-found', 'load-test-errors']);
    // routine "command finished" lines stay out of the timeline
    expect(ids(run.items)).not.toContain('loadtester-command-finished');
  });

  test('the loadtester\'s errors confirm the first cause of "no values found"', () => {
    const noValues = canary.problems.find((p) => p.id === 'no-values-found')!;
    expect(noValues.notes.join(' ')).toMatch(/confirms the first cause/);
    const heyErrors = canary.problems.find((p) => p.id === 'load-test-errors')!;
    expect(heyErrors.example.diagnosis.summary).toContain('http://podinfo-canry.test:9898/');
  });
});

describe('counting failed checks', () => {
  test('a new revision resets the count', () => {
    const canary = onlyCanary(explainLines(
      'New revision detected! Scaling up podinfo.test', NO_VALUES, NO_VALUES, NO_VALUES,
      'New revision detected! Restarting analysis for podinfo.test', NO_VALUES,
    ));
    expect(canary.runs.map((run) => run.failedChecks)).toEqual([3, 1]);
    expect(canary.runs[1].items.find((i) => i.failedChecks)!.failedChecks).toEqual([1, 1]);
    expect(canary.verdict.outcome).toBe('progressing');
    expect(canary.verdict.text).toContain('1 failed check so far');
  });

  test('waiting for approval and readiness do not count', () => {
    const canary = onlyCanary(explainLines(
      'New revision detected! Scaling up podinfo.test',
      'canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available',
      'Halt podinfo.test advancement waiting for promotion approval confirm-promotion',
    ));
    expect(canary.runs[0].failedChecks).toBe(0);
  });

  test('only some of the counted halts in the input: said so', () => {
    const canary = onlyCanary(explainLines(NO_VALUES, NO_VALUES, 'Rolling back podinfo.test failed checks threshold reached 5', 'Canary failed! Scaling down podinfo.test'));
    expect(canary.verdict.text).toContain('Only 2 of them are in the input');
  });

  test('the threshold from the manifests is used in a running verdict', () => {
    const text = JSON.stringify({ msg: NO_VALUES, canary: 'podinfo.test' });
    const report = explain([parseLogInput(`${text}\n${text}`)], {
      crossReference: {
        canary: () => ({ namespace: 'test', target: 'podinfo', threshold: 5 }),
        fields: () => ({}),
        evidence: () => [],
      },
    });
    expect(onlyCanary(report).verdict.text).toContain('2 of 5 failed checks so far');
  });
});

describe('verdicts', () => {
  test.each([
    ['waiting', ['New revision detected! Scaling up podinfo.test', 'Halt podinfo.test advancement waiting for approval confirm-rollout'], /confirm-rollout approval/],
    ['stalled', ['New revision detected! Scaling up podinfo.test', NOT_READY, NOT_READY, NOT_READY], /canary not ready .*3× in a row.*progress deadline/],
    ['progressing', ['New revision detected! Scaling up podinfo.test', NOT_READY], /waiting for the canary pods to become ready.*normal right after a scale-up/],
    ['progressing', ['New revision detected! Scaling up podinfo.test', NOT_READY, NOT_READY], /waiting for the canary pods/],
    ['rolled-back', ['New revision detected! Scaling up podinfo.test', 'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready: deployment "podinfo" exceeded its progress deadline',
      'Canary failed! Scaling down podinfo.test'], /progress deadline/],
    ['rolled-back', ['Rolling back podinfo.test manual webhook invoked', 'Canary failed! Scaling down podinfo.test'], /rollback webhook asked for it/],
    ['rolled-back', [NO_VALUES, 'Rolling back podinfo.test failed checks threshold reached 1', 'Canary failed! Scaling down podinfo.test'], /Rolled back: 1 failed check reached the threshold\./],
    ['promotion-failed', ['Copying podinfo.test template spec to podinfo-primary.test',
      'Promotion of podinfo.test failed, primary not ready: podinfo-primary.test not ready: deployment "podinfo-primary" exceeded its progress deadline'], /primary did not become ready/],
    ['initialized', ['Initialization done! podinfo.test'], /waiting for a new revision/],
    ['progressing', ['New revision detected! Scaling up podinfo.test', 'Advance podinfo.test canary weight 30'], /at canary weight 30%/],
    ['stalled', ['getSelectorLabel failed: deployment podinfo.test spec.selector.matchLabels must contain one of [app name app.kubernetes.io/name]'], /selector lacks the label/],
    ['stalled', ['reconcileVirtualService failed: VirtualService podinfo.test cannot have hosts and gateways when delegation enabled'], /delegation enabled together with hosts/],
  ])('%s', (outcome, messages, text) => {
    const canary = onlyCanary(explainLines(...messages));
    expect(canary.verdict.outcome).toBe(outcome);
    expect(canary.verdict.text).toMatch(text);
  });
});

describe('events the aggregator combined ("combined from similar events")', () => {
  const describeEvents = (...rows: string[]): ExplainReport => explain([parseLogInput([
    'Events:', '  Type     Reason  Age              From     Message', '  ----     ------  ----             ----     -------', ...rows,
  ].join('\n'))]);

  test('a promoted run whose last event was combined is still promoted, and the verdict says messages are missing', () => {
    // GIVEN a successful run whose "Promotion completed!" came after ten other Synced events in ten minutes
    const report = describeEvents(
      '  Normal   Synced  11m              flagger  New revision detected! Scaling up podinfo.test',
      '  Normal   Synced  6m               flagger  Advance podinfo.test canary weight 50',
      '  Normal   Synced  5m               flagger  Copying podinfo.test template spec to podinfo-primary.test',
      '  Normal   Synced  3m               flagger  (combined from similar events): Promotion completed! Scaling down podinfo.test',
    );
    // WHEN explained
    const canary = onlyCanary(report);
    // THEN the message inside the combined event decides the verdict
    expect(canary.verdict.outcome).toBe('promoted');
    expect(canary.verdict.text).toMatch(/combined .* its count spans different messages/);
  });

  test('a failed run ending in a combined event is rolled back; the aggregate\'s count is not read as repeats', () => {
    const report = describeEvents(
      '  Normal   Synced  14m              flagger  New revision detected! Scaling up podinfo.test',
      '  Warning  Synced  12m              flagger  Halt podinfo.test advancement success rate 90.00% < 99%',
      '  Warning  Synced  1m (x3 over 3m)  flagger  (combined from similar events): Canary failed! Scaling down podinfo.test',
    );
    const canary = onlyCanary(report);
    expect(canary.verdict.outcome).toBe('rolled-back');
    expect(canary.verdict.text).toContain('2 of Flagger\'s events are missing from the input');
    const failed = canary.runs[0].items.find((item) => item.message.spec.id === 'canary-failed')!;
    expect(failed.repeat).toBe(1);
  });

  test('without combined events the verdict says nothing about them', () => {
    const canary = onlyCanary(explainFiles('tutorial-failed-run.describe.txt'));
    expect(canary.verdict.text).not.toMatch(/combined/);
  });
});

describe('what happens after a run has ended starts the next one', () => {
  const PROMOTED = ['New revision detected! Scaling up podinfo.test', 'Advance podinfo.test canary weight 50', 'Copying podinfo.test template spec to podinfo-primary.test',
    'Routing all traffic to primary', 'Promotion completed! Scaling down podinfo.test'];
  const FAILED = ['New revision detected! Scaling up podinfo.test', NO_VALUES, 'Rolling back podinfo.test failed checks threshold reached 1', 'Canary failed! Scaling down podinfo.test'];

  test.each([
    ['a new revision waiting at the confirm-rollout gate', PROMOTED, 'Halt podinfo.test advancement waiting for approval confirm-rollout', 'waiting', /confirm-rollout approval.*after run 1 had ended \(promoted\)/],
    ['the target deleted', PROMOTED, 'deployment podinfo.test get query error: deployments.apps "podinfo" not found', 'stalled', /cannot read deployment podinfo\.test.*after run 1 had ended \(promoted\)/],
    ['a suspended canary', FAILED, 'skipping canary run as object is suspended', 'stalled', /suspended.*after run 1 had ended \(rolled back\)/],
    ['a canary that is not ready', FAILED, 'canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available', 'stalled', /after run 1 had ended/],
  ])('%s', (_name, before, after, outcome, text) => {
    // GIVEN a run that ended, then the same message three times
    const canary = onlyCanary(explainLines(...before, after, after, after));
    // THEN the verdict is about the new run, and names the one before it
    expect(canary.runs.map((run) => [run.number, run.afterEnd ?? false])).toEqual([[1, false], [2, true]]);
    expect(canary.verdict.outcome).toBe(outcome);
    expect(canary.verdict.text).toMatch(text);
  });

  test('post-rollout webhooks after the end belong to the run that ended', () => {
    const canary = onlyCanary(explainLines(...PROMOTED, 'Post-rollout check notify passed'));
    expect(canary.runs).toHaveLength(1);
    expect(canary.verdict.outcome).toBe('promoted');
  });
});

describe('the same messages from overlapping inputs count once', () => {
  const FAILED_RUN_DESCRIBE = 'tutorial-failed-run.describe.txt';

  test('the same log twice: each halt once, one threshold line', () => {
    // GIVEN the same Flagger log given twice
    const report = explainFiles('tutorial-failed-run.jsonl', 'tutorial-failed-run.jsonl');
    const canary = onlyCanary(report);
    // THEN every line counts once, and the counts add up to the lines read
    expect(report.duplicates).toBe(15);
    expect(report.messages).toHaveLength(15);
    expect(report.lines).toBe(30);
    expect(report.recognised + report.duplicates + report.skipped.total).toBe(report.lines);
    expect(canary.runs).toHaveLength(1);
    expect(canary.runs[0].items.filter((item) => item.message.spec.id === 'threshold-reached')).toHaveLength(1);
    expect(canary.problems[0].occurrences).toBe(5);
  });

  test('describe and get events of the same canary: one run, not two', () => {
    // GIVEN kubectl describe canary and kubectl get events -A of the same failed run
    const canary = onlyCanary(explainFiles(FAILED_RUN_DESCRIBE, 'tutorial-failed-run.events-all.txt'));
    const alone = onlyCanary(explainFiles(FAILED_RUN_DESCRIBE));
    // THEN the events that both list are one story, the same as describe's alone
    expect(canary.runs.map((run) => [run.number, run.outcome, run.failedChecks])).toEqual(alone.runs.map((run) => [run.number, run.outcome, run.failedChecks]));
    expect(canary.runs[canary.runs.length - 1].failedChecks).toBe(5);
    expect(canary.problems[0].occurrences).toBe(5);
  });

  test('logs and events of the same run: the logs count the halts, the events add nothing twice', () => {
    // GIVEN the Flagger log and kubectl describe canary, as the README suggests
    const canary = onlyCanary(explainFiles('tutorial-failed-run.jsonl', FAILED_RUN_DESCRIBE));
    // THEN the problem is seen as often as the logs say
    expect(canary.problems.map((p) => [p.id, p.occurrences])).toEqual([['no-values-found', 5]]);
  });

  test('an event the logs do not have still becomes a problem', () => {
    const logs = JSON.stringify({ ts: '2026-11-26T10:00:00Z', msg: 'New revision detected! Scaling up podinfo.test', canary: 'podinfo.test' });
    const events = 'LAST SEEN   TYPE      REASON   OBJECT           MESSAGE\n2m          Warning   Synced   canary/podinfo   Halt podinfo.test advancement success rate 92.41% < 99%';
    const canary = onlyCanary(explain([parseLogInput(logs), parseLogInput(events)]));
    expect(canary.problems.map((p) => p.id)).toEqual(['success-rate-below']);
  });

  test('lines without a time are real repeats and are all kept', () => {
    const report = explain([parseLogInput(`${NO_VALUES}\n${NO_VALUES}\n`)]);
    expect(report.duplicates).toBe(0);
    expect(report.messages).toHaveLength(2);
  });
});

describe('events that Kubernetes merged across runs', () => {
  // GIVEN two failed runs, 40 minutes apart: Kubernetes keeps one event per message and counts both runs in it
  const events = explain([parseLogInput([
    'Events:', '  Type     Reason  Age                  From     Message', '  ----     ------  ----                 ----     -------',
    '  Normal   Synced  10m (x2 over 50m)    flagger  New revision detected! Scaling up podinfo.test',
    '  Normal   Synced  9m (x2 over 49m)     flagger  Advance podinfo.test canary weight 10',
    `  Warning  Synced  3m (x10 over 48m)    flagger  ${NO_VALUES}`,
    '  Warning  Synced  2m (x2 over 42m)     flagger  Rolling back podinfo.test failed checks threshold reached 5',
    '  Warning  Synced  2m (x2 over 42m)     flagger  Canary failed! Scaling down podinfo.test',
  ].join('\n'))]);
  const canary = onlyCanary(events);
  const run = canary.runs[0];

  test('the failed checks of the last run stop at the threshold\'s number', () => {
    const halt = run.items.find((item) => item.message.spec.id === 'no-values-found')!;
    expect(run.failedChecks).toBe(5);
    expect(halt.failedChecks).toEqual([1, 5]);
    expect(halt.spansEarlierRuns).toBe(true);
    const threshold = run.items.find((item) => item.message.spec.id === 'threshold-reached')!;
    expect(threshold.countedHalts!.map((item) => item.failedChecks)).toEqual([[1, 5]]);
  });

  test('the verdict says that the events merge two runs', () => {
    expect(run.mergedRuns).toBe(2);
    expect(canary.verdict.text).toContain('5× no values found for request-duration');
    expect(canary.verdict.text).toContain('These events merge 2 runs');
  });

  test('events of a single run are not said to merge runs', () => {
    const single = onlyCanary(explainFiles('tutorial-failed-run.describe.txt'));
    const last = single.runs[single.runs.length - 1];
    expect(last.mergedRuns).toBeUndefined();
    expect(last.items.some((item) => item.spansEarlierRuns)).toBe(false);
    expect(single.verdict.text).not.toContain('merge');
  });
});

describe('the verdict\'s list of halts', () => {
  test('groups measured values by what was measured, with the first and last value', () => {
    const canary = onlyCanary(explainLines(
      'New revision detected! Scaling up podinfo.test',
      'Halt podinfo.test advancement success rate 90.00% < 99%', 'Halt podinfo.test advancement success rate 88.34% < 99%',
      'Halt podinfo.test advancement success rate 82.36% < 99%', NO_VALUES,
    ));
    expect(canary.verdict.text).toContain('3× success rate below 99% (90.00% first, 82.36% last), 1× no values found for request-duration');
    expect(canary.problems.find((p) => p.id === 'success-rate-below')!.headline).toBe('success rate below 99%');
  });
});

describe('a readiness wait', () => {
  test('that lasted minutes is stalled, even when Kubernetes merged it into one event', () => {
    // GIVEN one event: the canary was not ready twice, 5 minutes apart
    const report = explain([parseLogInput([
      'Events:', '  Type     Reason  Age             From     Message', '  ----     ------  ----            ----     -------',
      '  Normal   Synced  8m              flagger  New revision detected! Scaling up podinfo.test',
      `  Warning  Synced  2m (x2 over 7m) flagger  ${NOT_READY}`,
    ].join('\n'))]);
    expect(onlyCanary(report).verdict.outcome).toBe('stalled');
  });

  test('right after a scale-up is not stalled', () => {
    const report = explain([parseLogInput([
      'Events:', '  Type     Reason  Age             From     Message', '  ----     ------  ----            ----     -------',
      '  Normal   Synced  2m              flagger  New revision detected! Scaling up podinfo.test',
      `  Warning  Synced  1m              flagger  ${NOT_READY}`,
    ].join('\n'))]);
    expect(onlyCanary(report).verdict.outcome).toBe('progressing');
  });
});

describe('grouping by canary', () => {
  test('interleaved canaries get separate reports; Flagger-wide messages go to general', () => {
    const text = [
      '{"level":"error","ts":"2026-11-26T09:58:41.300Z","caller":"flagger/main.go:215","msg":"Metrics server http://prometheus:9090 unreachable running query failed: request failed: Get \\"http://prometheus:9090/api/v1/query?query=vector%281%29\\": dial tcp: lookup prometheus on 10.96.0.10:53: no such host"}',
      '{"level":"info","ts":"2026-11-26T10:00:00.000Z","msg":"New revision detected! Scaling up podinfo.test","canary":"podinfo.test"}',
      '{"level":"info","ts":"2026-11-26T10:00:01.000Z","msg":"New revision detected! Scaling up backend.prod","canary":"backend.prod"}',
      '{"level":"info","ts":"2026-11-26T10:01:00.000Z","msg":"Promotion completed! Scaling down backend.prod","canary":"backend.prod"}',
    ].join('\n');
    const report = explain([parseLogInput(text)]);
    expect(report.canaries.map((c) => [c.key, c.verdict.outcome])).toEqual([['podinfo.test', 'progressing'], ['backend.prod', 'promoted']]);
    expect(report.general.map((p) => p.id)).toEqual(['metrics-server-unreachable']);
  });

  test('bare messages find their canary in the message itself, or in the messages around them', () => {
    // GIVEN messages pasted without their canary field (jq .msg): one that names no canary comes first
    const report = explain([parseLogInput([
      'Pre-rollout check acceptance-test passed',
      'Halt podinfo.test advancement success rate 92.41% < 99%',
      'Routing all traffic to primary',
      'Halt backend.prod advancement success rate 12.00% < 99%',
      'Rollback hook rollback not signaling a rollback',
      'Metrics server http://prometheus:9090 unreachable running query failed: request failed: dial tcp: connect: connection refused',
    ].join('\n'))]);
    expect(report.canaries.map((c) => c.key)).toEqual(['podinfo.test', 'backend.prod']);
    // THEN each unnamed message belongs to the canary named last before it (the first one, before any),
    // and Flagger's own start-up messages stay Flagger's
    expect(report.messages.map((m) => m.canaryKey)).toEqual(['podinfo.test', 'podinfo.test', 'podinfo.test', 'backend.prod', 'backend.prod', undefined]);
  });

  test('a message without a canary in a block that never names one is not any canary\'s', () => {
    const report = explain([parseLogInput('Routing all traffic to primary\n')]);
    expect(report.canaries).toEqual([]);
    expect(report.messages.map((m) => m.canaryKey)).toEqual([undefined]);
  });

  test('events listed without -A borrow the namespace other rows give for the same canary', () => {
    const report = explainFiles('tutorial-failed-run.events.txt');
    expect(new Set(report.messages.map((m) => m.canaryKey))).toEqual(new Set(['podinfo.test']));
  });
});

describe('a message repeated many times', () => {
  test('is diagnosed once: every repeat shares the same diagnosis, context and evidence', () => {
    // GIVEN the same halt 50 times, and another halt once
    const report = explainLines(...Array.from({ length: 50 }, () => NO_VALUES), 'Halt podinfo.test advancement success rate 92.41% < 99%');
    const halts = report.messages.filter((m) => m.spec.id === 'no-values-found');
    // THEN the 50 repeats share one diagnosis object, and the other message has its own
    expect(halts).toHaveLength(50);
    for (const halt of halts) {
      expect(halt.diagnosis).toBe(halts[0].diagnosis);
      expect(halt.context).toBe(halts[0].context);
    }
    expect(report.messages[50].diagnosis).not.toBe(halts[0].diagnosis);
  });

  test('a log out of time order is still told in time order', () => {
    const at = (minute: number, msg: string): string => JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString(), msg, canary: 'podinfo.test' });
    const report = explain([parseLogInput([at(2, 'Canary failed! Scaling down podinfo.test'), at(1, 'New revision detected! Scaling up podinfo.test')].join('\n'))]);
    expect(ids(onlyCanary(report).runs[0].items)).toEqual(['new-revision', 'canary-failed']);
  });
});

describe('JSON form of a message', () => {
  test('has the documented fields, with checks as runnable command lines', () => {
    const report = explainFiles('tutorial-failed-run.jsonl');
    const json = messageJson(report.messages.find((m) => m.spec.id === 'no-values-found')!);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['canary', 'time', 'level', 'message', 'id', 'summary', 'causes', 'checks', 'fix']));
    expect(json).toEqual(expect.objectContaining({ canary: 'podinfo.test', time: '2026-11-26T10:02:03.527Z', level: 'info', id: 'no-values-found', kind: 'halt', line: 8 }));
    expect(json.causes).toHaveLength(5);
    expect(json.checks).toContain('kubectl get ns test --show-labels  # istio-injection=enabled (or istio.io/rev=...)');
    expect(new Set(json.checks).size).toBe(json.checks.length);
  });

  test('events give their age as the time', () => {
    const report = explainFiles('tutorial-failed-run.describe.txt');
    expect(messageJson(report.messages[1]).time).toBe('10m ago');
  });
});
