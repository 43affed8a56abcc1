import * as fs from 'fs';
import * as path from 'path';
import { decodeLogBytes, normaliseTime, parseKubectlAge, parseLogInput, ParsedLog, splitCanaryRef } from '../../../lib/doctor/input/logs';

const FIXTURES = path.join(__dirname, '../explain/fixtures');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** Every line has exactly one fate: part of an entry, or one of the skip counters. */
function expectAccounted(parsed: ParsedLog): void {
  const { empty, malformed, structure } = parsed.skipped;
  const inEntries = parsed.entries.reduce((sum, entry) => sum + (entry.span ?? 1), 0);
  expect(inEntries + empty + malformed + structure).toBe(parsed.lines);
}

describe('Flagger JSON lines (kubectl -n istio-system logs deploy/flagger)', () => {
  test('reads msg, ts, level and splits canary into name and namespace', () => {
    // GIVEN a zap JSON record as Flagger v1.44.0 writes it
    const line = '{"level":"info","ts":"2026-11-26T10:02:03.527Z","caller":"controller/events.go:45","msg":"Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic","canary":"podinfo.test"}';
    // WHEN it is parsed
    const parsed = parseLogInput(line, 'flagger.log');
    // THEN one entry carries every field
    expect(parsed.entries).toEqual([{
      format: 'json', file: 'flagger.log', line: 1, count: 1, time: '2026-11-26T10:02:03.527Z', level: 'info',
      canary: 'podinfo', namespace: 'test', block: 1,
      message: 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic',
    }]);
  });

  test.each([
    ['epoch seconds (zap production default)', 1795687323.527, '2026-11-26T10:02:03.527Z'],
    ['ISO 8601 with an offset', '2026-11-26T11:02:03.527+0100', '2026-11-26T10:02:03.527Z'],
    ['RFC 3339 with nanoseconds', '2026-11-26T10:02:03.527891234Z', '2026-11-26T10:02:03.527Z'],
  ])('ts as %s', (_name, ts, iso) => {
    const parsed = parseLogInput(JSON.stringify({ level: 'info', ts, msg: 'Routing all traffic to primary', canary: 'podinfo.test' }));
    expect(parsed.entries[0].time).toBe(iso);
  });

  test('an unparseable ts leaves the time out instead of failing the line', () => {
    const parsed = parseLogInput('{"level":"info","ts":"yesterday","msg":"Routing all traffic to primary"}');
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.entries[0].time).toBeUndefined();
  });

  test('kubectl logs --timestamps and --prefix prefixes are read past', () => {
    const text = [
      '2026-11-26T10:00:03.512345678Z {"level":"info","msg":"New revision detected! Scaling up podinfo.test","canary":"podinfo.test"}',
      '[pod/flagger-5d4b8f7c9-qx2mz/flagger] {"level":"info","ts":"2026-11-26T10:01:03.498Z","msg":"Starting canary analysis for podinfo.test","canary":"podinfo.test"}',
    ].join('\n');
    const parsed = parseLogInput(text);
    expect(parsed.entries.map((e) => [e.time, e.message])).toEqual([
      ['2026-11-26T10:00:03.512Z', 'New revision detected! Scaling up podinfo.test'],
      ['2026-11-26T10:01:03.498Z', 'Starting canary analysis for podinfo.test'],
    ]);
  });

  test('records abridged by hand, as in the tutorial, still count', () => {
    // GIVEN the tutorial's own quotes of Flagger's log, with "..." for the fields it left out
    const parsed = parseLogInput('{...,"msg":"Rolling back podinfo.test failed checks threshold reached 5","canary":"podinfo.test"}');
    expect(parsed.entries).toEqual([expect.objectContaining({ message: 'Rolling back podinfo.test failed checks threshold reached 5', canary: 'podinfo', namespace: 'test' })]);
  });

  test('escaped characters in msg are unescaped', () => {
    const parsed = parseLogInput('{"msg":"Halt podinfo.test advancement external check load-test failed Post \\"http://x.test/\\": EOF"}');
    expect(parsed.entries[0].message).toBe('Halt podinfo.test advancement external check load-test failed Post "http://x.test/": EOF');
  });

  test('broken JSON records are counted as malformed, not read as messages', () => {
    const parsed = parseLogInput(['{"level":"info","ts":', '{"msg": 42}', '{not json at all', '[1,2,3]'].join('\n'));
    expect(parsed.entries).toEqual([]);
    expect(parsed.skipped.malformed).toBe(4);
    expectAccounted(parsed);
  });
});

