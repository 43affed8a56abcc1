import { parseLogInput, ParsedLog } from '../../../lib/doctor/input/logs';

/** Every line has exactly one fate: part of an entry, or one of the skip counters. */
function expectAccounted(parsed: ParsedLog): void {
  const { empty, malformed, structure } = parsed.skipped;
  const inEntries = parsed.entries.reduce((sum, entry) => sum + (entry.span ?? 1), 0);
  expect(inEntries + empty + malformed + structure).toBe(parsed.lines);
}

const JSON_LINE = '{"level":"info","ts":"2026-06-13T05:21:00.058Z","caller":"controller/scheduler.go:475","msg":"canary abhi.abhi status update error the server could not find the requested resource (put canaries.flagger.app abhi)","canary":"abhi.abhi"}';

describe('kubectl logs | jq .msg: one JSON string per line', () => {
  test('the string is the message, unescaped, with no canary of its own', () => {
    const parsed = parseLogInput('"Halt podinfo.test advancement success rate 92.41% < 99%"\n"Post \\"http://a.test/\\": no such host"\n');
    expect(parsed.entries.map((e) => [e.format, e.message, e.canary])).toEqual([
      ['text', 'Halt podinfo.test advancement success rate 92.41% < 99%', undefined],
      ['text', 'Post "http://a.test/": no such host', undefined],
    ]);
    // both lines are one block: their canary comes from the messages
    expect(new Set(parsed.entries.map((e) => e.block)).size).toBe(1);
  });

  test('a quoted text that is not a JSON string stays a bare message', () => {
    const parsed = parseLogInput('"unterminated\n');
    expect(parsed.entries.map((e) => e.message)).toEqual(['"unterminated']);
  });
});

describe('kubectl describe event rows pasted without the Events: header', () => {
  test.each([
    ['aligned', '  Warning  Synced  3m51s (x812 over 13h)  flagger  reconcileDestinationRule failed: x'],
    ['with their spaces collapsed', 'Warning Synced 3m51s (x812 over 13h) flagger reconcileDestinationRule failed: x'],
  ])('%s: type, age, count and message are read', (_name, line) => {
    const parsed = parseLogInput(line);
    expect(parsed.entries).toEqual([expect.objectContaining({
      format: 'describe', level: 'warning', age: '3m51s (x812 over 13h)', ageMs: 231_000, count: 812, firstAge: '13h', reason: 'Synced', message: 'reconcileDestinationRule failed: x',
    })]);
  });

  test('the header and separator with collapsed spaces still open the Events table of the described canary', () => {
    const parsed = parseLogInput(['Name: podinfo', 'Namespace: test', 'Events:', 'Type Reason Age From Message', '---- ------ ---- ---- -------',
      'Normal Synced 9m flagger New revision detected! Scaling up podinfo.test'].join('\n'));
    expect(parsed.entries.map((e) => [e.canary, e.namespace, e.message])).toEqual([['podinfo', 'test', 'New revision detected! Scaling up podinfo.test']]);
    expectAccounted(parsed);
  });

  test('text that starts with Normal or Warning but has no kubectl age is not a row', () => {
    const parsed = parseLogInput('Warning the pods are slow today and nobody knows why');
    expect(parsed.entries[0].format).toBe('text');
  });
});

describe('JSON records that a paste wrapped over several lines', () => {
  test('the pieces are joined back into one record, which spans their lines', () => {
    // GIVEN a record cut every 120 characters, as a terminal or an issue form does
    const pieces = JSON_LINE.match(/.{1,120}/g)!;
    const parsed = parseLogInput(`${pieces.join('\n')}\n${JSON_LINE}\n`);
    // THEN it is read as the record, twice
    expect(parsed.entries.map((e) => [e.format, e.line, e.span, e.canary, e.time])).toEqual([
      ['json', 1, pieces.length, 'abhi', '2026-06-13T05:21:00.058Z'],
      ['json', pieces.length + 1, undefined, 'abhi', '2026-06-13T05:21:00.058Z'],
    ]);
    expect(parsed.entries[0].message).toBe(parsed.entries[1].message);
    expectAccounted(parsed);
  });

  test('a record cut short at the end of the input is read as far as it goes', () => {
    const parsed = parseLogInput('{"level":"info","msg":"Routing all traffic to primary","canary":"podinfo.te');
    expect(parsed.entries.map((e) => e.message)).toEqual(['Routing all traffic to primary']);
  });

  test('lines that never complete a record are read one by one, as if nothing had waited', () => {
    const parsed = parseLogInput('{"msg": "broken\nHalt podinfo.test advancement success rate 92.41% < 99%\n{"next":"record"}');
    expect(parsed.entries.map((e) => e.message)).toContain('Halt podinfo.test advancement success rate 92.41% < 99%');
    expect(parsed.skipped.malformed).toBe(2);
    expectAccounted(parsed);
  });
});

