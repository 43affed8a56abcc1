import { commandUrls } from '../../../lib/doctor/programs/command-urls';
import { curlCalls } from '../../../lib/doctor/programs/curl';
import { parseHeyCommands } from '../../../lib/doctor/programs/hey';
import { loadGenerators } from '../../../lib/doctor/programs/load-generators';
import { parseShell } from '../../../lib/doctor/util/shell';
import { classifyHost, parseUrl } from '../../../lib/doctor/util/urls';

describe('parseShell', () => {
  test('splits pipelines and lists and unwraps sh -c and timeout', () => {
    const commands = parseShell("FOO=1 timeout 30s sh -c 'curl -s http://a.b/ | grep ok' && echo \"done; really\" # note");
    expect(commands.map((c) => [c.program, c.next])).toEqual([['curl', '|'], ['grep', '&&'], ['echo', '']]);
    expect(commands[2].argv).toEqual(['echo', 'done; really']);
  });

  test('drops redirections', () => {
    expect(parseShell('curl -s http://a.b/ > /dev/null 2>&1')[0].argv).toEqual(['curl', '-s', 'http://a.b/']);
  });
});

describe('commandUrls', () => {
  test('finds URLs with and without a scheme in curl, hey and ghz, and http(s) words of other programs', () => {
    const urls = commandUrls("curl -sd 'test' podinfo-canary:9898/token; hey -z 1m -c 2 http://podinfo.test:9898/; "
      + 'ghz --insecure --call a.B/C podinfo.test:9999; fortio load -qps 5 https://x.example.com/a');
    expect(urls.map((u) => [u.program, u.url.host, u.url.effectivePort])).toEqual([
      ['curl', 'podinfo-canary', 9898], ['hey', 'podinfo.test', 9898], ['ghz', 'podinfo.test', 9999], ['fortio', 'x.example.com', 443],
    ]);
  });

  test('for other programs only words that start with http count, not URLs inside assignments', () => {
    expect(commandUrls('k6 run -e TARGET=https://x.example.com/a script.js')).toEqual([]);
  });

  test('reads the Host header hey and curl send', () => {
    const urls = commandUrls("hey -host App.Example.com http://gw.istio-system/; curl -H 'Host: b.example.com:80' http://gw.istio-system/");
    expect(urls.map((u) => u.hostHeader)).toEqual(['app.example.com', 'b.example.com']);
  });

  test('does not mistake curl data for a host', () => {
    expect(commandUrls("curl -d 'a.b' -H 'Host: x.y' http://svc.ns/").map((u) => u.url.host)).toEqual(['svc.ns']);
  });

  test('reads hey with the flag list the plan uses: the values of -U (user agent) and -h are not URLs', () => {
    const urls = commandUrls("hey -U Mozilla/5.0 -h 'X-Test: a/b' -z 1m http://podinfo-canary.test:9898/");
    expect(urls.map((u) => u.url.text)).toEqual(['http://podinfo-canary.test:9898/']);
    expect(parseHeyCommands("hey -U Mozilla/5.0 -h 'X-Test: a/b' -z 1m http://podinfo-canary.test:9898/")[0].url).toBe('http://podinfo-canary.test:9898/');
  });
});

describe('loadGenerators', () => {
  test('reads hey durations, rates and request counts', () => {
    expect(loadGenerators('hey -z=2m -q 5 -c 4 http://a.b/')).toEqual([expect.objectContaining({ program: 'hey', durationText: '2m', rate: 5, concurrency: 4 })]);
    expect(loadGenerators('hey -n 1000 http://a.b/')[0]).toMatchObject({ durationText: undefined, requests: 1000 });
  });
});

describe('curlCalls', () => {
  test('combined short options: -sSf fails on HTTP errors, -df does not', () => {
    expect(curlCalls('curl -sSf http://a.b/')[0].failsOnHttpError).toBe(true);
    expect(curlCalls('curl -df http://a.b/')[0].failsOnHttpError).toBe(false);
  });

  test('a later grep checks the output', () => {
    expect(curlCalls('curl -s http://a.b/ | grep ok')[0].checked).toBe(true);
    expect(curlCalls('curl -s http://a.b/ | cat')[0].checked).toBe(false);
  });
});

describe('classifyHost', () => {
  const known = (ns: string) => ns === 'test';
  test.each([
    ['podinfo', { kind: 'service', name: 'podinfo', form: 'bare' }],
    ['podinfo.test', { kind: 'service', name: 'podinfo', namespace: 'test', form: 'namespaced' }],
    ['podinfo.prod', { kind: 'service', name: 'podinfo', namespace: 'prod', form: 'namespaced' }],
    ['podinfo.test.svc', { kind: 'service', name: 'podinfo', namespace: 'test', form: 'fqdn' }],
    ['podinfo.test.svc.cluster.local', { kind: 'service', name: 'podinfo', namespace: 'test', form: 'fqdn' }],
    ['example.com', { kind: 'external', reason: 'domain' }],
    ['hooks.slack.com', { kind: 'external', reason: 'domain' }],
    ['10.0.0.1', { kind: 'external', reason: 'ip' }],
    ['localhost', { kind: 'loopback' }],
  ])('%s', (host, expected) => {
    expect(classifyHost(host, known)).toEqual(expected);
  });
});

describe('parseUrl', () => {
  test('keeps a written default port and reads the path', () => {
    expect(parseUrl('http://a.b:80/x?y=1')).toMatchObject({ host: 'a.b', port: 80, effectivePort: 80, path: '/x?y=1' });
    expect(parseUrl('https://a.b/')).toMatchObject({ port: undefined, effectivePort: 443 });
    expect(parseUrl('a.b/x')).toBeUndefined();
    expect(parseUrl('a.b:8080/x', 'http')).toMatchObject({ host: 'a.b', effectivePort: 8080 });
  });
});

describe('shell keywords', () => {
  test('commands after if/then/do/while are found', () => {
    expect(parseShell('if curl -s http://a.b/; then echo ok; fi').map((c) => c.program)).toEqual(['curl', 'echo', 'fi']);
    expect(parseShell('while true; do hey -z 1m http://a.b/; done').map((c) => c.program)).toEqual(['true', 'hey', 'done']);
  });
});
