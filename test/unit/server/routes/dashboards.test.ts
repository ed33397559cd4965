/**
 * The dashboard routes over the real engine (src/dashboards) with a SQLite dashboard store in memory and the
 * API's in-memory sample and anomaly stores: CRUD with versions and 409 on a stale version, validation naming the
 * failing path, body limit, pagination, widget data of every widget type (units from the catalog, variables,
 * sources that are not configured), the shared cache (N requests → one evaluation) and WS /ws/dashboards/{id}
 * with its connection limits. Every response is checked against the API contract.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import {
  DashboardLiveMessageSchema,
  type DashboardData,
  type DashboardLiveMessage,
  type DashboardRecord,
} from '../../../../src/contract/dashboards.ts';
import { dashboardsApi } from '../../../../src/dashboards/api.ts';
import { DashboardService } from '../../../../src/dashboards/service.ts';
import type { DashboardStore } from '../../../../src/dashboards/store/dashboard-store.ts';
import { openSqliteDashboardStore } from '../../../../src/dashboards/store/open.ts';
import { allDashboards } from '../../../../src/generate/grafana/index.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { fullSpec, smallSpec } from '../../../helpers/dashboard-fixtures.ts';
import { anomaly, seedAnomalies, testDeps, type TestDeps } from '../../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);

describe('dashboard routes', () => {
  let app: FastifyInstance;
  let store: DashboardStore;
  let deps: TestDeps;
  let service: DashboardService;
  const sockets: WebSocket[] = [];

  before(async () => {
    deps = testDeps();
    const samples = [];
    for (let i = 0; i < 450; i++) {
      const t = NOW - 900_000 + i * 2000;
      for (const [cluster, node, v] of [
        ['c1', 'n1', 3],
        ['c1', 'n2', 5],
        ['c2', 'n3', 7],
      ] as const) {
        samples.push({
          name: 'dwcp_amst_streams_active',
          labels: { cluster, node },
          value: v,
          timestampMs: t,
        });
        samples.push({
          name: 'dwcp_amst_bytes_sent_total',
          labels: { cluster, node },
          value: 1000 * v * i,
          timestampMs: t,
        });
      }
    }
    await deps.samples.append(samples);
    await seedAnomalies(deps.anomalies, [
      anomaly(1, { startedAtMs: NOW - 60_000, detectedAtMs: NOW - 60_000 }),
    ]);
    store = await openSqliteDashboardStore(':memory:', { maxPerTenant: 50 });
    service = new DashboardService({
      store,
      sources: { samples: deps.samples, anomalies: deps.anomalies },
      limits: { seriesMax: 200, rawPointsPerSeries: 20_000, targetPoints: 300 },
      cache: { ttlMs: 60_000 },
      now: () => NOW,
    });
    const api = dashboardsApi(service, {
      defaultScope: { tenantId: 'default', actor: 'anonymous' },
      maxBodyBytes: 64 * 1024,
      maxLiveClients: 3,
      maxLiveClientsPerDashboard: 2,
      minRefreshMs: 50,
    });
    app = await buildApp({ ...deps, dashboards: api }, { checkResponses: true, now: () => NOW });
  });
  after(async () => {
    for (const s of sockets) s.terminate();
    await app.close();
    await store.close();
  });

  const create = async (body: unknown) =>
    app.inject({ method: 'POST', url: '/api/dashboards', payload: body as object });

  it('creates, reads, updates with the current version, refuses a stale version (409) and deletes', async () => {
    const res = await create(fullSpec());
    assert.equal(res.statusCode, 201, res.body);
    const rec = res.json().data as DashboardRecord;
    assert.equal(rec.version, 1);
    assert.equal(rec.tenantId, 'default');
    assert.equal(rec.owner, 'anonymous');
    const got = await app.inject({ url: `/api/dashboards/${rec.id}` });
    assert.deepEqual(got.json().data, rec);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/dashboards/${rec.id}`,
      payload: { version: 1, dashboard: smallSpec('renamed') },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().data.version, 2);
    const stale = await app.inject({
      method: 'PUT',
      url: `/api/dashboards/${rec.id}`,
      payload: { version: 1, dashboard: smallSpec('lost') },
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().errorType, 'DWCP_CONFLICT');
    const versions = await app.inject({ url: `/api/dashboards/${rec.id}/versions` });
    assert.deepEqual(
      versions.json().data.map((v: { version: number }) => v.version),
      [2, 1],
    );
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/dashboards/${rec.id}?version=1` })).statusCode,
      409,
    );
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/dashboards/${rec.id}?version=2` })).statusCode,
      200,
    );
    assert.equal((await app.inject({ url: `/api/dashboards/${rec.id}` })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/dashboards/not-an-id' })).statusCode, 404);
  });

  it('bad input: 400 naming the failing path, unknown widget types, unknown metrics, oversize bodies (413)', async () => {
    const unknownType = await create({
      title: 'x',
      widgets: [{ type: 'pie3d', id: 'a', title: 'a', gridPos: { x: 0, y: 0, w: 4, h: 4 } }],
    });
    assert.equal(unknownType.statusCode, 400);
    assert.match(
      unknownType.json().error,
      /widgets\[0\]\.type: unknown widget type "pie3d"; expected one of line, stacked_area/,
    );
    const badMetric = await create({
      title: 'x',
      widgets: [
        {
          type: 'line',
          id: 'a',
          title: 'a',
          gridPos: { x: 0, y: 0, w: 4, h: 4 },
          queries: [{ kind: 'metric', refId: 'A', metric: 'no_such_metric' }],
        },
      ],
    });
    assert.equal(badMetric.statusCode, 400);
    assert.match(
      badMetric.json().error,
      /widgets\[0\]\.queries\[0\]\.metric: is not a metric of the catalog/,
    );
    const badGrid = await create({
      title: 'x',
      widgets: [{ ...smallSpec('x').widgets[0], gridPos: { x: 20, y: 0, w: 8, h: 4 } }],
    });
    assert.match(badGrid.json().error, /widgets\[0\]\.gridPos: x \+ w must be at most 24/);
    const badLink = await create({
      title: 'x',
      widgets: [{ ...smallSpec('x').widgets[0], links: [{ title: 'x', url: 'javascript:alert(1)' }] }],
    });
    assert.match(badLink.json().error, /widgets\[0\]\.links\[0\]\.url/);
    const huge = await create({ title: 'x', description: 'y'.repeat(70 * 1024), widgets: [] });
    assert.equal(huge.statusCode, 413);
    const badPut = await app.inject({
      method: 'PUT',
      url: `/api/dashboards/00000000-0000-4000-8000-000000000000`,
      payload: { dashboard: smallSpec('x') },
    });
    assert.equal(badPut.statusCode, 400);
  });

  it('templates: listed, and a dashboard is created from one; unknown names are 404', async () => {
    const list = await app.inject({ url: '/api/dashboards/templates' });
    assert.deepEqual(
      list.json().data.map((t: { name: string }) => t.name),
      ['executive', 'operations', 'developer', 'tenant'],
    );
    const made = await app.inject({ method: 'POST', url: '/api/dashboards/templates/operations' });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().data.dashboard.title, 'Operations');
    const data = await app.inject({ url: `/api/dashboards/${made.json().data.id}/data` });
    assert.equal(data.statusCode, 200, data.body);
    assert.equal(
      (await app.inject({ method: 'POST', url: '/api/dashboards/templates/nope' })).statusCode,
      404,
    );
  });

  it('Grafana import and export; own JSON export re-imports to the same dashboard', async () => {
    const grafana = allDashboards()[0]!;
    const imp = await app.inject({
      method: 'POST',
      url: '/api/dashboards/import/grafana',
      payload: grafana as unknown as object,
    });
    assert.equal(imp.statusCode, 201, imp.body);
    assert.deepEqual(imp.json().warnings, []);
    const id = imp.json().data.id as string;
    const exp = await app.inject({ url: `/api/dashboards/${id}/export?format=grafana` });
    assert.equal(exp.json().panels.length, grafana.panels.length);
    const own = await app.inject({ url: `/api/dashboards/${id}/export?format=json` });
    const again = await create(own.json());
    assert.deepEqual(again.json().data.dashboard, imp.json().data.dashboard);
    // PromQL widgets are evaluated by Prometheus only: their data says so instead of failing.
    const data = (await app.inject({ url: `/api/dashboards/${id}/data` })).json().data as DashboardData;
    assert.ok(data.widgets.every((w) => w.status === 'unsupported'));
    assert.equal(
      (await app.inject({ method: 'POST', url: '/api/dashboards/import/grafana', payload: { panels: 'x' } }))
        .statusCode,
      400,
    );
  });

  it('lists with pagination and a total', async () => {
    for (const t of ['page a', 'page b', 'page c'])
      assert.equal((await create(smallSpec(t))).statusCode, 201);
    const p = await app.inject({ url: '/api/dashboards?search=page&limit=2&offset=1' });
    assert.equal(p.statusCode, 200, p.body);
    assert.deepEqual(
      { ...p.json().data, items: p.json().data.items.map((i: { title: string }) => i.title) },
      { items: ['page b', 'page c'], total: 3, offset: 1, limit: 2 },
    );
    assert.equal((await app.inject({ url: '/api/dashboards?limit=0' })).statusCode, 400);
  });

  it('evaluates every widget type: series and values with catalog units, variables, anomalies, unavailable sources', async () => {
    const id = (await create(fullSpec())).json().data.id as string;
    const res = await app.inject({ url: `/api/dashboards/${id}/data?var[cluster]=c1` });
    assert.equal(res.statusCode, 200, res.body);
    const data = res.json().data as DashboardData;
    assert.equal(data.endMs % data.stepMs, 0);
    assert.equal(data.endMs - data.startMs, 15 * 60_000);
    const w = new Map(data.widgets.map((x) => [x.id, x]));
    const bw = w.get('bw')!;
    assert.equal(bw.status, 'ok');
    if (bw.status !== 'ok' || bw.result.kind !== 'series') throw new Error('bw');
    // rate of a byte counter, only cluster c1 selected by the variable: bytes per second, (3000 + 5000) per 2 s.
    assert.equal(bw.unit, 'bytes_per_second');
    assert.deepEqual(
      bw.result.series.map((s) => s.labels),
      [{ cluster: 'c1' }],
    );
    assert.ok(
      Math.abs(bw.result.series[0]!.values.at(-1)! - 4000) < 1e-9,
      String(bw.result.series[0]!.values.at(-1)),
    );
    const gauge = w.get('gauge')!;
    if (gauge.status !== 'ok' || gauge.result.kind !== 'values') throw new Error('gauge');
    assert.deepEqual(gauge.result.values, [{ refId: 'A', labels: {}, unit: 'count', value: 15 }]);
    const progress = w.get('progress')!;
    assert.equal(progress.status === 'ok' && progress.unit, 'ratio');
    const table = w.get('table')!;
    assert.equal(table.status === 'ok' && table.result.kind === 'table' && table.result.anomalies.length, 1);
    assert.deepEqual(
      ['alerts', 'logs', 'topology'].map((k) => w.get(k)!.status),
      ['unavailable', 'unavailable', 'unavailable'],
    );
    const all = (await app.inject({ url: `/api/dashboards/${id}/data` })).json().data as DashboardData;
    const bwAll = all.widgets.find((x) => x.id === 'bw')!;
    assert.equal(bwAll.status === 'ok' && bwAll.result.kind === 'series' && bwAll.result.series.length, 2);
  });

  it('variables: label values of the metric for the picker; selected values only ever match label values', async () => {
    const spec = {
      ...smallSpec('vars'),
      variables: [
        {
          kind: 'label_values',
          name: 'node',
          label: 'Node',
          metric: 'dwcp_amst_streams_active',
          labelName: 'node',
        },
        { kind: 'label_values', name: 'nothing', labelName: 'node' },
        { kind: 'custom', name: 'cluster', values: ['c1', 'c2'], multi: false },
        { kind: 'interval', name: 'step', values: ['1m', '5m'], default: '1m' },
      ],
      widgets: [
        {
          type: 'stat',
          id: 's',
          title: 'streams',
          gridPos: { x: 0, y: 0, w: 6, h: 4 },
          queries: [
            {
              kind: 'metric',
              refId: 'A',
              metric: 'dwcp_amst_streams_active',
              agg: 'sum',
              match: { node: '$node' },
            },
          ],
        },
      ],
    };
    const created = await create(spec);
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().data.id as string;
    const res = await app.inject({ url: `/api/dashboards/${id}/variables` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data, [
      {
        name: 'node',
        label: 'Node',
        kind: 'label_values',
        multi: true,
        includeAll: true,
        options: ['n1', 'n2', 'n3'],
        truncated: false,
        current: [],
      },
      {
        name: 'nothing',
        label: 'nothing',
        kind: 'label_values',
        multi: true,
        includeAll: true,
        options: [],
        truncated: false,
        current: [],
      },
      {
        name: 'cluster',
        label: 'cluster',
        kind: 'custom',
        multi: false,
        includeAll: true,
        options: ['c1', 'c2'],
        truncated: false,
        current: [],
      },
      {
        name: 'step',
        label: 'step',
        kind: 'interval',
        multi: false,
        includeAll: false,
        options: ['1m', '5m'],
        truncated: false,
        current: ['1m'],
      },
    ]);
    const value = async (query: string): Promise<number | null | undefined> => {
      const r = await app.inject({ url: `/api/dashboards/${id}/data${query}` });
      assert.equal(r.statusCode, 200, r.body);
      const w = (r.json().data as DashboardData).widgets[0]!;
      if (w.status !== 'ok' || w.result.kind !== 'values') throw new Error(r.body);
      return w.result.values[0]?.value;
    };
    assert.equal(await value(''), 15, 'no selection = All');
    assert.equal(await value('?var[node]=n2'), 5);
    assert.equal(await value('?var[node]=n1,n3'), 10);
    // Text that would widen a query elsewhere is a label value here: it matches no series.
    assert.equal(await value(`?var[node]=${encodeURIComponent('n1"} or vector(1) #')}`), undefined);
    assert.equal(await value(`?var[node]=${encodeURIComponent('.*')}`), undefined);
    // Exports carry a selection as each variable's current: Grafana's templating and the own JSON, which re-imports with it.
    const grafana = await app.inject({
      url: `/api/dashboards/${id}/export?format=grafana&var[node]=n1,n3&var[cluster]=c2&var[step]=5m`,
    });
    assert.equal(grafana.statusCode, 200, grafana.body);
    const current = Object.fromEntries(
      (grafana.json().templating.list as { name: string; current: unknown }[]).map((v) => [
        v.name,
        v.current,
      ]),
    );
    assert.deepEqual(current, {
      datasource: {},
      node: { selected: true, text: ['n1', 'n3'], value: ['n1', 'n3'] },
      nothing: { selected: true, text: ['All'], value: ['$__all'] },
      cluster: { selected: true, text: 'c2', value: 'c2' },
      step: { selected: true, text: '5m', value: '5m' },
    });
    const own = await app.inject({ url: `/api/dashboards/${id}/export?var[node]=n2&var[cluster]=$__all` });
    assert.deepEqual(
      (own.json().variables as { name: string; current?: string[]; default?: string }[]).map((v) => [
        v.name,
        v.current ?? v.default ?? null,
      ]),
      [
        ['node', ['n2']],
        ['nothing', null],
        ['cluster', null],
        ['step', '1m'],
      ],
    );
    const reimported = await create(own.json());
    assert.equal(reimported.statusCode, 201, reimported.body);
    const reId = reimported.json().data.id as string;
    assert.deepEqual(
      (await app.inject({ url: `/api/dashboards/${reId}/variables` })).json().data[0].current,
      ['n2'],
    );
    assert.equal(
      (await app.inject({ url: `/api/dashboards/${reId}/export?format=grafana` })).json().templating.list[1]
        .current.value[0],
      'n2',
    );
    assert.equal((await app.inject({ url: `/api/dashboards/${id}/variables?x=1` })).statusCode, 400);
    assert.equal(
      (await app.inject({ url: '/api/dashboards/00000000-0000-4000-8000-000000000000/variables' }))
        .statusCode,
      404,
    );
  });

  it('N viewers of one dashboard cost one evaluation of each query (shared cache)', async () => {
    const id = (await create(smallSpec('shared'))).json().data.id as string;
    const before = deps.samples.finds.length;
    const statsBefore = service.cacheStats();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => app.inject({ url: `/api/dashboards/${id}/data` })),
    );
    assert.ok(responses.every((r) => r.statusCode === 200));
    const s = service.cacheStats();
    assert.equal(
      s.misses - statsBefore.misses + (s.hits - statsBefore.hits) + (s.joins - statsBefore.joins),
      20,
    );
    assert.ok(
      deps.samples.finds.length - before <= 1,
      `${deps.samples.finds.length - before} series lookups`,
    );
  });

  it('WS /ws/dashboards/{id}: data on connect and on each refresh; per-dashboard and total limits; 404 for unknown dashboards', async () => {
    const spec = { ...smallSpec('live'), refresh: '1s' };
    const id = (await create(spec)).json().data.id as string;
    const id2 = (await create({ ...smallSpec('live 2'), refresh: '1s' })).json().data.id as string;
    const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    const open = (path: string) =>
      new Promise<{ ws: WebSocket; messages: DashboardLiveMessage[] }>((resolve, reject) => {
        const ws = new WebSocket(base + path);
        sockets.push(ws);
        const messages: DashboardLiveMessage[] = [];
        ws.on('message', (d) => {
          messages.push(DashboardLiveMessageSchema.parse(JSON.parse(String(d))));
          if (messages.length === 1) resolve({ ws, messages });
        });
        ws.on('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
        ws.on('error', reject);
        // closed by the server before its first message (over a limit after the upgrade): fail, do not hang
        ws.on('close', (code) => reject(new Error(`closed before the first message: ${code}`)));
      });
    const a = await open(`/ws/dashboards/${id}`);
    assert.equal(a.messages[0]!.type, 'data');
    const b = await open(`/ws/dashboards/${id}`);
    await assert.rejects(open(`/ws/dashboards/${id}`), /HTTP 429/);
    await open(`/ws/dashboards/${id2}`);
    await assert.rejects(open(`/ws/dashboards/${id2}`), /HTTP 429/); // 3 clients in all
    await assert.rejects(open('/ws/dashboards/00000000-0000-4000-8000-000000000000'), /HTTP (404|429)/);
    const deadline = Date.now() + 5000;
    while (a.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(a.messages.length >= 2, 'a refresh was pushed');
    // b's slot frees up once the server has seen its close, which under load may come after the client's: until
    // then a new viewer gets 429 (after a timer alone, the server might not have run its close handler yet).
    b.ws.close();
    const freed = Date.now() + 5000;
    let c = await open(`/ws/dashboards/${id}`).catch((e: Error) => e);
    while (c instanceof Error && /HTTP 429/.test(c.message) && Date.now() < freed) {
      await new Promise((r) => setTimeout(r, 20));
      c = await open(`/ws/dashboards/${id}`).catch((e: Error) => e);
    }
    if (c instanceof Error) throw c;
    assert.equal(c.messages[0]!.type, 'data');
    // Deleting the dashboard closes its viewers with an error message.
    const closed = new Promise<void>((r) => a.ws.on('close', () => r()));
    await app.inject({ method: 'DELETE', url: `/api/dashboards/${id}` });
    await closed;
    assert.equal(a.messages.at(-1)!.type, 'error');
  });
});