describe('colour codes on the level field (stern, kubectl plugins)', () => {
  test('are removed before the line is read', () => {
    const parsed = parseLogInput('2026-02-20T15:10:04.331Z\t\u001b[34mINFO\u001b[0m\tcontroller/events.go:33\tNew revision detected! Scaling up podinfo.test\t{"canary": "podinfo.test"}');
    expect(parsed.entries).toEqual([expect.objectContaining({ format: 'console', level: 'info', canary: 'podinfo', namespace: 'test', message: 'New revision detected! Scaling up podinfo.test' })]);
  });

  test('a coloured stern prefix before a JSON record', () => {
    const parsed = parseLogInput(`\u001b[32mflagger-7d9c6b-x2kqp\u001b[0m \u001b[32mflagger\u001b[0m ${JSON_LINE}`);
    expect(parsed.entries[0].format).toBe('json');
  });
});

describe('kubectl get pods, prompts and stack traces pasted with the logs', () => {
  test('a pods table is read as structure, and each pod in trouble becomes a fact', () => {
    const parsed = parseLogInput([
      '$ kubectl -n test get pods',
      'NAME                                           READY   STATUS             RESTARTS       AGE',
      'my-app-deployment-6f9c8d7b54-zq4tx             1/2     CrashLoopBackOff   97 (2m ago)    8h',
      'my-app-deployment-primary-7d5b9c6f48-m2k8w     2/2     Running            0              15h',
    ].join('\n'));
    expect(parsed.entries).toEqual([]);
    expect(parsed.skipped.structure).toBe(4);
    expect(parsed.facts).toEqual([
      { object: 'pod/my-app-deployment-6f9c8d7b54-zq4tx', text: 'CrashLoopBackOff, READY 1/2, 97 restarts', warning: true },
      { object: 'pod/my-app-deployment-primary-7d5b9c6f48-m2k8w', text: 'Running, READY 2/2, 0 restarts', warning: false },
    ]);
  });

  test('events of pods in a kubectl get events table become facts too', () => {
    const parsed = parseLogInput([
      'LAST SEEN   TYPE      REASON   OBJECT                              MESSAGE',
      '12m         Warning   Failed   pod/my-app-deploy-5c7b9d6f8-8kq2z   Error: ErrImagePull',
    ].join('\n'));
    expect(parsed.facts).toEqual([{ object: 'pod/my-app-deploy-5c7b9d6f8-8kq2z', text: 'Failed: Error: ErrImagePull', warning: true }]);
    expect(parsed.entries[0]).toEqual(expect.objectContaining({ object: 'pod/my-app-deploy-5c7b9d6f8-8kq2z', reason: 'Failed' }));
  });

  test('Go stack frames below a fatal line are structure, and a prompt ends the block before it', () => {
    const parsed = parseLogInput([
      '"Advance podinfo.test canary weight 10"',
      '$ kubectl -n istio-system logs deploy/flagger',
      'main.verifyCRDs',
      '\t/home/circleci/build/cmd/flagger/main.go:341',
      'github.com/fluxcd/flagger/pkg/controller.(*Controller).advanceCanary',
      '"Routing all traffic to primary"',
    ].join('\n'));
    expect(parsed.skipped.structure).toBe(4);
    expect(parsed.entries[0].block).not.toBe(parsed.entries[1].block);
  });
});
