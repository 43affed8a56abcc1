import { flaggerLog, RAW_CONTROL, Sandbox, SandboxOptions, visible } from './sandbox';

// Names, phases, images, events and Flagger's messages come from the cluster: setup.sh prints every one
// with its control characters made visible, so none can move the cursor, retitle the terminal, hide text
// behind a hyperlink or forge a line.

const sandboxes: Sandbox[] = [];
function sandbox(options?: SandboxOptions): Sandbox {
  const created = new Sandbox(options);
  sandboxes.push(created);
  return created;
}
afterEach(() => {
  while (sandboxes.length > 0) sandboxes.pop()!.cleanup();
});

const CLUSTER = { STUB_KIND_CLUSTERS: 'istio-flagger' };
const ESC = '\u001b';
const BEL = '\u0007';
/** Clears the screen, retitles the window, and shows "click" as a hyperlink to evil.example. */
const TERMINAL_TRICKS = `${ESC}[2J${ESC}]0;owned${BEL}${ESC}]8;;http://evil.example/${BEL}click${ESC}]8;;${BEL}`;
/** A message that rewrites its own line with CR, then forges a line of its own. */
const FORGERY = 'ok\rHalt podinfo.test advancement\nCanary test/podinfo succeeded: the new revision was promoted';

function expectNoRawControl(...outputs: string[]): void {
  for (const output of outputs) expect(output).not.toMatch(RAW_CONTROL);
}

