/** Dependencies of the API for app.inject() tests: the real in-memory stores, fixed targets and component status. */
import { Registry } from 'prom-client';
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Labels } from '../../src/model/sample.ts';
import type { ComponentStatus, TargetStatus } from '../../src/model/status.ts';
import type { HealthReport } from '../../src/contract/health.ts';
import { createLiveFeed, type LocalLiveFeed } from '../../src/monitor/live-feed.ts';
import type { AppDeps, AppLimits } from '../../src/server/deps.ts';
import { aggregateSeries } from '../../src/store/query.ts';
import { MemoryAnomalyStore } from '../../src/store/memory/anomaly-store.ts';
import { MemorySampleStore } from '../../src/store/memory/sample-store.ts';
import type { AnomalyFilter, AnomalyStore, SeriesPoints, SeriesRef } from '../../src/store/types.ts';
import type { BucketResolutionMs, BucketSummary } from '../../src/store/stepped-types.ts';
import { anomaly as storeAnomaly } from './store-fixtures.ts';

export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

/** Anomaly `id` on `node-<id>` in eu-west (the store fixture's other fields), started `id` seconds after T0. */
export function anomaly(id: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id,
    ...storeAnomaly({
      seriesKey: `dwcp_amst_bandwidth_utilization{node_id="node-${id}"}`,
      metric: 'dwcp_amst_bandwidth_utilization',
      labels: { node_id: `node-${id}`, region: 'eu-west' },
      startedAtMs: T0 + id * 1000,
      detectedAtMs: T0 + id * 1000 + 5,
      observed: 10,
      expected: 50,
      lower: 40,
      upper: 60,
      deviation: -4,
    }),
    ...over,
  };
}

/**
 * The real in-memory anomaly store (src/store/memory/, run through the store contract suite) that also
 * records the filters it was asked for, so route tests can check what a route queried.
 */
export class RecordingAnomalyStore extends MemoryAnomalyStore {
  readonly filters: AnomalyFilter[] = [];
  override list(f: AnomalyFilter): Promise<Anomaly[]> {
    this.filters.push(f);
    return super.list(f);
  }
  /** The stored anomaly with this id, or undefined. */
  async get(id: number): Promise<Anomaly | undefined> {
    return (await super.list({ limit: this.maxAnomalies })).find((a) => a.id === id);
  }
}

/**
 * The real in-memory sample store (src/store/memory/, run through the store contract suite) that also
 * records the series lookups and point reads it served, so route tests can check what a route queried.
 */
export class RecordingSampleStore extends MemorySampleStore {
  readonly reads: { ids: number[]; startMs: number; endMs: number; max: number }[] = [];
  readonly finds: { name: string; match: Labels; limit: number }[] = [];
  override findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    this.finds.push({ name, match, limit });
    return super.findSeries(name, match, limit);
  }
  readonly bucketReads: {
    ids: number[];
    startMs: number;
    endMs: number;
    resolutionMs: BucketResolutionMs;
    summary: BucketSummary;
    max: number;
  }[] = [];
  override readPoints(
    refs: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    max: number,
  ): Promise<SeriesPoints[]> {
    this.reads.push({ ids: refs.map((r) => r.id), startMs, endMs, max });
    return super.readPoints(refs, startMs, endMs, max);
  }
  override readBuckets(
    refs: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: BucketResolutionMs,
    summary: BucketSummary,
    max: number,
  ): Promise<SeriesPoints[]> {
    this.bucketReads.push({ ids: refs.map((r) => r.id), startMs, endMs, resolutionMs, summary, max });
    return super.readBuckets(refs, startMs, endMs, resolutionMs, summary, max);
  }
}

/** Inserts `anomalies` in order (the store numbers them 1, 2, ... in a fresh store) and returns them as stored. */
export async function seedAnomalies(store: AnomalyStore, anomalies: readonly Anomaly[]): Promise<Anomaly[]> {
  const out: Anomaly[] = [];
  for (const a of anomalies) {
    const { id, ...fields } = a;
    void id; // the store assigns ids
    out.push(await store.insert(fields));
  }
  return out;
}

export const TARGETS: TargetStatus[] = [
  {
    id: 'node-1',
    url: 'http://127.0.0.1:9101/metrics',
    labels: { job: 'dwcp', instance: '127.0.0.1:9101', region: 'eu-west' },
    health: 'up',
    lastScrapeMs: T0,
    lastScrapeDurationMs: 12.5,
    lastError: null,
    samplesLastScrape: 420,
  },
  {
    id: 'node-2',
    url: 'http://127.0.0.1:9102/metrics',
    labels: { instance: '127.0.0.1:9102' },
    health: 'down',
    lastScrapeMs: null,
    lastScrapeDurationMs: null,
    lastError: 'connection refused',
    samplesLastScrape: 0,
  },
];

export const COMPONENT_STATUS: ComponentStatus[] = [
  {
    component: 'amst',
    region: 'eu-west',
    state: 'healthy',
    nodesHealthy: 2,
    nodesDegraded: 0,
    nodesDown: 0,
    activeAnomalies: 0,
  },
  {
    component: 'hde',
    region: 'eu-west',
    state: 'degraded',
    nodesHealthy: 1,
    nodesDegraded: 1,
    nodesDown: 0,
    activeAnomalies: 2,
  },
];

export interface TestDeps extends AppDeps {
  readonly anomalies: RecordingAnomalyStore;
  readonly samples: RecordingSampleStore;
  readonly live: LocalLiveFeed;
  readyFlag: boolean;
}

/** Fresh dependencies with empty stores (seed anomalies with {@link seedAnomalies}, samples with `append`). */
export function testDeps(over: { webRoot?: string; limits?: Partial<AppLimits> } = {}): TestDeps {
  const registry = new Registry();
  const deps: TestDeps = {
    auth: 'disabled',
    registry,
    readyFlag: true,
    health: (): HealthReport => ({ status: 'healthy', uptimeSeconds: 12.5 }),
    ready: () => deps.readyFlag,
    targets: () => TARGETS,
    componentStatus: () => COMPONENT_STATUS,
    anomalies: new RecordingAnomalyStore(),
    samples: new RecordingSampleStore(),
    aggregate: aggregateSeries,
    live: createLiveFeed(4),
    ...(over.webRoot !== undefined ? { webRoot: over.webRoot } : {}),
    ...(over.limits !== undefined ? { limits: over.limits } : {}),
  };
  return deps;
}
