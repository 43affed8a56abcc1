import { promqlSyntaxError } from '../../../../lib/doctor/util/promql';

describe('promqlSyntaxError', () => {
  test.each([
    'up',
    'sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="test", response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total[1m])) * 100',
    'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[1m])) by (le))',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])))',
    '100 - sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100',
    'sum(logback_events_total{level="error", job="some-app"}) <= bool 0',
    'sum(rate(x[5m])) or on() vector(0)',
    'max_over_time(rate(x[1m])[5m:30s] offset 1h)',
    'rate(x[1m] @ 1609746000)',
    'rate(x[1m] @ start())',
    'a / on(instance) group_left(job) b',
    'a * ignoring(code) group_right b',
    '-x ^ 2',
    'topk(5, sum by (pod) (rate(x[1m])))',
    'count_values("version", build_info)',
    'sum without (instance) (x)',
    'x{a="b",}',
    '{__name__=~"job:.*"}',
    'sum(rate(x{a=\'b\', c=`d`}[1h30m]))',
    'x # a comment\n + y',
    'absent(nonexistent{job="myjob"})',
    'label_replace(up, "foo", "$1", "job", "(.*)")',
    '1e3 + 0x1F - .5',
    'rate(x[300])',
  ])('accepts %s', (query) => {
    expect(promqlSyntaxError(query)).toBeUndefined();
  });

  test.each([
    ['sum(rate(x{kubernetes_pod_name=~"podinfo-.*"\n status!="1m"}[1m]))', 'unexpected identifier "status" in label matching, expected "," or "}"'],
    ['sum(rate(x{namespace="$namespace"}[$interval]))', 'unexpected character: "$"'],
    ['http://test-service:3000/ping', 'unexpected "/"'],
    ['sum(rate(x[]))', 'missing unit character in duration'],
    ['sum(rate(x[1m])', 'unexpected end of input in function call, expected "," or ")"'],
    ['{}', 'vector selector must contain at least one non-empty matcher'],
    ['x{a="b"', 'unexpected end of input in label matching, expected "," or "}"'],
    ['x{a=b}', 'unexpected identifier "b" in label matching, expected string'],
    ['', 'no expression found in input'],
    ['sum:istio.mesh.request.count{reporter:destination}', 'unexpected character: "."'],
  ])('rejects %s', (query, message) => {
    expect(promqlSyntaxError(query)?.message).toBe(message);
  });
});