describe('zap console encoding and bare messages', () => {
  test('console lines give time, level, message and canary', () => {
    const parsed = parseLogInput(fixture('tutorial-run.console.txt'));
    expect(parsed.entries).toHaveLength(5);
    expect(parsed.entries[0]).toEqual(expect.objectContaining({
      format: 'console', time: '2026-11-26T10:00:03.512Z', level: 'info', canary: 'podinfo', namespace: 'test',
      message: 'New revision detected! Scaling up podinfo.test',
    }));
  });

  test('console lines whose tabs became spaces in a copy and paste still parse', () => {
    const parsed = parseLogInput('2026-11-26T10:00:03.512Z  INFO  controller/events.go:33  Routing all traffic to primary  {"canary": "podinfo.test"}');
    expect(parsed.entries[0]).toEqual(expect.objectContaining({ format: 'console', level: 'info', message: 'Routing all traffic to primary', canary: 'podinfo' }));
  });

  test('a bare message is kept as text, with no canary of its own', () => {
    const parsed = parseLogInput('Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic\r\n');
    expect(parsed.lines).toBe(1);
    expect(parsed.entries).toEqual([expect.objectContaining({ format: 'text', line: 1, count: 1 })]);
    expect(parsed.entries[0].canary).toBeUndefined();
  });
});

describe('kubectl describe canary', () => {
  const parsed = parseLogInput(fixture('tutorial-failed-run.describe.txt'));

  test('event rows take the canary from Name: and Namespace:', () => {
    expect(parsed.entries).toHaveLength(9);
    for (const entry of parsed.entries) expect(entry).toEqual(expect.objectContaining({ format: 'describe', canary: 'podinfo', namespace: 'test' }));
  });

  test('aggregated events keep their count and first age', () => {
    const halt = parsed.entries.find((e) => e.message.startsWith('Halt'))!;
    expect(halt).toEqual(expect.objectContaining({ age: '3m (x5 over 8m)', ageMs: 180_000, count: 5, firstAge: '8m', level: 'warning' }));
  });

  test('status fields are read; the rest of the description is structure, not skipped messages', () => {
    expect(parsed.describedCanaries).toEqual([{ name: 'podinfo', namespace: 'test', phase: 'Failed', failedChecks: 5, canaryWeight: 0 }]);
    expect(parsed.skipped.malformed).toBe(0);
    expectAccounted(parsed);
  });

  test('several described canaries: each event belongs to the object above it', () => {
    const text = [
      'Name:         podinfo', 'Namespace:    test', 'Events:', '  Type    Reason  Age  From     Message', '  ----    ------  ---- ----     -------',
      '  Normal  Synced  5m   flagger  Initialization done! podinfo.test', '',
      'Name:         backend', 'Namespace:    prod', 'Status:', '  Phase:  Succeeded', 'Events:', '  Type    Reason  Age  From     Message', '  ----    ------  ---- ----     -------',
      '  Normal  Synced  2m   flagger  Promotion completed! Scaling down backend.prod',
    ].join('\n');
    const parsed = parseLogInput(text);
    expect(parsed.entries.map((e) => `${e.canary}.${e.namespace}`)).toEqual(['podinfo.test', 'backend.prod']);
    expect(parsed.describedCanaries).toEqual([{ name: 'podinfo', namespace: 'test' }, { name: 'backend', namespace: 'prod', phase: 'Succeeded' }]);
    expectAccounted(parsed);
  });

  test('Events: <none> gives no entries', () => {
    const none = parseLogInput('Name:         podinfo\nNamespace:    test\nEvents:       <none>\n');
    expect(none.entries).toEqual([]);
    expect(none.describedCanaries).toEqual([{ name: 'podinfo', namespace: 'test' }]);
  });

  test('an event the aggregator combined with others loses its prefix; its count is not this message\'s', () => {
    // GIVEN more than 10 distinct Synced events in 10 minutes: client-go prefixes the latest message
    const text = [
      'Events:', '  Type     Reason  Age              From     Message', '  ----     ------  ----             ----     -------',
      '  Warning  Synced  1m (x3 over 3m)  flagger  (combined from similar events): Canary failed! Scaling down podinfo.test',
      '  Warning  Synced  2m               flagger  (events with common reason combined)',
    ].join('\n');
    // WHEN it is parsed
    const parsed = parseLogInput(text);
    // THEN the message is Flagger's own, and the aggregate's x3 is kept apart from the message's count
    expect(parsed.entries[0]).toEqual(expect.objectContaining({ message: 'Canary failed! Scaling down podinfo.test', count: 1, combined: { events: 3, firstAge: '3m' } }));
    expect(parsed.entries[0].firstAge).toBeUndefined();
    // and the older form, without the message, is still marked
    expect(parsed.entries[1]).toEqual(expect.objectContaining({ count: 1, combined: { events: 1 } }));
  });

  test('an ordinary event is not marked as combined', () => {
    const parsed = parseLogInput(['Events:', '  Type     Reason  Age              From     Message', '  ----     ------  ----             ----     -------',
      '  Warning  Synced  1m (x3 over 3m)  flagger  Canary failed! Scaling down podinfo.test'].join('\n'));
    expect(parsed.entries[0]).toEqual(expect.objectContaining({ count: 3, firstAge: '3m' }));
    expect(parsed.entries[0].combined).toBeUndefined();
  });

  test('a message with a Title Case word and a colon is not mistaken for a describe field', () => {
    const text = 'Prometheus query failed: running query failed: request failed: Get "http://prometheus:9090/api/v1/query": EOF';
    expect(parseLogInput(text).entries).toHaveLength(1);
  });
});

