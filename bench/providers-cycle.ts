/**
 * Every periodic or on-request provider call of the monitor, per call, at several amounts of data stored: CPU,
 * bytes allocated, store reads and points read. The same healthy simulated cluster as bench/insights-cycle.ts is
 * scraped every second into the chunked SQLite store up to each `--at` (seconds stored), then `--rounds` cycles of
 * 15 s more data each measure: the insights export's three calls (rollout, SLO, regions — `regions` with the
 * points kept between calls, `regions-full` reading its window every time; their results must be identical), the
 * export's gauges (`exporter`: the three calls' results set as metrics, the calls themselves not counted),
 * GET /api/capacity (default 7 d window), GET /api/network (default 15 min), GET /api/models/performance (the
 * benchmark report read from disk; the report of bench/results when there is one), and one maintenance pass
 * (retention, stale series, anomaly pruning; every 60 s in `serve`). Which figures grow with the data stored is
 * read off the tables of the successive `--at`. Detector checkpoints are not measured here (the cluster runs
 * without detection).
 *
 * Bytes allocated over a call with the collections inside it counted (bench/heap-allocated.ts). Run:
 * `node --max-semi-space-size=256 --expose-gc --import tsx bench/providers-cycle.ts [--nodes 12] [--at 900,3600]
 * [--rounds 6]`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { createCatalogMetrics } from '../src/catalog/registry.ts';
import { getMetric } from '../src/catalog/index.ts';
import { CAPACITY_RESOURCES } from '../src/contract/capacity.ts';
import { createCapacityProvider } from '../src/monitor/capacity-provider.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from '../src/monitor/insights-exporter.ts';
import { runMaintenance } from '../src/monitor/maintenance.ts';
import { fileModelPerformance } from '../src/monitor/model-performance.ts';
import { createNetworkProvider } from '../src/monitor/network-provider.ts';
import { createInsightsProvider, type InsightsProvider } from '../src/monitor/rollout-provider.ts';
import { DEFAULT_CAPACITY_WINDOW_MS } from '../src/server/routes/capacity.ts';
import { DEFAULT_NETWORK_WINDOW_MS } from '../src/server/routes/network.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import type { SampleStore } from '../src/store/types.ts';
import { healthyCluster } from '../test/helpers/healthy-cluster.ts';
import { measureCall } from './heap-allocated.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    at: { type: 'string', default: '900,3600' },
    rounds: { type: 'string', default: '6' },
    report: { type: 'string', default: 'bench/results/detect.json' },
  },
});
const nodes = Number(values.nodes);
const stages = values.at.split(',').map(Number);
const rounds = Number(values.rounds);
const CALLS = [
  'rollout',
  'slo',
  'regions',
  'regions-full',
  'exporter',
  'capacity',
  'network',
  'model-performance',
  'maintenance',
] as const;
type Call = (typeof CALLS)[number];

interface Tally {
  cpuMs: number[];
  bytes: number[];
  reads: number;
  points: number;
  collections: number;
}

const dir = mkdtempSync(join(tmpdir(), 'providers-cycle-'));
const opened = await openChunkedSqliteStore({ path: join(dir, 'db.sqlite'), walDir: join(dir, 'wal') });
try {
  const last = stages[stages.length - 1]!;
  const cluster = healthyCluster(opened.samples, {
    nodes,
    maxSeconds: last + 15 * (rounds + 1) * stages.length + 1,
  });
  let reads = 0;
  let points = 0;
  const counted = Object.create(opened) as SampleStore;
  counted.readPoints = async (...a) => {
    const r = await opened.readPoints(...a);
    reads++;
    for (const p of r) points += p.timestampsMs.length;
    return r;
  };
  const insights = createInsightsProvider(counted);
  const regionsFull = createInsightsProvider(counted, { regionKeepPoints: false });
  const capacity = createCapacityProvider(counted);
  const network = createNetworkProvider(counted);
  const models = fileModelPerformance(values.report);
  const registry = new Registry();
  const metrics = createCatalogMetrics(registry, [
    getMetric('dwcp_monitor_rollout_decision'),
    getMetric('dwcp_monitor_rollout_score'),
    getMetric('dwcp_monitor_slo_compliance_ratio'),
    getMetric('dwcp_monitor_slo_error_budget_remaining_ratio'),
    getMetric('dwcp_monitor_region_health_score'),
  ]);
  const o = DEFAULT_INSIGHTS_EXPORT;
  let results: { rollout?: unknown; slo?: unknown; regions?: unknown } = {};
  /** The three results as the exporter gets them, without calling the store again. */
  const replay = (): InsightsProvider =>
    ({
      rollout: async () => results.rollout,
      slo: async () => results.slo,
      regions: async () => results.regions,
    }) as unknown as InsightsProvider;
  const run = async (c: Call, nowMs: number): Promise<unknown> => {
    switch (c) {
      case 'rollout':
        return (results.rollout = await insights.rollout(o.rolloutWindowMs, nowMs));
      case 'slo':
        return (results.slo = await insights.slo(o.sloWindowMs, nowMs));
      case 'regions':
        return (results.regions = await insights.regions(o.regionWindowMs, nowMs));
      case 'regions-full':
        return regionsFull.regions(o.regionWindowMs, nowMs);
      case 'exporter':
        return exportInsights(replay(), metrics, nowMs);
      case 'capacity':
        return capacity.capacity(DEFAULT_CAPACITY_WINDOW_MS, CAPACITY_RESOURCES, nowMs);
      case 'network':
        return network.network(DEFAULT_NETWORK_WINDOW_MS, nowMs, undefined);
      case 'model-performance':
        return models.read().catch(() => null);
      case 'maintenance':
        return runMaintenance(
          {
            tracker: { forgetOlderThan: () => 0 },
            store: opened,
            checkpointer: null,
            log: { error: () => undefined, warn: () => undefined, info: () => undefined } as never,
            maxAnomalies: 10_000,
            detectorStateRetentionMs: 6 * 3_600_000,
          },
          nowMs,
        );
    }
  };
  let sec = 0;
  for (const at of stages) {
    sec = Math.max(sec, at);
    let now = await cluster.advanceTo(sec);
    const tally = new Map<Call, Tally>(
      CALLS.map((c) => [c, { cpuMs: [], bytes: [], reads: 0, points: 0, collections: 0 }]),
    );
    for (let round = 0; round <= rounds; round++) {
      sec += 15;
      now = await cluster.advanceTo(sec);
      results = {};
      // Kept before full in even rounds, after it in odd ones.
      const order =
        round % 2 === 0
          ? CALLS
          : CALLS.map((c) => (c === 'regions' ? 'regions-full' : c === 'regions-full' ? 'regions' : c));
      const out = new Map<Call, unknown>();
      for (const c of order) {
        const t = tally.get(c)!;
        reads = 0;
        points = 0;
        const cost = await measureCall(() => run(c, now));
        out.set(c, cost.result);
        if (round === 0) continue; // warms the caches kept between calls
        t.cpuMs.push(cost.cpuMs);
        t.bytes.push(cost.bytes);
        t.collections += cost.collections;
        t.reads += reads;
        t.points += points;
      }
      assert.equal(
        JSON.stringify(out.get('regions')),
        JSON.stringify(out.get('regions-full')),
        'regions differ',
      );
    }
    const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1] ?? Number.NaN;
    console.log(
      `\n${nodes} nodes, ${sec - 15 * (rounds + 1)} s stored, ${rounds} cycles of 15 s after one not counted; regions identical`,
    );
    console.log('| call | store reads | points read | CPU ms median (all) | kB allocated median |');
    console.log('|---|---|---|---|---|');
    for (const [c, t] of tally)
      console.log(
        `| ${c} | ${(t.reads / rounds).toFixed(1)} | ${Math.round(t.points / rounds)} | ${median(t.cpuMs).toFixed(1)} (${t.cpuMs.map((x) => x.toFixed(0)).join(' ')}) | ${(median(t.bytes) / 1024).toFixed(0)} (${t.collections} collections) |`,
      );
  }
} finally {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
}
