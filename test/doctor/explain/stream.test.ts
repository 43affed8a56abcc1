import { explain, explainStream } from '../../../lib/doctor/explain/explain';
import { messageJson } from '../../../lib/doctor/explain/json';
import { EARLIER_RUNS, ExplainedMessage, TIMELINE_ENDS } from '../../../lib/doctor/explain/report';
import { STREAMING } from '../../../lib/doctor/explain/session';
import { parseLogInput } from '../../../lib/doctor/input/logs';
import { formatReport } from '../../../lib/cli/format/explain';

/**
 * A day of Flagger's log for `canaries` canaries, in time order: each canary goes through runs that
 * advance, halt on missing values and roll back; one is stuck at its pre-rollout check.
 */
function longLog(lines: number, canaries: number): string {
  const out: string[] = [];
  const steps = [
    (c: string) => `New revision detected! Scaling up ${c}`,
    (c: string) => `Starting canary analysis for ${c}`,
    (c: string) => `Advance ${c} canary weight 10`,
    (c: string) => `Halt advancement no values found for istio metric request-duration probably ${c} is not receiving traffic`,
    (c: string) => `Halt ${c} advancement success rate 91.${c.length}0% < 99%`,
    (c: string) => `Advance ${c} canary weight 20`,
    (c: string) => `Rolling back ${c} failed checks threshold reached 2`,
    (c: string) => `Canary failed! Scaling down ${c}`,
  ];
  for (let index = 0; index < lines; index++) {
    const canary = `app-${index % canaries}.team-${index % 3}`;
    const step = Math.floor(index / canaries) % (steps.length + 3);
    let msg = step < steps.length ? steps[step](canary) : `Halt advancement no values found for istio metric request-duration probably ${canary} is not receiving traffic`;
    // One canary never gets past its pre-rollout check: one run with a timeline as long as the log.
    if (index % canaries === 0) {
      msg = index % 2 === 0 ? `Starting canary analysis for ${canary}` : `Halt ${canary} advancement pre-rollout check smoke failed command failed: exit status 1`;
    }
    out.push(JSON.stringify({ level: 'info', ts: new Date(Date.UTC(2026, 10, 26) + index * 997).toISOString(), msg, canary }));
  }
  return `${out.join('\n')}\n`;
}

/** Text in pieces of `size` characters, as a file or a pipe delivers it. */
function pieces(text: string, size: number): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));
}

describe('a streamed explain says what explain over the whole input says', () => {
  const log = longLog(20_000, 7);

  test('the same text report, keeping only what it shows', async () => {
    // GIVEN a log far longer than any timeline, read whole and read in pieces through small windows
    const whole = explain([parseLogInput(log, 'flagger.log')]);
    const handed: ExplainedMessage[] = [];
    const streamed = await explainStream([{ name: 'flagger.log', pieces: pieces(log, 4096) }], {}, {
      onMessage: (message) => handed.push(message),
      limits: { ...STREAMING, window: 64, windows: 256 },
    });
    // THEN the text output is the same, byte for byte
    expect(formatReport(streamed)).toBe(formatReport(whole));
    expect(formatReport(streamed)).toMatch(/\.\.\. \d+ more line\(s\) \.\.\./);
    expect(formatReport(streamed)).toMatch(/\.\.\. \d+ earlier run\(s\) \.\.\./);
    // AND the streamed report kept the last runs and the ends of their timelines, and no message
    expect(streamed.messages).toEqual([]);
    expect(streamed.recognised).toBe(whole.messages.length);
    for (const canary of streamed.canaries) {
      expect(canary.runs.length).toBeLessThanOrEqual(EARLIER_RUNS + 1);
      for (const run of canary.runs) expect(run.items.length).toBeLessThanOrEqual(2 * TIMELINE_ENDS);
      const full = whole.canaries.find((c) => c.key === canary.key)!;
      const last = canary.runs[canary.runs.length - 1];
      expect(last.items.length + (last.omitted ?? 0)).toBe(full.runs[full.runs.length - 1].items.length);
      expect((canary.omittedRuns ?? 0) + canary.runs.length).toBe(full.runs.length);
    }
    // AND every message was handed on once, in input order, with the JSON explain gives it
    expect(handed.map((message) => message.entry.line)).toEqual(whole.messages.map((message) => message.entry.line));
    expect(handed.slice(0, 50).map(messageJson)).toEqual(whole.messages.slice(0, 50).map(messageJson));
  });

  test('two logs whose times interleave are read in time order, as a whole input would be', async () => {
    // GIVEN the lines of one log dealt into two files, read one after the other
    const lines = longLog(600, 2).trim().split('\n');
    const first = lines.filter((_, index) => index % 4 < 2).join('\n');
    const second = lines.filter((_, index) => index % 4 >= 2).join('\n');
    const whole = explain([parseLogInput(first, 'a.log'), parseLogInput(second, 'b.log')]);
    const streamed = await explainStream([{ name: 'a.log', pieces: [first] }, { name: 'b.log', pieces: [second] }]);
    expect(formatReport(streamed)).toBe(formatReport(whole));
  });

  test('events wait for the end of the input: what they hold back is handed on in input order', async () => {
    const events = [
      'LAST SEEN   TYPE      REASON   OBJECT           MESSAGE',
      '3m          Normal    Synced   canary/podinfo   Advance podinfo.test canary weight 10',
    ].join('\n');
    const logs = JSON.stringify({ ts: '2026-11-26T10:00:00Z', msg: 'Routing all traffic to primary', canary: 'podinfo.test' });
    const handed: string[] = [];
    await explainStream([{ pieces: [logs] }, { pieces: [events] }, { pieces: [logs.replace('10:00:00', '10:01:00')] }], {}, {
      onMessage: (message) => handed.push(`${message.entry.format}:${message.entry.message}`),
    });
    expect(handed).toEqual(['json:Routing all traffic to primary', 'events:Advance podinfo.test canary weight 10', 'json:Routing all traffic to primary']);
  });
});
