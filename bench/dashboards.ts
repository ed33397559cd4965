/**
 * Dashboard engine under load: `--dashboards` (1000) dashboards of 8 widgets each, every one with a live viewer
 * (WS /ws/dashboards/{id}) refreshing every 5 s, over an hour of simulated DWCP history in a SQLite sample store
 * (`--nodes` simulated nodes scraped every 15 s). Widget queries are drawn (seeded) from a pool of `--pool` (200)
 * distinct catalog metric queries — metric × aggregation × grouping × node matcher — so dashboards share
 * queries, as dashboards made from templates do.
 *
 * Measured:
 * - anchor: the uncached cost of one dashboard's data (8 widget queries evaluated against the store, no cache),
 *   p50/p99 over `--anchor` dashboards, before the load;
 * - under load: latency of GET /api/dashboards/{id}/data (all 8 widgets) for random dashboards while every
 *   viewer is being pushed updates, p50/p99 over `--seconds`; pushes received; cache hits/joins/misses;
 * Viewers connect in batches of 50.
 * - memory per open websocket: heap and RSS growth (after GC) from opening the viewers, divided by their number.
 *   Server and clients run in this one process, so this counts both ends of each connection (an upper bound).
 *
 * Run: `nice -n 10 npm run bench:dashboards -- [--dashboards 1000] [--nodes 6] [--seconds 30] [--anchor 200] [--pool 200] [--stale-ms 0]`.
 * Writes bench/results/dashboards.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CATALOG } from '../src/catalog/index.ts';
import type { DashboardSpecInput, MetricQuery, WidgetInput } from '../src/contract/dashboard-spec.ts';

type MetricQueryInput = Pick<MetricQuery, 'kind' | 'refId' | 'metric' | 'agg' | 'by'> & { match?: Record<string, string> };
import { AGGREGATIONS, type Aggregation } from '../src/contract/series.ts';
import { dashboardsApi } from '../src/dashboards/api.ts';
import { DashboardService } from '../src/dashboards/service.ts';
import { openSqliteDashboardStore } from '../src/dashboards/store/open.ts';
import { buildApp } from '../src/server/app.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { testDeps } from '../test/helpers/server-fakes.ts';
import { fillHistory } from '../test/helpers/sim-history.ts';
import { markdownTable } from './table.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DASHBOARDS = arg('dashboards', 1000);
const NODES = arg('nodes', 6);
const SECONDS = arg('seconds', 30);
const ANCHOR = arg('anchor', 200);
const POOL = arg('pool', 200);
/** Stale-while-revalidate bound of the shared cache, ms (default −1: the service's default, its time to live; 0 = off). */
const STALE_MS = arg('stale-ms', -1);
const WIDGETS = 8;
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const gc = (globalThis as { gc?: () => void }).gc;

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], q: number): number => quantileSorted([...xs].sort((a, b) => a - b), q);
const heap = () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};

