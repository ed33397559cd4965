import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { InvalidInputError } from '../../../../src/errors.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { queryExemplars } from '../../../../src/traces/exemplars/exemplar-api.ts';
import type { ExemplarInput, ExemplarStore } from '../../../../src/traces/exemplars/exemplar-store.ts';
import { openSqliteExemplarStore } from '../../../../src/traces/exemplars/open.ts';
import { selectorsOf } from '../../../../src/traces/exemplars/selectors.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const T0 = 1_700_000_000_000;
const ex = (i: number, node = 'a', name = 'dwcp_d_seconds_bucket'): ExemplarInput => ({
  name,
  seriesLabels: { job: 'dwcp', node, le: '4' },
  labels: { trace_id: i.toString(16).padStart(32, '0') },
  value: 1 + i,
  timestampMs: T0 + i * 1000,
});

async function counterValue(registry: Registry, name: string, reason?: string): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return m
    .filter((v) => reason === undefined || v.labels['reason'] === reason)
    .reduce((s, v) => s + v.value, 0);
}

describe('exemplar store', () => {
  const opened: ExemplarStore[] = [];
  after(async () => {
    for (const s of opened) await s.close();
  });
  const open = async (maxExemplars = 1000, registry = new Registry()) => {
    const s = await openSqliteExemplarStore(':memory:', { retentionMs: 60_000, maxExemplars, registry });
    opened.push(s);
    return s;
  };

  it('stores an exemplar exposed again unchanged once, and answers by selector and window', async () => {
    const registry = new Registry();
    const s = await open(1000, registry);
    assert.equal(await s.add([ex(1), ex(2), ex(1, 'b'), ex(3, 'a', 'other_bucket')]), 4);
    assert.equal(await s.add([ex(1), ex(2)]), 0);
    assert.equal(await counterValue(registry, 'dwcp_monitor_exemplars_stored_total'), 4);
    const got = await s.query(
      selectorsOf('histogram_quantile(0.9, sum by (le) (rate(dwcp_d_seconds_bucket{node=~"a|c"}[5m])))'),
      T0,
      T0 + 10_000,
    );
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.seriesLabels, {
      __name__: 'dwcp_d_seconds_bucket',
      job: 'dwcp',
      node: 'a',
      le: '4',
    });
    assert.deepEqual(
      got[0]!.exemplars.map((e) => e.value),
      [2, 3],
    );
    assert.equal(
      (await s.query(selectorsOf('dwcp_d_seconds_bucket'), T0 + 1500, T0 + 10_000))[0]!.exemplars.length,
      1,
    );
    assert.equal((await s.query(selectorsOf('{__name__="other_bucket"}'), T0, T0 + 10_000)).length, 1);
    assert.equal(
      (await s.query(selectorsOf('dwcp_d_seconds_bucket{node!="a"}'), T0, T0 + 10_000))[0]!.seriesLabels[
        'node'
      ],
      'b',
    );
  });

  it('holds the cap: the oldest are removed and counted as dropped; invalid ones are counted too', async () => {
    const registry = new Registry();
    const s = await open(5, registry);
    await s.add(
      Array.from({ length: 8 }, (_, i) => ex(i)),
      2,
    );
    await s.add([ex(20)]);
    const rows = (await s.query(selectorsOf('dwcp_d_seconds_bucket'), T0, T0 + 60_000))[0]!.exemplars;
    assert.equal(rows.length, 5);
    assert.deepEqual(
      rows.map((e) => e.value),
      [5, 6, 7, 8, 21],
    );
    assert.equal(await counterValue(registry, 'dwcp_monitor_exemplars_dropped_total', 'capacity'), 4);
    assert.equal(await counterValue(registry, 'dwcp_monitor_exemplars_dropped_total', 'invalid'), 2);
  });

  it('retention deletes exemplars older than the retention', async () => {
    const s = await open();
    await s.add([ex(0), ex(30), ex(90)]);
    assert.equal(await s.applyRetention(T0 + 100_000), 2);
    assert.deepEqual(
      (await s.query(selectorsOf('dwcp_d_seconds_bucket'), T0, T0 + 100_000))[0]!.exemplars.map(
        (e) => e.value,
      ),
      [91],
    );
  });

  it('refuses bad queries and options with InvalidInputError', async () => {
    for (const q of ['sum(', '1 + 1', 'x{a=~"("}', 'x{"a"="b"}'])
      assert.throws(() => selectorsOf(q), InvalidInputError, q);
    const s = await open();
    await assert.rejects(s.query(selectorsOf('x'), 2, 1), InvalidInputError);
    await assert.rejects(
      openSqliteExemplarStore(':memory:', { retentionMs: 0, maxExemplars: 1, registry: new Registry() }),
      InvalidInputError,
    );
    await assert.rejects(
      openSqliteExemplarStore(':memory:', { retentionMs: 1, maxExemplars: 0, registry: new Registry() }),
      InvalidInputError,
    );
  });

  it('GET /api/v1/query_exemplars answers in Prometheus’ shape; 400 for a bad query; 404 when off', async () => {
    const s = await open();
    await s.add([ex(1)]);
    const app = await buildApp(
      { ...testDeps(), exemplars: { query: (q, a, b) => queryExemplars(s, q, a, b) } },
      { checkResponses: true, now: () => T0 + 30_000 },
    );
    const off = await buildApp(testDeps(), { checkResponses: true });
    try {
      const ok = await app.inject({
        method: 'GET',
        url: `/api/v1/query_exemplars?query=${encodeURIComponent('rate(dwcp_d_seconds_bucket[5m])')}&start=${T0 / 1000}&end=${T0 / 1000 + 60}`,
      });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), {
        status: 'success',
        data: [
          {
            seriesLabels: { __name__: 'dwcp_d_seconds_bucket', job: 'dwcp', node: 'a', le: '4' },
            exemplars: [
              { labels: { trace_id: '1'.padStart(32, '0') }, value: '2', timestamp: T0 / 1000 + 1 },
            ],
          },
        ],
      });
      const dflt = await app.inject({
        method: 'GET',
        url: '/api/v1/query_exemplars?query=dwcp_d_seconds_bucket',
      });
      assert.equal(dflt.json().data.length, 1);
      for (const url of [
        '/api/v1/query_exemplars?query=sum(',
        '/api/v1/query_exemplars',
        `/api/v1/query_exemplars?query=x&start=${T0 / 1000 + 10}&end=${T0 / 1000}`,
      ]) {
        assert.equal((await app.inject({ method: 'GET', url })).statusCode, 400, url);
      }
      assert.equal(
        (await off.inject({ method: 'GET', url: '/api/v1/query_exemplars?query=x' })).statusCode,
        404,
      );
    } finally {
      await app.close();
      await off.close();
    }
  });
});
