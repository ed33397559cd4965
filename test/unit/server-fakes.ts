/** Small in-memory implementations of the API's narrow interfaces, for app.inject() tests. */
import { Registry } from 'prom-client';
import { NotFoundError } from '../../src/errors.ts';
import type { Anomaly } from '../../src/model/anomaly.ts';
import { severityRank } from '../../src/model/dwcp.ts';
import { seriesKey, type Labels, type Sample } from '../../src/model/sample.ts';
import type { ComponentStatus, TargetStatus } from '../../src/model/status.ts';
import type { HealthReport } from '../../src/contract/health.ts';
import { createLiveFeed, type LocalLiveFeed } from '../../src/monitor/live-feed.ts';
import type { AppDeps, AppLimits } from '../../src/server/deps.ts';
import { aggregateSeries } from '../../src/store/query.ts';
import type {
  AnomalyFilter,
  AnomalyStore,
  AppendResult,
  SampleStore,
  SeriesPoints,
  SeriesRef,
} from '../../src/store/types.ts';

export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

export function anomaly(id: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id,
    seriesKey: `dwcp_amst_bandwidth_utilization{node_id="node-${id}"}`,
    metric: 'dwcp_amst_bandwidth_utilization',
    labels: { node_id: `node-${id}`, region: 'eu-west' },
    component: 'amst',
    kind: 'bandwidth',
    startedAtMs: T0 + id * 1000,
    detectedAtMs: T0 + id * 1000 + 5,
    resolvedAtMs: null,
    observed: 10,
    expected: 50,
    lower: 40,
    upper: 60,
    deviation: -4,
    confidence: 0.9,
    severity: 'high',
    detector: 'statistical',
    acknowledged: false,
    score: 0.97,
    votes: [],
    ...over,
  };
}

export class MemoryAnomalyStore implements AnomalyStore {
  readonly items = new Map<number, Anomaly>();
  readonly filters: AnomalyFilter[] = [];
  private nextId = 1;
  constructor(initial: readonly Anomaly[] = []) {
    for (const a of initial) {
      this.items.set(a.id, a);
      this.nextId = Math.max(this.nextId, a.id + 1);
    }
  }
  async insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly> {
    const stored = { ...a, id: this.nextId++ };
    this.items.set(stored.id, stored);
    return stored;
  }
  async resolve(id: number, resolvedAtMs: number): Promise<void> {
    const a = this.items.get(id);
    if (!a) throw new NotFoundError(`anomaly ${id} not found`);
    this.items.set(id, { ...a, resolvedAtMs });
  }
  async acknowledge(id: number): Promise<Anomaly> {
    const a = this.items.get(id);
    if (!a) throw new NotFoundError(`anomaly ${id} not found`);
    const acked = { ...a, acknowledged: true };
    this.items.set(id, acked);
    return acked;
  }
  async list(f: AnomalyFilter): Promise<Anomaly[]> {
    this.filters.push(f);
    return [...this.items.values()]
      .filter((a) => f.startMs === undefined || a.startedAtMs >= f.startMs)
      .filter((a) => f.endMs === undefined || a.startedAtMs <= f.endMs)
      .filter((a) => f.component === undefined || a.component === f.component)
      .filter((a) => f.severity === undefined || a.severity === f.severity)
      .filter((a) => f.minSeverity === undefined || severityRank(a.severity) >= severityRank(f.minSeverity))
      .sort((a, b) => b.startedAtMs - a.startedAtMs)
      .slice(0, f.limit);
  }
  async prune(): Promise<number> {
    return 0;
  }
}

export class MemorySampleStore implements SampleStore {
  private readonly series = new Map<string, { ref: SeriesRef; ts: number[]; vs: number[] }>();
  readonly reads: { ids: number[]; startMs: number; endMs: number; max: number }[] = [];
  readonly finds: { name: string; match: Labels; limit: number }[] = [];
  async append(batch: readonly Sample[]): Promise<AppendResult> {
    for (const s of batch) {
      const key = seriesKey(s.name, s.labels);
      let e = this.series.get(key);
      if (!e) {
        e = { ref: { id: this.series.size + 1, key, name: s.name, labels: s.labels }, ts: [], vs: [] };
        this.series.set(key, e);
      }
      e.ts.push(s.timestampMs);
      e.vs.push(s.value);
    }
    return { stored: batch.length, rejected: {} };
  }
  async searchMetricNames(substring: string, limit: number): Promise<string[]> {
    const names = new Set([...this.series.values()].map((e) => e.ref.name));
    return [...names].filter((n) => n.toLowerCase().includes(substring.toLowerCase())).sort().slice(0, limit);
  }
  async findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    this.finds.push({ name, match, limit });
    return [...this.series.values()]
      .map((e) => e.ref)
      .filter((r) => r.name === name && Object.entries(match).every(([k, v]) => r.labels[k] === v))
      .slice(0, limit);
  }
  async readPoints(refs: readonly SeriesRef[], startMs: number, endMs: number, max: number): Promise<SeriesPoints[]> {
    this.reads.push({ ids: refs.map((r) => r.id), startMs, endMs, max });
    return refs.map((ref) => {
      const e = this.series.get(ref.key)!;
      const idx = e.ts.map((t, i) => [t, i] as const).filter(([t]) => t >= startMs && t <= endMs).slice(-max);
      return { series: ref, timestampsMs: idx.map(([t]) => t), values: idx.map(([, i]) => e.vs[i]!) };
    });
  }
  async applyRetention(): Promise<number> {
    return 0;
  }
  async countSamples(): Promise<number> {
    return [...this.series.values()].reduce((s, e) => s + e.ts.length, 0);
  }
  async close(): Promise<void> {}
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
  { component: 'amst', region: 'eu-west', state: 'healthy', nodesHealthy: 2, nodesDegraded: 0, nodesDown: 0, activeAnomalies: 0 },
  { component: 'hde', region: 'eu-west', state: 'degraded', nodesHealthy: 1, nodesDegraded: 1, nodesDown: 0, activeAnomalies: 2 },
];

export interface TestDeps extends AppDeps {
  readonly anomalies: MemoryAnomalyStore;
  readonly samples: MemorySampleStore;
  readonly live: LocalLiveFeed;
  readyFlag: boolean;
}

export function testDeps(over: { webRoot?: string; limits?: Partial<AppLimits>; anomalies?: Anomaly[] } = {}): TestDeps {
  const registry = new Registry();
  const deps: TestDeps = {
    registry,
    readyFlag: true,
    health: (): HealthReport => ({ status: 'healthy', uptimeSeconds: 12.5, series: 3 }),
    ready: () => deps.readyFlag,
    targets: () => TARGETS,
    componentStatus: () => COMPONENT_STATUS,
    anomalies: new MemoryAnomalyStore(over.anomalies ?? []),
    samples: new MemorySampleStore(),
    aggregate: aggregateSeries,
    live: createLiveFeed(4),
    ...(over.webRoot !== undefined ? { webRoot: over.webRoot } : {}),
    ...(over.limits !== undefined ? { limits: over.limits } : {}),
  };
  return deps;
}