const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-dashboards-'));
const sockets: WebSocket[] = [];
try {
  const toMs = Date.UTC(2026, 2, 4, 12);
  const fromMs = toMs - 3_600_000;
  const samples = await openSqliteStore({ path: join(dir, 'samples.db'), retentionMs: 7 * 86_400_000 });
  const f0 = performance.now();
  const stored = await fillHistory(samples, { nodes: NODES, regions: REGIONS, fromMs, toMs, stepMs: 15_000 });
  const fillS = (performance.now() - f0) / 1000;
  const names = new Set(await samples.searchMetricNames('dwcp_v3_', 1000));
  const metrics = CATALOG.filter((m) => names.has(m.name) && m.type !== 'histogram').map((m) => ({ name: m.name, counter: m.type === 'counter' }));
  const nodeLabels = (await samples.findSeries(metrics[0]!.name, {}, 1000)).map((s) => s.labels['node']).filter((n): n is string => n !== undefined);
  const nodesSeen = [...new Set(nodeLabels)].sort();

  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pool: MetricQueryInput[] = [];
  const keys = new Set<string>();
  for (let guard = 0; pool.length < POOL && guard < POOL * 100; guard++) {
    const m = pick(metrics);
    const agg: Aggregation = m.counter ? 'rate' : pick(AGGREGATIONS.filter((a) => a !== 'rate'));
    const node = rand() < 0.5 ? undefined : nodesSeen[Math.floor(rand() * nodesSeen.length)];
    const query: MetricQueryInput = { kind: 'metric', refId: 'A', metric: m.name, agg, by: rand() < 0.5 ? ['node'] : [], ...(node ? { match: { node } } : {}) };
    const key = JSON.stringify(query);
    if (!keys.has(key)) {
      keys.add(key);
      pool.push(query);
    }
  }
  const used = new Set<string>();
  const specs: DashboardSpecInput[] = [];
  for (let d = 0; d < DASHBOARDS; d++) {
    const widgets: WidgetInput[] = [];
    for (let w = 0; w < WIDGETS; w++) {
      const query = pick(pool);
      used.add(JSON.stringify(query));
      const gridPos = { x: (w % 4) * 6, y: Math.floor(w / 4) * 6, w: 6, h: 6 };
      widgets.push(w % 2 === 0 ? { type: 'line', id: `w${w}`, title: query.metric, gridPos, queries: [query] } : { type: 'stat', id: `w${w}`, title: query.metric, gridPos, queries: [query] });
    }
    specs.push({ title: `Dashboard ${d}`, refresh: '5s', timeRange: { from: 'now-1h', to: 'now' }, widgets });
  }

  const store = await openSqliteDashboardStore(join(dir, 'dashboards.db'));
  const t0 = Date.now();
  const now = () => toMs + (Date.now() - t0);
  const limits = { seriesMax: 200, rawPointsPerSeries: 20_000, targetPoints: 300 };
  const sources = { samples, anomalies: samples };
  const service = new DashboardService({ store, sources, limits, now, ...(STALE_MS >= 0 ? { cache: { staleMs: STALE_MS } } : {}) });
  const scope = { tenantId: 'bench', actor: 'bench' };
  const ids: string[] = [];
  for (const s of specs) ids.push((await service.create(scope, s)).id);

  // Anchor: the same dashboards evaluated without a cache (a time to live far below one evaluation).
  const uncached = new DashboardService({ store, sources, limits, now, cache: { ttlMs: 1e-9 } });
  const anchorMs: number[] = [];
  for (let i = 0; i < ANCHOR; i++) {
    const a0 = performance.now();
    await uncached.data(scope, ids[i % ids.length]!);
    anchorMs.push(performance.now() - a0);
  }

  const api = dashboardsApi(service, { defaultScope: scope, maxLiveClients: DASHBOARDS + 10, maxLiveClientsPerDashboard: 10 });
  const app = await buildApp({ ...testDeps(), dashboards: api });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const before = heap();
  let pushes = 0;
  // Viewers arrive in batches (all at once would queue a thousand handshakes behind their first evaluations).
  const connect = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/dashboards/${id}`);
      sockets.push(ws);
      let first = true;
      ws.on('message', () => {
        pushes++;
        if (first) {
          first = false;
          resolve();
        }
      });
      ws.on('error', reject);
    });
  for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map(connect));
  const after = heap();
  const pushesAtStart = pushes;
  const statsAtStart = service.cacheStats();

  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    const id = pick(ids);
    const l0 = performance.now();
    const res = await fetch(`${base}/api/dashboards/${id}/data`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET data: HTTP ${res.status}`);
    latencies.push(performance.now() - l0);
    await new Promise((r) => setTimeout(r, 20));
  }
  const stats = service.cacheStats();
  const result = {
    dashboards: DASHBOARDS,
    widgetsPerDashboard: WIDGETS,
    distinctQueries: used.size,
    nodes: NODES,
    samplesStored: stored,
    fillSeconds: fillS,
    anchorUncachedDashboardMs: { n: anchorMs.length, p50: pct(anchorMs, 0.5), p99: pct(anchorMs, 0.99) },
    underLoadDashboardDataMs: { n: latencies.length, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), max: Math.max(...latencies) },
    viewers: sockets.length,
    pushesDuringLoad: pushes - pushesAtStart,
    pushesPerSecond: (pushes - pushesAtStart) / SECONDS,
    cacheDuringLoad: { hits: stats.hits - statsAtStart.hits, joins: stats.joins - statsAtStart.joins, misses: stats.misses - statsAtStart.misses, stale: stats.stale - statsAtStart.stale, size: stats.size },
    memoryPerSocketBytes: { heap: (after.heap - before.heap) / sockets.length, rss: (after.rss - before.rss) / sockets.length },
    gcExposed: gc !== undefined,
  };
  for (const s of sockets) s.terminate();
  await app.close();
  await store.close();
  await samples.close();
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/dashboards.json', JSON.stringify(result, null, 2) + '\n');
  const f = (x: number) => x.toFixed(1);
  console.log(
    markdownTable(
      'Dashboards under load',
      ['measure', 'value'],
      [
        ['dashboards × widgets (distinct queries)', `${DASHBOARDS} × ${WIDGETS} (${used.size})`],
        ['anchor: uncached dashboard data p50 / p99 (ms)', `${f(result.anchorUncachedDashboardMs.p50)} / ${f(result.anchorUncachedDashboardMs.p99)}`],
        ['under load: GET data p50 / p99 / max (ms)', `${f(result.underLoadDashboardDataMs.p50)} / ${f(result.underLoadDashboardDataMs.p99)} / ${f(result.underLoadDashboardDataMs.max)} (n=${latencies.length})`],
        ['live viewers, pushes/s', `${sockets.length}, ${f(result.pushesPerSecond)}`],
        ['cache hits / joins / misses / stale during load', `${result.cacheDuringLoad.hits} / ${result.cacheDuringLoad.joins} / ${result.cacheDuringLoad.misses} / ${result.cacheDuringLoad.stale}`],
        ['memory per open websocket, heap / RSS (KiB, both ends)', `${f(result.memoryPerSocketBytes.heap / 1024)} / ${f(result.memoryPerSocketBytes.rss / 1024)}`],
      ],
    ),
  );
} finally {
  for (const s of sockets) s.terminate();
  rmSync(dir, { recursive: true, force: true });
}
