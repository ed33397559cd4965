/**
 * The log routes over the real receivers, query service and a SQLite log store in memory (responses checked
 * against the contract; the seeded entries are described in test/helpers/log-routes-fixture.ts): OTLP and Loki
 * pushes stored masked; LogQL through /loki/api/v1/query_range (streams and matrices, line_format) and
 * /loki/api/v1/query (vectors and streams at an instant), labels and label values, series (Grafana-style
 * requests); GET /api/logs filters; 400 for bad queries and parameters, 413, 415, and 404 when logs are off. The
 * label routes' `query` stream selector and Loki's `since`: ./logs-query-params.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type {
  LogsResponse,
  LokiInstantQueryResponse,
  LokiLabelsResponse,
  LokiQueryResponse,
  LokiSeriesResponse,
} from '../../../../src/contract/logs.ts';
import { buildApp } from '../../../../src/server/app.ts';
import {
  openLogRoutesFixture,
  NOW,
  TRACE,
  type LogRoutesFixture,
} from '../../../helpers/log-routes-fixture.ts';
import { otlpLogsJson } from '../../../helpers/log-push.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const DAY = 86_400_000;

describe('log routes', () => {
  let fixture: LogRoutesFixture;
  let app: FastifyInstance;
  const get = <T>(url: string) => fixture.get<T>(url);
  const range = `start=${(NOW - 60_000) * 1e6}&end=${NOW * 1e6}`;

  before(async () => {
    fixture = await openLogRoutesFixture();
    app = fixture.app;
  });
  after(() => fixture.close());
  it('log queries return Loki streams, newest first, masked', async () => {
    const r = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${encodeURIComponent('{service="dwcp-node"} |= "timeout"')}&${range}`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.resultType, 'streams');
    const lines = r.body.data.result.flatMap((s) =>
      'stream' in s ? s.values.map((v) => [v[0], v[1], s.stream['node_id']]) : [],
    );
    assert.deepEqual(lines, [
      [`${(NOW - 5000) * 1e6}`, 'peer timeout user=[email]', 'node-2'],
      [`${(NOW - 30_000) * 1e6}`, '{"msg":"migration timeout","vm":"vm-1","attempt":3}', 'node-1'],
    ]);
  });

  it('| json and label filters, regex selectors, forward direction', async () => {
    const q = '{node_id=~"node-[12]", level!="info"} | json | attempt >= 2';
    const r = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${range}&direction=forward`,
    );
    assert.equal(r.status, 200);
    const result = r.body.data.result;
    assert.equal(result.length, 1);
    const s = result[0]!;
    assert.ok('stream' in s);
    assert.deepEqual(s.stream, {
      service: 'dwcp-node',
      node_id: 'node-1',
      region: 'us-east',
      level: 'error',
      component: 'migration',
      msg: 'migration timeout',
      vm: 'vm-1',
      attempt: '3',
    });
  });

  it('count_over_time and rate give matrices on the step grid', async () => {
    const q = encodeURIComponent('count_over_time({service="dwcp-node"}[1m])');
    const r = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${q}&start=${(NOW - 60_000) / 1000}&end=${NOW / 1000}&step=30s`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.resultType, 'matrix');
    const total = r.body.data.result
      .map((s) => ('metric' in s ? s.values.find((v) => v[0] === NOW / 1000)?.[1] : undefined))
      .reduce((a, v) => a + Number(v ?? 0), 0);
    assert.equal(total, 4);
    const rate = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${encodeURIComponent('rate({level="error"}[1m])')}&start=${NOW / 1000}&end=${NOW / 1000}&step=1`,
    );
    const values = rate.body.data.result.map((s) => ('metric' in s ? s.values : []));
    assert.deepEqual(
      values
        .flat()
        .map((v) => Number(v[1]))
        .sort(),
      [1 / 60, 1 / 60],
    );
  });

  it('sum by (...) adds the series of each group; a plain sum gives one series', async () => {
    const at = `start=${NOW / 1000}&end=${NOW / 1000}&step=1`;
    const matrix = async (q: string) =>
      (
        await get<LokiQueryResponse>(`/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${at}`)
      ).body.data.result.map((s) => ('metric' in s ? [s.metric, s.values.map((v) => Number(v[1]))] : []));
    assert.deepEqual(await matrix('sum by (node_id) (count_over_time({service="dwcp-node"}[1m]))'), [
      [{ node_id: 'node-1' }, [2]],
      [{ node_id: 'node-2' }, [2]],
    ]);
    assert.deepEqual(await matrix('sum(rate({service="dwcp-node"}[1m]))'), [[{}, [4 / 60]]]);
    assert.deepEqual(await matrix('sum(count_over_time({service="dwcp-node"} | json [1m])) by (vm)'), [
      [{ vm: 'vm-1' }, [2]],
      [{}, [2]],
    ]);
  });

  it('instant queries: a vector per series over the range ending at time; a log query reads the hour up to time', async () => {
    const instant = (q: string, extra: string) =>
      get<LokiInstantQueryResponse>(`/loki/api/v1/query?query=${encodeURIComponent(q)}&${extra}`);
    const v = await instant(
      'sum by (node_id) (count_over_time({service="dwcp-node"}[1m]))',
      `time=${NOW * 1e6}`,
    );
    assert.equal(v.status, 200);
    assert.deepEqual(v.body.data, {
      resultType: 'vector',
      result: [
        { metric: { node_id: 'node-1' }, value: [NOW / 1000, '2'] },
        { metric: { node_id: 'node-2' }, value: [NOW / 1000, '2'] },
      ],
      stats: { scannedLines: 4, truncated: false },
    });
    const rate = await instant('rate({level="error"}[15s])', `time=${NOW / 1000}`);
    assert.deepEqual(rate.body.data.result, [
      {
        metric: { service: 'dwcp-node', node_id: 'node-2', level: 'error' },
        value: [NOW / 1000, String(1 / 15)],
      },
    ]);
    // no entry in the range: an empty vector
    assert.deepEqual(
      (await instant('count_over_time({level="error"}[1s])', `time=${NOW / 1000}`)).body.data.result,
      [],
    );
    const logs = await instant('{node_id="node-2"}', `time=${(NOW - 6000) / 1000}&direction=forward`);
    assert.equal(logs.body.data.resultType, 'streams');
    assert.deepEqual(
      logs.body.data.result.map((s) => ('values' in s ? s.values : [])),
      [[[`${(NOW - 10_000) * 1e6}`, 'mode switch datacenter -> internet from [ipv4]']]],
    );
    // default time: now
    assert.equal(
      (
        await get<LokiInstantQueryResponse>(
          `/loki/api/v1/query?query=${encodeURIComponent('{node_id="node-2"}')}`,
        )
      ).body.data.result.length,
      2,
    );
  });

  it('| line_format rewrites the lines of query_range and /api/logs queries', async () => {
    const q =
      '{node_id="node-2"} | line_format "{{.level}} on {{.node_id}}{{.nothing}}: {{.__line__}}" |= "error"';
    const r = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${range}`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.result.map((s) => ('values' in s ? s.values.map((x) => x[1]) : [])),
      [['error on node-2: peer timeout user=[email]']],
    );
    const j = await get<LogsResponse>(
      `/api/logs?query=${encodeURIComponent('{node_id="node-1"} | json | line_format "{{.vm}}" |= "vm-1"')}&${range}`,
    );
    assert.equal(j.body.entries.length, 2);
  });

  it('labels and label values', async () => {
    assert.deepEqual((await get<LokiLabelsResponse>(`/loki/api/v1/labels?${range}`)).body.data, [
      'service',
      'node_id',
      'region',
      'level',
      'component',
    ]);
    assert.deepEqual(
      (await get<LokiLabelsResponse>(`/loki/api/v1/label/node_id/values?${range}`)).body.data,
      ['node-1', 'node-2'],
    );
    assert.deepEqual((await get<LokiLabelsResponse>(`/loki/api/v1/label/job/values?${range}`)).body.data, []);
  });

  it('series: label sets of the streams matching match[] (as Grafana asks: encoded brackets, Unix ns), GET and POST', async () => {
    // Grafana's Loki data source: URLSearchParams-encoded `match[]`, start/end in Unix nanoseconds
    const grafana = (selectors: string[], extra = range) =>
      `/loki/api/v1/series?${new URLSearchParams(selectors.map((m) => ['match[]', m])).toString()}&${extra}`;
    const node2 = await get<LokiSeriesResponse>(grafana(['{node_id="node-2"}']));
    assert.equal(node2.status, 200);
    assert.deepEqual(node2.body, {
      status: 'success',
      data: [
        { service: 'dwcp-node', node_id: 'node-2', region: 'eu-west', level: 'info', component: 'mode' },
        { service: 'dwcp-node', node_id: 'node-2', level: 'error' },
      ],
    });
    // several selectors: the union; regex and negative matchers
    const union = await get<LokiSeriesResponse>(
      grafana([
        '{node_id="node-1", level=~"warn|info"}',
        '{service="dwcp-node", region!="eu-west", node_id=~"node-[2-9]"}',
      ]),
    );
    assert.deepEqual(union.body.data, [
      { service: 'dwcp-node', node_id: 'node-1', region: 'us-east', level: 'warn', component: 'transport' },
      { service: 'dwcp-node', node_id: 'node-2', level: 'error' },
    ]);
    // a label that is not indexed: only a matcher that accepts the empty value matches
    assert.deepEqual((await get<LokiSeriesResponse>(grafana(['{job="x"}']))).body.data, []);
    assert.equal(
      (await get<LokiSeriesResponse>(grafana(['{node_id="node-1", job=""}']))).body.data.length,
      2,
    );
    // the range: nothing before the entries
    assert.deepEqual(
      (
        await get<LokiSeriesResponse>(
          grafana(['{service="dwcp-node"}'], `start=${(NOW - 3_600_000) * 1e6}&end=${(NOW - 60_000) * 1e6}`),
        )
      ).body.data,
      [],
    );
    // POST with the parameters in the URL (a form body is refused by the CSRF check of the security layer)
    const post = await app.inject({ method: 'POST', url: grafana(['{level="error"}']) });
    assert.equal(post.statusCode, 200, post.body);
    assert.deepEqual(
      (post.json() as LokiSeriesResponse).data.map((l) => l['node_id']),
      ['node-1', 'node-2'],
    );
  });

  it('series: no match[], a bad selector or one with a pipeline are 400 with a clear message', async () => {
    for (const [url, message] of [
      [`/loki/api/v1/series?${range}`, /match\[\] is required/],
      [`/loki/api/v1/series?match[]=&${range}`, /match\[\] is required/],
      [
        `/loki/api/v1/series?match[]=${encodeURIComponent('{node_id="node-1"')}&${range}`,
        /match\[\] .*node-1.*column/,
      ],
      [`/loki/api/v1/series?match[]=${encodeURIComponent('node_id="node-1"')}`, /match\[\]/],
      [
        `/loki/api/v1/series?match[]=${encodeURIComponent('{node_id="node-1"} |= "x"')}`,
        /must be a stream selector/,
      ],
      [
        `/loki/api/v1/series?match[]=${encodeURIComponent('rate({node_id="node-1"}[1m])')}`,
        /must be a stream selector/,
      ],
      [
        `/loki/api/v1/series?match[]=${encodeURIComponent('{node_id="node-1"}')}&start=${NOW * 1e6}&end=${(NOW - 1000) * 1e6}`,
        /start must not be after end/,
      ],
      [`/loki/api/v1/series?match[]=${encodeURIComponent('{node_id="node-1"}')}&limit=5`, /limit/],
    ] as const) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
      assert.match(r.body, message, url);
    }
  });

  it('GET /api/logs: words, levels, labels and trace id', async () => {
    const r = await get<LogsResponse>(`/api/logs?q=timeout&level=error,fatal&${range}`);
    assert.deepEqual(
      r.body.entries.map((e) => e.body),
      ['peer timeout user=[email]', '{"msg":"migration timeout","vm":"vm-1","attempt":3}'],
    );
    const t = await get<LogsResponse>(`/api/logs?trace_id=${TRACE}&${range}`);
    assert.deepEqual(
      t.body.entries.map((e) => [e.traceId, e.component]),
      [[TRACE, 'migration']],
    );
    const m = await get<LogsResponse>(`/api/logs?node_id=node-2&region=eu-west&${range}`);
    assert.deepEqual(
      m.body.entries.map((e) => e.body),
      ['mode switch datacenter -> internet from [ipv4]'],
    );
  });

  it('GET /api/logs: a LogQL log query and a span id narrow the entries', async () => {
    const q = (query: string, extra = '') =>
      get<LogsResponse>(`/api/logs?query=${encodeURIComponent(query)}${extra}&${range}`);
    assert.deepEqual(
      (await q('{node_id="node-2"} |= "timeout"')).body.entries.map((e) => e.body),
      ['peer timeout user=[email]'],
    );
    assert.deepEqual(
      (await q('{service=~".+"} | json | attempt > 2')).body.entries.map((e) => e.spanId),
      ['ab'.repeat(8)],
    );
    assert.deepEqual(
      (await q('{level=~"warn|error"}', '&level=warn')).body.entries.map((e) => e.level),
      ['warn'],
    );
    assert.equal(
      (await get<LogsResponse>(`/api/logs?trace_id=${TRACE}&span_id=${'ab'.repeat(8)}&${range}`)).body.entries
        .length,
      1,
    );
    assert.equal(
      (await get<LogsResponse>(`/api/logs?trace_id=${TRACE}&span_id=${'cd'.repeat(8)}&${range}`)).body.entries
        .length,
      0,
    );
  });

  it('bad queries and parameters are 400 with a clear message', async () => {
    const bad = async (url: string, msg: RegExp) => {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 400, url);
      assert.match(r.body, msg);
    };
    await bad(
      `/loki/api/v1/query_range?query=${encodeURIComponent('{service=}')}`,
      /column 10: expected a string/,
    );
    await bad(
      `/loki/api/v1/query_range?query=${encodeURIComponent('max(rate({a="b"}[1m]))')}`,
      /unsupported function \\"max\\"/,
    );
    await bad(
      `/loki/api/v1/query_range?query=${encodeURIComponent('rate({a="b"}[1m])')}&start=0&end=100000&step=1`,
      /exceed the limit/,
    );
    await bad('/loki/api/v1/query_range', /query/);
    await bad(
      `/loki/api/v1/query_range?query=${encodeURIComponent('{a="b"} | line_format "{{.a | printf}}"')}`,
      /line_format template: unsupported action.*only field references/,
    );
    await bad(
      `/loki/api/v1/query_range?query=${encodeURIComponent('{a="b"} | line_format "{{.a"')}`,
      /unclosed action/,
    );
    await bad('/loki/api/v1/query', /query/);
    await bad(
      `/loki/api/v1/query?query=${encodeURIComponent('{a="b"} | line_format "{{end}}"')}`,
      /unsupported action/,
    );
    await bad(`/loki/api/v1/query?query=${encodeURIComponent('rate({a="b"})')}`, /expected a range/);
    await bad(`/loki/api/v1/query?query=${encodeURIComponent('{a="b"}')}&time=yesterday`, /time/);
    await bad(`/loki/api/v1/query?query=${encodeURIComponent('{a="b"}')}&step=1`, /step/);
    // each time parameter is named once in the message
    for (const [url, name] of [
      ['/api/logs?start=soon', 'start'],
      ['/api/logs?end=soon', 'end'],
      [`/loki/api/v1/query?query=${encodeURIComponent('{a="b"}')}&time=soon`, 'time'],
    ] as const) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 400, url);
      assert.equal(
        (r.json() as { error: string }).error,
        `${name}: cannot parse "soon" as RFC3339 or Unix seconds`,
      );
    }
    await bad(`/api/logs?level=loud`, /level/);
    await bad(`/api/logs?trace_id=xyz`, /32 lowercase hex/);
    await bad(`/api/logs?start=20&end=10`, /start must not be after end/);
    await bad(`/api/logs?query=${encodeURIComponent('{level="error"')}`, /column/);
    await bad(`/api/logs?query=${encodeURIComponent('rate({level="error"}[1m])')}`, /not a metric query/);
    await bad(`/api/logs?span_id=xyz`, /16 lowercase hex/);
  });

  it('receivers: 415 for other content types, 413 over the body limit, 400 for no valid entry', async () => {
    const post = (url: string, payload: string | Buffer, type: string) =>
      app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
    assert.equal((await post('/v1/logs', 'x', 'text/plain')).statusCode, 415);
    assert.equal(
      (await post('/loki/api/v1/push', Buffer.alloc(70 * 1024, 32), 'application/json')).statusCode,
      413,
    );
    assert.equal(
      (
        await post(
          '/loki/api/v1/push',
          JSON.stringify({ streams: [{ stream: {}, values: [['1', 'x']] }] }),
          'application/json',
        )
      ).statusCode,
      400,
    );
    const partial = await post(
      '/v1/logs',
      JSON.stringify(
        otlpLogsJson([
          { timeMs: NOW - 1, body: 'ok' },
          { timeMs: NOW + DAY, body: 'future' },
        ]),
      ),
      'application/json',
    );
    assert.equal(partial.statusCode, 200);
    assert.equal(partial.json().partialSuccess.rejectedLogRecords, 1);
  });
});

describe('log routes when logs are off', () => {
  it('answer 404', async () => {
    const app = await buildApp(testDeps(), { checkResponses: true });
    try {
      for (const [method, url] of [
        ['POST', '/v1/logs'],
        ['POST', '/loki/api/v1/push'],
        ['GET', '/loki/api/v1/query_range'],
        ['GET', '/loki/api/v1/query'],
        ['GET', '/api/logs'],
      ] as const) {
        assert.equal((await app.inject({ method, url })).statusCode, 404, url);
      }
    } finally {
      await app.close();
    }
  });
});