describe('setup.sh output is safe for a terminal', () => {
  test('every control character of a log line is shown as an escape, and nothing else changes', () => {
    // GIVEN a log line (not JSON) about this canary holding every control character a line can hold,
    // C1 ones included, and some UTF-8
    const controls = [...Array(32).keys(), 127, ...Array.from({ length: 32 }, (_, i) => 0x80 + i)]
      .filter((code) => code !== 0 && code !== 10)
      .map((code) => String.fromCharCode(code)).join('');
    const line = `"podinfo.test" ${controls} weiß → ok`;
    const box = sandbox({ synthesized: true });
    const log = box.file('flagger.log', `${line}\n`);

    // WHEN watch prints it (no flagger-doctor, so the line is printed as it is)
    const result = box.run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: 'Progressing|0|0 Succeeded|0|0', STUB_FLAGGER_LOG: log });

    // THEN the line is there with each control character escaped, exactly
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`\n    ${visible(line)}\n`);
    expect(visible(line)).toContain('\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\x0b\\x0c\\r\\x0e');
    expect(visible(line)).toContain('\\x1b\\x1c\\x1d\\x1e\\x1f\\x7f\\u0080\\u0081');
    expect(visible(line)).toContain('\\u009b\\u009c\\u009d\\u009e\\u009f weiß → ok');
    expectNoRawControl(result.stdout, result.stderr);
  });

  test("watch escapes Flagger's messages and flagger-doctor's summaries of them", () => {
    // GIVEN Flagger messages with terminal escapes and a forged line, in JSON log lines
    const box = sandbox({ synthesized: true, doctor: true });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', `Halt podinfo.test advancement ${TERMINAL_TRICKS}`],
      ['podinfo.test', FORGERY],
      ['podinfo.test', `Rolling back podinfo.test failed checks threshold reached 5${ESC}[1A${ESC}[2K`],
    ));

    // WHEN watch follows the rollback
    const result = box.run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: 'Progressing|10|1 Failed|0|5', STUB_FLAGGER_LOG: log });

    // THEN each message and its summary are there, escaped, on lines of their own
    expect(result.status).toBe(1);
    expectNoRawControl(result.stdout, result.stderr);
    expect(result.stdout).toContain(`2024-06-01T10:00:00.000Z Halt podinfo.test advancement ${visible(TERMINAL_TRICKS)}\n`);
    expect(result.stdout).toContain(`-> DOCTOR SUMMARY of "Halt podinfo.test advancement ${visible(TERMINAL_TRICKS)}"\n`);
    expect(result.stdout).toContain('threshold reached 5\\x1b[1A\\x1b[2K');
    // AND the forged line is not a line: the only verdict printed is setup.sh's own
    expect(result.stdout).not.toMatch(/^Canary test\/podinfo succeeded/m);
    expect(result.stdout).toMatch(/^Canary test\/podinfo failed: Flagger rolled back/m);
  });

  test('with the real flagger-doctor, the messages, summaries and diagnosis are escaped', () => {
    const box = sandbox({ synthesized: true, doctor: 'real' });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', `Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtester.test/ ${TERMINAL_TRICKS}`],
      ['podinfo.test', `Rolling back podinfo.test failed checks threshold reached 5`],
      ['podinfo.test', `Canary failed! Scaling down podinfo.test${ESC}[8m`],
    ));

    const result = box.run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: 'Progressing|10|1 Failed|0|5', STUB_FLAGGER_LOG: log });

    // (the doctor may already drop control characters; whatever it prints, setup.sh lets none through)
    expect(result.status).toBe(1);
    expectNoRawControl(result.stdout, result.stderr);
    expect(result.stdout).toMatch(/failed POST http:\/\/flagger-loadtester\.test\/ .*click.*\n\s+-> \S/);
    expect(result.stdout).toMatch(/Why \(flagger-doctor explain\):\n[\s\S]*ROLLED BACK/);
  });

  test("the Canary's phase, weight and failed checks are escaped in watch and status", () => {
    const phases = `Progressing${ESC}]0;x${BEL}|1${ESC}[5m0|${ESC}[2J3 Succeeded|0|0`;

    const watch = sandbox({ synthesized: true }).run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: `Progressing|0|0 ${phases}` });
    expect(watch.status).toBe(0);
    expectNoRawControl(watch.stdout, watch.stderr);
    expect(watch.stdout).toMatch(/phase Progressing\\x1b\]0;x\\x07 +weight 1\\x1b\[5m0% +failed checks \\x1b\[2J3\n/);

    const status = sandbox({ synthesized: true }).run(['status'], {
      ...CLUSTER, STUB_CANARY_PHASES: phases, STUB_PODINFO_IMAGE: `ghcr.io/evil:1${ESC}]0;x${BEL}`, STUB_DOCKER_PORT: '8080',
    });
    expect(status.status).toBe(0);
    expectNoRawControl(status.stdout, status.stderr);
    expect(status.stdout).toContain('phase Progressing\\x1b]0;x\\x07, canary weight 1\\x1b[5m0%');
    expect(status.stdout).toContain('podinfo target image: ghcr.io/evil:1\\x1b]0;x\\x07');
  });

  test("a canary that never initializes shows the cluster's events and Flagger's lines escaped", () => {
    const box = sandbox({ doctor: true });
    const events = box.file('events.txt', `LAST SEEN   TYPE      REASON   OBJECT           MESSAGE\n10s  Warning  Synced  canary/podinfo  ${TERMINAL_TRICKS} ${FORGERY}\n`);
    const log = box.file('flagger.log', flaggerLog(['podinfo.test', `VirtualService podinfo.test ${TERMINAL_TRICKS}`]));

    const result = box.run([], { STUB_CANARY_PHASES: 'Initializing', CANARY_TIMEOUT: '1', STUB_EVENTS: events, STUB_FLAGGER_LOG: log });

    expect(result.status).toBe(1);
    expectNoRawControl(result.stdout, result.stderr);
    expect(result.stdout).toContain(`canary/podinfo  ${visible(TERMINAL_TRICKS)} ok\\rHalt podinfo.test advancement`);
  });

  test('a port mapping that is not a port is ignored', () => {
    const result = sandbox({ synthesized: true }).run(['status'], {
      ...CLUSTER, STUB_CANARY_PHASES: 'Initialized', STUB_DOCKER_PORT: `80${ESC}]0;x${BEL}`,
    });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain("curl -H 'Host: app.example.com' http://localhost:8080/");
    expectNoRawControl(result.stdout, result.stderr);
  });
});
