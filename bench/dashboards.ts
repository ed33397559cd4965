/**
 * Dashboard engine under load: `--dashboards` (1000) dashboards of 8 widgets each, every one with a live viewer
 * (WS /ws/dashboards/{id}) refreshing every 5 s, over an hour of simulated DWCP history in a SQLite sample store
 * (`--nodes` simulated nodes scraped every 15 s). Widget queries are drawn (seeded) from a pool of `--pool` (200)
 * distinct catalog metric queries — metric × aggregation × grouping × node matcher — so dashboards share
 * queries, as dashboards made from templates do.
 *
 * Measured:
 * - anchor: the uncached cost of one dashboard's data (8 widget queries evaluated against the store, no cache),
 *   p50/p99 over `--anchor` dashboards, before the load and again after it (same run, same machine state);
 * - under load: latency of GET /api/dashboards/{id}/data (the data of all 8 widgets) for random dashboards while
 *   every viewer is being pushed updates: `--probes` concurrent probers, paced to spread `--samples` answers
 *   over `--seconds` (so the tail includes several refresh rounds and window moves), continuing unpaced when
 *   slower until `--samples` answers or `--max-seconds`, after a `--warmup`; the sample count is reported and a p99 from
 *   fewer than 100 samples is reported as missing. Pushes received; cache hits/joins/misses;
 * - the machine during the load: 1-minute load average (sampled every second), CPU cores this process used,
 *   event-loop delay p99;
 * - memory per open websocket: heap and RSS growth (after GC) from opening the viewers (in batches of `--connect-batch`, 50),
 *   divided by their number. Server and clients run in this one process, so this counts both ends of each
 *   connection (an upper bound).
 *
 * Run: `nice -n 10 npm run bench:dashboards -- [--dashboards 1000] [--nodes 6] [--samples 2000] [--probes 4]
 * [--seconds 60] [--max-seconds 240] [--warmup 5] [--anchor 200] [--pool 200] [--stale-ms -1] [--connect-batch 50]`. The goal is stated for 1000
 * dashboards; a smaller `--dashboards` is reported as such. Writes bench/results/dashboards.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CATALOG } from '../src/catalog/index.ts';
import type { DashboardSpecInput, MetricQuery, WidgetInput } from '../src/contract/dashboard-spec.ts';

type MetricQueryInput = Pick<MetricQuery, 'kind' | 'refId' | 'metric' | 'agg' | 'by'> & {
  match?: Record<string, string>;
};
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

/** A whole-number flag `--name N` within [min, max], else `def`. @throws Error naming the flag for other input */
const arg = (name: string, def: number, min = 1, max = 1_000_000): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new Error(
      `--${name} takes a whole number from ${min} to ${max}, got ${process.argv[i + 1] ?? 'nothing'}`,
    );
  return v;
};
const DASHBOARDS = arg('dashboards', 1000);
const NODES = arg('nodes', 6);
const SAMPLES = arg('samples', 2000, 100);
const PROBES = arg('probes', 4, 1, 64);
const SECONDS = arg('seconds', 60);
const MAX_SECONDS = arg('max-seconds', 240);
const WARMUP_SECONDS = arg('warmup', 5, 0);
const ANCHOR = arg('anchor', 200);
const POOL = arg('pool', 200);
/** Viewers whose handshakes are sent at once (smaller on a saturated machine, where a large batch can wait past the server's header timeout: HTTP 408). */
const CONNECT_BATCH = arg('connect-batch', 50, 1, 1000);
/** Stale-while-revalidate bound of the shared cache, ms (default −1: the service's default, its time to live; 0 = off). */
const STALE_MS = arg('stale-ms', -1, -1);
/** The size the latency goal is stated for. */
const GOAL_DASHBOARDS = 1000;
/** Fewest samples a p99 is reported from (one in a hundred answers is the tail). */
const MIN_P99_SAMPLES = 100;
const WIDGETS = 8;
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const gc = (globalThis as { gc?: () => void }).gc;
const started = performance.now();
/** A progress line on stderr with the seconds since start. */
const progress = (what: string): void =>
  void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);

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

