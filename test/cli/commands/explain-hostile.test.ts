import { runDoctor } from '../../support/cli';

/**
 * Logs are input from anywhere: a canary name, a webhook name, a URL or a message can carry terminal
 * escapes (ESC sequences, an OSC 8 hyperlink, an OSC 0 title, BEL, CR) and newlines, and a name can be
 * shell syntax. explain's text output shows them escaped, and the commands it suggests quote them.
 */
const ESC = '\u001b';
const BEL = '\u0007';
const HOSTILE = {
  // a canary field a log could carry: shell syntax, a title change, a hyperlink
  canary: `po$(id).te;st${ESC}]0;pwned${BEL}`,
  link: `${ESC}]8;;http://evil.example/${BEL}click${ESC}]8;;${BEL}`,
};

function record(msg: string, canary = HOSTILE.canary): string {
  return JSON.stringify({ level: 'info', ts: '2026-11-26T10:00:00.000Z', msg, canary });
}

const INPUT = [
  record('New revision detected! Scaling up po$(id).te;st'),
  record(`Halt po$(id).te;st advancement pre-rollout check smoke${HOSTILE.link} failed Post "http://flagger-loadtester.te;st/${ESC}[2J": dial tcp: lookup x on 10.0.0.1:53: no such host`),
  record('Halt po$(id).te;st advancement success rate 12.00% < 99%\n0 errors'),
  // raw control characters on the line itself, outside any JSON string
  `Halt po$(id).te;st advancement waiting for promotion approval gate${BEL}\r0 errors`,
  `  Warning  Synced  3m  flagger  Halt po$(id).te;st advancement waiting for traffic increase approval g${ESC}[31mred`,
].join('\n');

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('explain with hostile names and messages', () => {
  test('text output: no raw control character, and no line forged by a newline in the input', async () => {
    const { code, stdout } = await runDoctor(['explain'], { stdin: INPUT });
    expect(code).toBe(0);
    expect(stdout).toContain('Problem');
    expect(stdout).not.toMatch(RAW_CONTROL);
    // a newline or a CR from the input never starts a line of its own
    expect(stdout.split('\n').filter((line) => line.trim() === '0 errors')).toEqual([]);
    // the escapes are shown, not dropped: the reader sees that something was there
    expect(stdout).toMatch(/\\x1b|\\x07|\\r|\\n/);
  });

  test('suggested commands quote every name: po$(id) and te;st never run', async () => {
    const { stdout } = await runDoctor(['explain'], { stdin: INPUT });
    const commands = stdout.split('\n').filter((line) => line.trimStart().startsWith('$ ')).map((line) => line.trimStart().slice(2).replace(/ {2}#.*$/, ''));
    expect(commands.length).toBeGreaterThan(5);
    const naming = commands.filter((command) => command.includes('po$(id)') || command.includes('te;st'));
    expect(naming.length).toBeGreaterThan(3);
    for (const command of naming) {
      // every occurrence sits inside single quotes: strip the quoted parts, and none is left
      const unquoted = command.replace(/'[^']*'/g, "''");
      expect([command, unquoted.includes('po$(id)') || unquoted.includes('te;st')]).toEqual([command, false]);
    }
    expect(commands.some((command) => command.startsWith("kubectl -n 'te;st' get canary 'po$(id)' "))).toBe(true);
    expect(commands).toContain("kubectl -n istio-system logs deploy/flagger --since=1h | grep 'po$(id).te;st'");
  });

  test('JSON output keeps the text as it was, escaped the JSON way', async () => {
    const { stdout } = await runDoctor(['explain', '--format', 'json'], { stdin: INPUT });
    const entries = JSON.parse(stdout) as Array<{ canary: string | null; message: string }>;
    expect(entries.length).toBe(4);
    expect(entries[0].canary).toBe(`po$(id).te;st${ESC}]0;pwned${BEL}`);
    expect(stdout).not.toMatch(RAW_CONTROL);
  });
});