describe('kubectl get events', () => {
  test('rows of canary objects carry the canary; other objects have none', () => {
    const parsed = parseLogInput(fixture('tutorial-failed-run.events.txt'));
    const canaryRows = parsed.entries.filter((e) => e.canary === 'podinfo');
    expect(canaryRows).toHaveLength(8);
    // the namespace is not a column without -A: it is read from the messages that name podinfo.<namespace>
    expect(canaryRows.filter((e) => e.namespace === 'test').length).toBeGreaterThanOrEqual(5);
    expect(parsed.entries.filter((e) => e.canary === undefined)).toHaveLength(3);
    expect(parsed.skipped.structure).toBe(1);
    expectAccounted(parsed);
  });

  test('with -A the NAMESPACE column gives the namespace, and `x5 over 8m` the count', () => {
    const parsed = parseLogInput(fixture('tutorial-failed-run.events-all.txt'));
    const halt = parsed.entries.find((e) => e.message.startsWith('Halt'))!;
    expect(halt).toEqual(expect.objectContaining({ canary: 'podinfo', namespace: 'test', count: 5, ageMs: 180_000, level: 'warning' }));
    expect(parsed.entries.find((e) => e.message.includes('istiod'))).toEqual(expect.objectContaining({ namespace: 'istio-system' }));
  });

  test('-o wide, where MESSAGE is not the last column, is read by column position', () => {
    const text = [
      'LAST SEEN   TYPE      REASON   OBJECT           SUBOBJECT   SOURCE    MESSAGE                                                         FIRST SEEN   COUNT   NAME',
      '2m          Warning   Synced   canary/podinfo               flagger   Rolling back podinfo.test failed checks threshold reached 5     2m           1       podinfo.18b2f',
    ].join('\n');
    const parsed = parseLogInput(text);
    expect(parsed.entries).toEqual([expect.objectContaining({ message: 'Rolling back podinfo.test failed checks threshold reached 5', canary: 'podinfo', namespace: 'test', age: '2m' })]);
  });

  test('-o wide: the COUNT and FIRST SEEN columns give the count and first age', () => {
    // GIVEN a halt Kubernetes saw 5 times, first 7 minutes ago
    const text = [
      'LAST SEEN   TYPE      REASON   OBJECT           SUBOBJECT   SOURCE    MESSAGE                                                          FIRST SEEN   COUNT   NAME',
      '2m          Warning   Synced   canary/podinfo               flagger   Halt podinfo.test advancement success rate 92.41% < 99%          7m           5       podinfo.18b2f',
      '1m          Warning   Synced   canary/podinfo               flagger   Rolling back podinfo.test failed checks threshold reached 5      1m           1       podinfo.18b30',
    ].join('\n');
    const parsed = parseLogInput(text);
    // THEN the count is read as describe's `x5 over 7m` would be
    expect(parsed.entries[0]).toEqual(expect.objectContaining({ count: 5, firstAge: '7m', ageMs: 120_000 }));
    expect(parsed.entries[1]).toEqual(expect.objectContaining({ count: 1 }));
    expect(parsed.entries[1].firstAge).toBeUndefined();
  });

  test('rows without a header (--no-headers) are still read', () => {
    const parsed = parseLogInput('test   45s   Warning   Synced   canary/podinfo   Canary failed! Scaling down podinfo.test');
    expect(parsed.entries).toEqual([expect.objectContaining({ format: 'events', canary: 'podinfo', namespace: 'test', ageMs: 45_000 })]);
  });
});

