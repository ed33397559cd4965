import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../../src/server/app.ts';
import { RecordingSampleStore, T0, testDeps, type TestDeps } from '../../../helpers/server-fakes.ts';

const NOW = T0 + 600_000;
const NOW_S = NOW / 1000;
const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

/** Three series of one counter growing 1 /s per node, scraped every 10 s for 5 minutes; a gauge. */
async function setup(limits?: TestDeps['limits'], clock = () => NOW, made?: (d: TestDeps) => void) {
  const deps = testDeps(limits ? { limits } : {});
  made?.(deps);
  const samples = [];
  for (let t = NOW - 300_000; t <= NOW; t += 10_000) {
    for (const [node, region] of [
      ['n1', 'eu'],
      ['n2', 'eu'],
      ['n3', 'us'],
    ] as const)
      samples.push({
        name: 'dwcp_c_total',
        labels: { node_id: node, region },
        value: (t - T0) / 1000,
        timestampMs: t,
      });
  }
  samples.push({ name: 'dwcp_g', labels: { node_id: 'n1' }, value: 3, timestampMs: NOW });
  await deps.samples.append(samples);
  const a = await buildApp(deps, { now: clock, checkResponses: true });
  apps.push(a);
  return a;
}

function bad(
  res: { statusCode: number; json: () => unknown },
  status: number,
  type: string,
  msg: RegExp,
): void {
  const b = res.json() as { status: string; errorType: string; error: string };
  assert.equal(res.statusCode, status, JSON.stringify(b));
  assert.equal(b.status, 'error');
  assert.equal(b.errorType, type);
  assert.match(b.error, msg);
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('Prometheus query API', () => {
  it('GET /api/v1/query answers a vector in Prometheus shape', async () => {
    const a = await setup();
    const res = await a.inject(
      `/api/v1/query?${q({ query: 'sum by (region) (rate(dwcp_c_total[1m]))', time: String(NOW_S) })}`,
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { region: 'eu' }, value: [NOW_S, '2'] },
          { metric: { region: 'us' }, value: [NOW_S, '1'] },
        ],
      },
    });
  });

  it('GET /api/v1/query defaults time to now and answers scalars', async () => {
    const a = await setup();
    const res = await a.inject(`/api/v1/query?${q({ query: 'dwcp_g * 2' })}`);
    assert.deepEqual(res.json().data, {
      resultType: 'vector',
      result: [{ metric: { node_id: 'n1' }, value: [NOW_S, '6'] }],
    });
    const s = await a.inject(`/api/v1/query?${q({ query: '2^10', time: '2026-01-01T00:00:00Z' })}`);
    assert.deepEqual(s.json().data, {
      resultType: 'scalar',
      result: [Date.parse('2026-01-01T00:00:00Z') / 1000, '1024'],
    });
  });

  it('GET /api/v1/query_range answers a matrix, step as seconds or a duration', async () => {
    const a = await setup();
    for (const step of ['60', '1m']) {
      const res = await a.inject(
        `/api/v1/query_range?${q({ query: 'dwcp_c_total{node_id="n3"}', start: String(NOW_S - 120), end: String(NOW_S), step })}`,
      );
      assert.equal(res.statusCode, 200, res.body);
      const v = (t: number) => [t, String(t - T0 / 1000)];
      assert.deepEqual(res.json().data, {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'dwcp_c_total', node_id: 'n3', region: 'us' },
            values: [v(NOW_S - 120), v(NOW_S - 60), v(NOW_S)],
          },
        ],
      });
    }
  });

  it('GET /api/v1/series, /labels and /label/<name>/values', async () => {
    const a = await setup();
    const s = await a.inject(`/api/v1/series?${q({ 'match[]': 'dwcp_c_total{region="eu"}' })}`);
    assert.deepEqual(s.json(), {
      status: 'success',
      data: [
        { __name__: 'dwcp_c_total', node_id: 'n1', region: 'eu' },
        { __name__: 'dwcp_c_total', node_id: 'n2', region: 'eu' },
      ],
    });
    const l = await a.inject('/api/v1/labels');
    assert.deepEqual(l.json(), { status: 'success', data: ['__name__', 'node_id', 'region'] });
    const v = await a.inject('/api/v1/label/__name__/values');
    assert.deepEqual(v.json(), { status: 'success', data: ['dwcp_c_total', 'dwcp_g'] });
    const r = await a.inject(`/api/v1/label/node_id/values?${q({ 'match[]': 'dwcp_g' })}`);
    assert.deepEqual(r.json(), { status: 'success', data: ['n1'] });
    const old = await a.inject(
      `/api/v1/series?${q({ 'match[]': 'dwcp_c_total', end: String(NOW_S - 3600) })}`,
    );
    assert.deepEqual(old.json(), { status: 'success', data: [] });
  });

  it('labels without match[] come from the catalog (no sample read), reused for 15 s per scope', async () => {
    let now = NOW;
    let deps: TestDeps | undefined;
    const a = await setup(
      undefined,
      () => now,
      (d) => (deps = d),
    );
    const store = deps!.samples as RecordingSampleStore;
    const reads = store.reads.length;
    const l = await a.inject('/api/v1/labels');
    assert.deepEqual(l.json(), { status: 'success', data: ['__name__', 'node_id', 'region'] });
    const finds = store.finds.length;
    const v = await a.inject('/api/v1/label/region/values');
    assert.deepEqual(v.json(), { status: 'success', data: ['eu', 'us'] });
    assert.equal(store.reads.length, reads, 'no sample read');
    assert.equal(store.finds.length, finds, 'the second call reuses the catalog read');
    await deps!.samples.append([{ name: 'dwcp_new', labels: { host: 'h' }, value: 1, timestampMs: NOW }]);
    now = NOW + 15_000;
    const later = await a.inject('/api/v1/labels');
    assert.deepEqual(later.json().data, ['__name__', 'host', 'node_id', 'region']);
    assert.ok(store.finds.length > finds, 'read again after 15 s');
  });

  it('answers selectors without a metric name across metrics', async () => {
    const a = await setup();
    const res = await a.inject(`/api/v1/query?${q({ query: 'count by (__name__) ({node_id="n1"})' })}`);
    assert.deepEqual(res.json().data.result, [
      { metric: { __name__: 'dwcp_c_total' }, value: [NOW_S, '1'] },
      { metric: { __name__: 'dwcp_g' }, value: [NOW_S, '1'] },
    ]);
    const s = await a.inject(`/api/v1/series?${q({ 'match[]': '{__name__=~"dwcp_g|x"}' })}`);
    assert.deepEqual(s.json().data, [{ __name__: 'dwcp_g', node_id: 'n1' }]);
  });

  it('refuses a selector without a name over a store of more than 1,000 metric names (422)', async () => {
    const a = await setup(undefined, undefined, (d) => {
      void d.samples.append(
        Array.from({ length: 1000 }, (_, i) => ({
          name: `dwcp_many_${i}`,
          labels: { node_id: 'n9' },
          value: 1,
          timestampMs: NOW,
        })),
      );
    });
    bad(
      await a.inject(`/api/v1/query?${q({ query: '{node_id="n9"}' })}`),
      422,
      'execution',
      /reads at most 1000 metrics and the store has more; give the metric name/,
    );
    const named = await a.inject(`/api/v1/query?${q({ query: 'dwcp_many_7{node_id="n9"}' })}`);
    assert.equal(named.json().data.result.length, 1);
  });

  it('refuses bad input on every parameter with bad_data (400)', async () => {
    const a = await setup();
    const range = { query: 'dwcp_g', start: String(NOW_S - 60), end: String(NOW_S), step: '15s' };
    bad(await a.inject('/api/v1/query'), 400, 'bad_data', /"query": missing/);
    bad(await a.inject(`/api/v1/query?${q({ query: 'sum(' })}`), 400, 'bad_data', /parse error/);
    bad(
      await a.inject(`/api/v1/query?${q({ query: 'topk(1, dwcp_g)' })}`),
      400,
      'bad_data',
      /not supported by this monitor: aggregation topk/,
    );
    bad(
      await a.inject(`/api/v1/query?${q({ query: 'dwcp_g', time: 'yesterday' })}`),
      400,
      'bad_data',
      /"time"/,
    );
    bad(await a.inject('/api/v1/query?query=dwcp_g&query=dwcp_g'), 400, 'bad_data', /more than once/);
    bad(await a.inject(`/api/v1/query_range?${q({ ...range, start: 'x' })}`), 400, 'bad_data', /"start"/);
    bad(await a.inject(`/api/v1/query_range?${q({ ...range, end: '1e99' })}`), 400, 'bad_data', /"end"/);
    bad(
      await a.inject(`/api/v1/query_range?${q({ ...range, end: String(NOW_S - 120) })}`),
      400,
      'bad_data',
      /before start/,
    );
    bad(
      await a.inject(`/api/v1/query_range?${q({ ...range, step: '0' })}`),
      400,
      'bad_data',
      /"step": zero or negative/,
    );
    bad(await a.inject(`/api/v1/query_range?${q({ ...range, step: 'fast' })}`), 400, 'bad_data', /"step"/);
    bad(
      await a.inject(`/api/v1/query_range?${q({ ...range, step: '0.001' })}`),
      400,
      'bad_data',
      /exceeded maximum resolution of 11000 points/,
    );
    const noStart = { query: range.query, end: range.end, step: range.step };
    bad(await a.inject(`/api/v1/query_range?${q(noStart)}`), 400, 'bad_data', /"start": missing/);
    const noStep = { query: range.query, start: range.start, end: range.end };
    bad(await a.inject(`/api/v1/query_range?${q(noStep)}`), 400, 'bad_data', /"step": missing/);
    bad(await a.inject('/api/v1/series'), 400, 'bad_data', /no match\[\]/);
    bad(
      await a.inject(`/api/v1/series?${q({ 'match[]': 'rate(dwcp_g[1m])' })}`),
      400,
      'bad_data',
      /not a series selector/,
    );
    bad(await a.inject(`/api/v1/labels?${q({ start: 'soon' })}`), 400, 'bad_data', /"start"/);
    bad(await a.inject('/api/v1/label/bad-name/values'), 400, 'bad_data', /invalid label name/);
  });

  it('POST takes form bodies as Prometheus clients send them; other writes still refuse forms', async () => {
    const a = await setup();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await a.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: form,
      payload: q({ query: 'count(dwcp_c_total)', time: String(NOW_S) }),
    });
    assert.deepEqual(res.json(), {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [NOW_S, '3'] }] },
    });
    const series = await a.inject({
      method: 'POST',
      url: '/api/v1/series',
      headers: form,
      payload: 'match[]=dwcp_g&match[]=dwcp_c_total%7Bnode_id%3D%22n3%22%7D',
    });
    assert.equal(series.json().data.length, 2, series.body);
    bad(
      await a.inject({
        method: 'POST',
        url: '/api/v1/query_range',
        headers: form,
        payload: q({ query: 'dwcp_g' }),
      }),
      400,
      'bad_data',
      /"start": missing/,
    );
    bad(
      await a.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: { 'content-type': 'text/plain' },
        payload: 'query=x',
      }),
      415,
      'DWCP_UNSUPPORTED_MEDIA_TYPE',
      /cross-site form/,
    );
    bad(
      await a.inject({ method: 'POST', url: '/api/metrics', headers: form, payload: 'a=b' }),
      415,
      'DWCP_UNSUPPORTED_MEDIA_TYPE',
      /cross-site form/,
    );
    bad(
      await a.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: { ...form, origin: 'http://evil.example' },
        payload: 'query=dwcp_g',
      }),
      403,
      'DWCP_FORBIDDEN',
      /origin/,
    );
  });

  it('refuses a query over the series limit with execution (422)', async () => {
    const a = await setup({ promqlSeriesMax: 2 });
    bad(
      await a.inject(`/api/v1/query?${q({ query: 'sum(dwcp_c_total)' })}`),
      422,
      'execution',
      /more than 2 series/,
    );
    bad(
      await a.inject(`/api/v1/series?${q({ 'match[]': 'dwcp_c_total' })}`),
      422,
      'execution',
      /more than 2 series/,
    );
    const ok = await a.inject(`/api/v1/query?${q({ query: 'dwcp_c_total{region="eu"}' })}`);
    assert.equal(ok.statusCode, 200, ok.body);
  });
});