const pct = (xs: number[], q: number): number =>
  quantileSorted(
    [...xs].sort((a, b) => a - b),
    q,
  );
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
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
  progress(`history stored: ${stored} samples of ${NODES} nodes`);
  const names = new Set(await samples.searchMetricNames('dwcp_v3_', 1000));
  const metrics = CATALOG.filter((m) => names.has(m.name) && m.type !== 'histogram').map((m) => ({
    name: m.name,
    counter: m.type === 'counter',
  }));
  const nodeLabels = (await samples.findSeries(metrics[0]!.name, {}, 1000))
    .map((s) => s.labels['node'])
    .filter((n): n is string => n !== undefined);
  const nodesSeen = [...new Set(nodeLabels)].sort();

  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pool: MetricQueryInput[] = [];
  const keys = new Set<string>();
  for (let guard = 0; pool.length < POOL && guard < POOL * 100; guard++) {
    const m = pick(metrics);
    const agg: Aggregation = m.counter ? 'rate' : pick(AGGREGATIONS.filter((a) => a !== 'rate'));
    const node = rand() < 0.5 ? undefined : nodesSeen[Math.floor(rand() * nodesSeen.length)];
    const query: MetricQueryInput = {
      kind: 'metric',
      refId: 'A',
      metric: m.name,
      agg,
      by: rand() < 0.5 ? ['node'] : [],
      ...(node ? { match: { node } } : {}),
    };
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
      widgets.push(
        w % 2 === 0
          ? { type: 'line', id: `w${w}`, title: query.metric, gridPos, queries: [query] }
          : { type: 'stat', id: `w${w}`, title: query.metric, gridPos, queries: [query] },
      );
    }
    specs.push({ title: `Dashboard ${d}`, refresh: '5s', timeRange: { from: 'now-1h', to: 'now' }, widgets });
  }

  const store = await openSqliteDashboardStore(join(dir, 'dashboards.db'));
  const t0 = Date.now();
  const now = () => toMs + (Date.now() - t0);
  const limits = { seriesMax: 200, rawPointsPerSeries: 20_000, targetPoints: 300 };
  const sources = { samples, anomalies: samples };
  const service = new DashboardService({
    store,
    sources,
    limits,
    now,
    ...(STALE_MS >= 0 ? { cache: { staleMs: STALE_MS } } : {}),
  });
  const scope = { tenantId: 'bench', actor: 'bench' };
  const ids: string[] = [];
  for (const s of specs) ids.push((await service.create(scope, s)).id);
  progress(`${ids.length} dashboards created`);

  // Anchor: the same dashboards evaluated without a cache (a time to live far below one evaluation).
  const uncached = new DashboardService({ store, sources, limits, now, cache: { ttlMs: 1e-9 } });
  const anchor = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const a0 = performance.now();
      await uncached.data(scope, ids[i % ids.length]!);
      out.push(performance.now() - a0);
    }
    return out;
  };
  const anchorMs = await anchor(ANCHOR);
  progress(`anchor: ${ANCHOR} uncached dashboards evaluated`);

  const api = dashboardsApi(service, {
    defaultScope: scope,
    maxLiveClients: DASHBOARDS + 10,
    maxLiveClientsPerDashboard: 10,
  });
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
  const c0 = performance.now();
  for (let i = 0; i < ids.length; i += CONNECT_BATCH)
    await Promise.all(ids.slice(i, i + CONNECT_BATCH).map(connect));
  const connectSeconds = (performance.now() - c0) / 1000;
  progress(`${sockets.length} viewers connected; probing`);
  const after = heap();

  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  const pushesAtLoad = pushes;
  const statsAtLoad = service.cacheStats();
  const loads: number[] = [loadavg()[0]!];
  const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 1000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  const latencies: number[] = [];
  const end = Date.now() + MAX_SECONDS * 1000;
  /** Each prober's pace, ms between requests: the samples spread over `--seconds`. */
  const paceMs = (SECONDS * 1000 * PROBES) / SAMPLES;
  const probe = async (): Promise<void> => {
    while (latencies.length < SAMPLES && Date.now() < end) {
      const id = pick(ids);
      const l0 = performance.now();
      const res = await fetch(`${base}/api/dashboards/${id}/data`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET data: HTTP ${res.status}`);
      const took = performance.now() - l0;
      latencies.push(took);
      if (took < paceMs) await new Promise((r) => setTimeout(r, paceMs - took));
    }
  };
  await Promise.all(Array.from({ length: PROBES }, probe));
  const loadSeconds = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lag.disable();
  clearInterval(loadTimer);
  loads.push(loadavg()[0]!);
  const pushesDuringLoad = pushes - pushesAtLoad;
  progress(`${latencies.length} samples in ${loadSeconds.toFixed(0)} s; anchor after the load`);
  const stats = service.cacheStats();
  const anchorAfterMs = await anchor(Math.max(1, Math.floor(ANCHOR / 2)));
  const p99 = latencies.length >= MIN_P99_SAMPLES ? pct(latencies, 0.99) : null;
  const result = {
    run: {
      dashboards: DASHBOARDS,
      goalSize: DASHBOARDS === GOAL_DASHBOARDS,
      samplesAsked: SAMPLES,
      probes: PROBES,
      seconds: SECONDS,
      maxSeconds: MAX_SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      staleMs: STALE_MS,
      connectBatch: CONNECT_BATCH,
      cores: cpus().length,
    },
    dashboards: DASHBOARDS,
    widgetsPerDashboard: WIDGETS,
    distinctQueries: used.size,
    nodes: NODES,
    samplesStored: stored,
    fillSeconds: fillS,
    anchorUncachedDashboardMs: { n: anchorMs.length, p50: pct(anchorMs, 0.5), p99: pct(anchorMs, 0.99) },
    anchorUncachedAfterLoadMs: {
      n: anchorAfterMs.length,
      p50: pct(anchorAfterMs, 0.5),
      p99: pct(anchorAfterMs, 0.99),
    },
    underLoadDashboardDataMs: {
      n: latencies.length,
      seconds: loadSeconds,
      p50: pct(latencies, 0.5),
      p99,
      max: Math.max(...latencies),
    },
    machineDuringLoad: {
      loadAverage1m: { min: Math.min(...loads), mean: mean(loads), max: Math.max(...loads) },
      processCpuCores: (cpu.user + cpu.system) / 1e6 / loadSeconds,
      eventLoopDelayP99Ms: lag.percentile(99) / 1e6,
    },
    viewers: sockets.length,
    viewersConnectedInSeconds: connectSeconds,
    pushesDuringLoad,
    pushesPerSecond: pushesDuringLoad / loadSeconds,
    pushesPerSecondAsked: sockets.length / 5,
    cacheDuringLoad: {
      hits: stats.hits - statsAtLoad.hits,
      joins: stats.joins - statsAtLoad.joins,
      misses: stats.misses - statsAtLoad.misses,
      stale: stats.stale - statsAtLoad.stale,
      size: stats.size,
    },
    memoryPerSocketBytes: {
      heap: (after.heap - before.heap) / sockets.length,
      rss: (after.rss - before.rss) / sockets.length,
    },
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
        [
          'run',
          `${DASHBOARDS} dashboards${DASHBOARDS === GOAL_DASHBOARDS ? ' (the goal size)' : ` (the goal is stated for ${GOAL_DASHBOARDS})`}, ${NODES} nodes, ${PROBES} probers, ${cpus().length} cores`,
        ],
        ['dashboards × widgets (distinct queries)', `${DASHBOARDS} × ${WIDGETS} (${used.size})`],
        [
          'anchor: uncached dashboard data p50 / p99, before the load (ms)',
          `${f(result.anchorUncachedDashboardMs.p50)} / ${f(result.anchorUncachedDashboardMs.p99)} (n=${anchorMs.length})`,
        ],
        [
          'anchor: the same after the load (ms)',
          `${f(result.anchorUncachedAfterLoadMs.p50)} / ${f(result.anchorUncachedAfterLoadMs.p99)} (n=${anchorAfterMs.length})`,
        ],
        [
          'under load: GET data (8 widgets) p50 / p99 / max (ms)',
          `${f(result.underLoadDashboardDataMs.p50)} / ${p99 === null ? `no p99 (fewer than ${MIN_P99_SAMPLES} samples)` : f(p99)} / ${f(result.underLoadDashboardDataMs.max)} (n=${latencies.length} in ${f(loadSeconds)} s)`,
        ],
        [
          'load average 1m during the load: min / mean / max',
          `${f(result.machineDuringLoad.loadAverage1m.min)} / ${f(result.machineDuringLoad.loadAverage1m.mean)} / ${f(result.machineDuringLoad.loadAverage1m.max)}`,
        ],
        [
          'CPU cores this process used; event-loop delay p99 (ms)',
          `${result.machineDuringLoad.processCpuCores.toFixed(2)}; ${f(result.machineDuringLoad.eventLoopDelayP99Ms)}`,
        ],
        [
          'live viewers (connected in s), pushes/s got / asked',
          `${sockets.length} (${f(connectSeconds)}), ${f(result.pushesPerSecond)} / ${f(result.pushesPerSecondAsked)}`,
        ],
        [
          'cache hits / joins / misses / stale during load',
          `${result.cacheDuringLoad.hits} / ${result.cacheDuringLoad.joins} / ${result.cacheDuringLoad.misses} / ${result.cacheDuringLoad.stale}`,
        ],
        [
          'memory per open websocket, heap / RSS (KiB, both ends)',
          `${f(result.memoryPerSocketBytes.heap / 1024)} / ${f(result.memoryPerSocketBytes.rss / 1024)}`,
        ],
      ],
    ),
  );
} finally {
  for (const s of sockets) s.terminate();
  rmSync(dir, { recursive: true, force: true });
}