describe('klog lines (client-go\'s controller errors)', () => {
  test('the err="..." of a structured line is the message', () => {
    // GIVEN the controller's "Unhandled Error" line for an invalid canary spec
    const parsed = parseLogInput('E0501 10:00:00.123456       1 controller.go:246] "Unhandled Error" err="error syncing \'test/podinfo\': invalid canary spec: can\'t access metric template latency.istio-system, cross-namespace references are blocked" logger="UnhandledError"');
    // THEN the error is the message, at error level
    expect(parsed.entries).toEqual([expect.objectContaining({
      format: 'klog', level: 'error',
      message: "error syncing 'test/podinfo': invalid canary spec: can't access metric template latency.istio-system, cross-namespace references are blocked",
    })]);
  });

  test('escaped quotes are unescaped; a plain klog line keeps its text', () => {
    const parsed = parseLogInput([
      'W0501 10:00:00.123456       1 reflector.go:561] "Failed to watch" err="failed to list \\"canaries\\": forbidden"',
      'I0501 10:00:01.000001       1 leaderelection.go:258] successfully acquired lease istio-system/flagger',
    ].join('\n'));
    expect(parsed.entries.map((e) => [e.level, e.message])).toEqual([
      ['warning', 'failed to list "canaries": forbidden'],
      ['info', 'successfully acquired lease istio-system/flagger'],
    ]);
  });
});

describe('encodings', () => {
  const LINE = '{"level":"info","ts":"2026-11-26T10:00:03.512Z","msg":"New revision detected! Scaling up podinfo.test","canary":"podinfo.test"}';

  test('a UTF-8 byte order mark does not hide the first line', () => {
    // GIVEN kubectl describe saved by an editor that writes a BOM
    const parsed = parseLogInput('\ufeffName:         podinfo\nNamespace:    test\n');
    expect(parsed.describedCanaries).toEqual([{ name: 'podinfo', namespace: 'test' }]);
    expect(decodeLogBytes(Buffer.from(`\ufeff${LINE}`, 'utf8'))).toBe(LINE);
  });

  test.each([
    ['UTF-16LE (PowerShell\'s >)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${LINE}\r\n`, 'utf16le')])],
    ['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${LINE}\r\n`, 'utf16le').swap16()])],
  ])('%s with its byte order mark is decoded', (_name, bytes) => {
    const parsed = parseLogInput(decodeLogBytes(bytes));
    expect(parsed.entries).toEqual([expect.objectContaining({ message: 'New revision detected! Scaling up podinfo.test', canary: 'podinfo' })]);
  });

  test('UTF-16LE that was already read as UTF-8 (a pipe) is repaired', () => {
    const misread = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${LINE}\r\n${LINE}\r\n`, 'utf16le')]).toString('utf8');
    const parsed = parseLogInput(misread);
    expect(parsed.entries).toHaveLength(2);
    expect(parsed.skipped).toEqual({ empty: 0, malformed: 0, structure: 0 });
  });
});

describe('helpers', () => {
  test.each([
    ['podinfo.test', { name: 'podinfo', namespace: 'test' }],
    ['my.app.prod', { name: 'my.app', namespace: 'prod' }],
    ['podinfo', { name: 'podinfo' }],
    ['podinfo.', { name: 'podinfo.' }],
  ])('splitCanaryRef(%s)', (ref, expected) => {
    expect(splitCanaryRef(ref)).toEqual(expected);
  });

  test.each([
    ['45s', 45_000], ['2m30s', 150_000], ['5h', 18_000_000], ['3d4h', 273_600_000], ['2y10d', (2 * 365 + 10) * 86_400_000],
    ['<unknown>', undefined], ['', undefined], ['3 m', undefined],
  ])('parseKubectlAge(%s)', (age, ms) => {
    expect(parseKubectlAge(age)).toBe(ms);
  });

  test.each([[Infinity], [-1], ['2026-13-45T99:00:00Z'], [1e300], [{}], [null]])('normaliseTime rejects %p', (value) => {
    expect(normaliseTime(value)).toBeUndefined();
  });
});

describe('garbage never crashes the parser', () => {
  test('empty input', () => {
    expect(parseLogInput('')).toEqual({ entries: [], facts: [], lines: 0, skipped: { empty: 0, malformed: 0, structure: 0 }, describedCanaries: [] });
  });

  test('blank lines are counted as empty', () => {
    const parsed = parseLogInput('\n  \n\t\n');
    expect(parsed.skipped.empty).toBe(3);
    expectAccounted(parsed);
  });

  test('random bytes, random fragments of real formats and a huge line: every line accounted for, quickly', () => {
    // GIVEN deterministic pseudo-random garbage: binary noise and shuffled pieces of the real formats
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = [
      '{', '}', '"msg":', '"canary":"podinfo.test"', 'Halt', 'advancement', 'Normal', 'Warning', 'Synced', 'canary/podinfo',
      'LAST SEEN', 'TYPE', 'REASON', 'MESSAGE', '  Type     Reason  Age   From     Message', 'Name:', 'Events:', '(x3 over 5m)',
      '2026-11-26T10:00:03.512Z', '\t', 'info', 'controller/events.go:33', '\u0000', '\u001b[31m', '\ufffd', 'Error distribution:', '[12]',
      'Post "http://', 'no such host', 'x'.repeat(500),
    ];
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) {
        lines.push(Array.from({ length: Math.floor(random() * 80) }, () => String.fromCharCode(Math.floor(random() * 65536))).join('').replace(/[\r\n]/g, ' '));
      } else {
        lines.push(Array.from({ length: Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join(random() < 0.5 ? ' ' : ''));
      }
    }
    lines.push(`{"msg":"${'a '.repeat(500_000)}`);
    lines.push('  Warning  Synced  ' + ' '.repeat(200_000) + 'x');
    // WHEN it is parsed
    const parsed = parseLogInput(lines.join('\n'));
    // THEN nothing throws and each line is accounted for once (within jest's timeout; speed is `npm run bench`'s job)
    expect(parsed.lines).toBe(lines.length);
    expectAccounted(parsed);
    for (const entry of parsed.entries) {
      expect(typeof entry.message).toBe('string');
      // control characters other than tab and newline never reach the output
      // eslint-disable-next-line no-control-regex
      expect(entry.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
  });

  test('binary data read as text', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256));
    const parsed = parseLogInput(bytes.toString('utf8'));
    expectAccounted(parsed);
  });
});
