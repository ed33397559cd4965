/**
 * Composition of the monitor's periodic tasks for `startMonitor`: tail-sampling flushes, maintenance (retention,
 * stale series, anomaly pruning), the sample store's state and the insights export to /metrics, span/log/exemplar retention, self-log flushes, the
 * error-log rates, the per-operation span series and detector checkpoints. Wiring only: each task runs a unit
 * written elsewhere.
 */
import type { Logger } from 'pino';
import type { CatalogMetrics } from '../catalog/registry.ts';
import type { MonitorConfig } from '../config.ts';
import type { LogErrorCounts } from '../logs/log-metrics.ts';
import type { SelfLogSink } from '../logs/self-log.ts';
import type { LogStore } from '../logs/store/log-store.ts';
import type { DetectorCheckpointer } from '../monitor/checkpointer.ts';
import {
  DEFAULT_INSIGHTS_EXPORT,
  exportInsights,
  type InsightsTrackers,
} from '../monitor/insights-exporter.ts';
import { MAINTENANCE_INTERVAL_MS, runMaintenance } from '../monitor/maintenance.ts';
import { PeriodicTask } from '../monitor/periodic.ts';
import { catalogStoreMetrics, hasStoreState } from '../monitor/store-metrics.ts';
import type { MonitorPipeline } from '../monitor/pipeline.ts';
import type { InsightsProvider } from '../monitor/rollout-provider.ts';
import type { OpenedStore } from '../store/sqlite.ts';
import type { ExemplarStore } from '../traces/exemplars/exemplar-store.ts';
import type { TraceStore } from '../traces/store/trace-store.ts';
import type { TraceApi } from '../traces/trace-api.ts';

/** How often the rollout decision, SLO budgets and region scores are recomputed for /metrics, ms. */
export const INSIGHTS_INTERVAL_MS = 15_000;

/** How often the sample store's own state is read into /metrics (`dwcp_monitor_store_*`), ms. */
export const STORE_METRICS_INTERVAL_MS = 5_000;

/** What the periodic tasks run on; the optional systems are undefined when turned off. */
export interface TaskDeps {
  readonly config: MonitorConfig;
  readonly pipeline: MonitorPipeline;
  readonly store: OpenedStore;
  readonly checkpointer: DetectorCheckpointer | null;
  readonly insights: InsightsProvider;
  readonly trackers: InsightsTrackers;
  readonly metrics: CatalogMetrics;
  readonly traceApi: TraceApi | undefined;
  readonly traceStore: TraceStore | undefined;
  readonly logStore: LogStore | undefined;
  readonly exemplarStore: ExemplarStore | undefined;
  readonly selfLog: SelfLogSink | undefined;
  readonly errorCounts: LogErrorCounts;
  readonly log: Logger;
  /** Clock (Unix ms). */
  readonly clock: () => number;
}

/** A retention task for an optional store. */
function retention(
  store: { applyRetention(nowMs: number): Promise<unknown> } | undefined,
  what: string,
  d: TaskDeps,
): PeriodicTask[] {
  if (!store) return [];
  return [
    new PeriodicTask({
      intervalMs: MAINTENANCE_INTERVAL_MS,
      run: async () => void (await store.applyRetention(d.clock())),
      onError: (e) => d.log.error({ err: e }, `${what} retention failed`),
    }),
  ];
}

/** The periodic tasks (not started). */
export function buildTasks(d: TaskDeps): PeriodicTask[] {
  const { config, pipeline, store, checkpointer, log, clock, traceApi, logStore, selfLog, errorCounts } = d;
  const storeMetrics = catalogStoreMetrics(d.metrics);
  return [
    ...(traceApi?.sampling
      ? [
          new PeriodicTask({
            intervalMs: 1000,
            run: () => traceApi.sampling?.flush(),
            onError: (e) => log.error({ err: e }, 'storing tail-sampled traces failed'),
          }),
        ]
      : []),
    new PeriodicTask({
      intervalMs: MAINTENANCE_INTERVAL_MS,
      run: async () => {
        const done = await runMaintenance(
          {
            tracker: pipeline.tracker,
            store,
            checkpointer,
            log,
            maxAnomalies: config.anomalies.maxStored,
            detectorStateRetentionMs: config.storage.retention,
          },
          clock(),
        );
        storeMetrics.retentionDeleted(done.samplesDeleted ?? 0);
      },
      onError: (e) => log.error({ err: e }, 'maintenance failed'),
    }),
    ...(hasStoreState(store)
      ? [
          new PeriodicTask({
            intervalMs: STORE_METRICS_INTERVAL_MS,
            run: () => storeMetrics.update(store.stats()),
            onError: (e) => log.warn({ err: e }, 'reading the sample store state failed'),
          }),
        ]
      : []),
    new PeriodicTask({
      intervalMs: INSIGHTS_INTERVAL_MS,
      run: () => exportInsights(d.insights, d.metrics, clock(), DEFAULT_INSIGHTS_EXPORT, d.trackers),
      onError: (e) => log.warn({ err: e }, 'exporting rollout/SLO/region metrics failed'),
    }),
    ...retention(d.traceStore, 'trace', d),
    ...retention(logStore, 'log', d),
    ...retention(d.exemplarStore, 'exemplar', d),
    ...(logStore
      ? [
          new PeriodicTask({ intervalMs: 1000, run: () => selfLog?.flush(), onError: () => undefined }),
          new PeriodicTask({
            intervalMs: config.scrape.interval,
            run: async () =>
              void (
                errorCounts.nodes > 0 && (await pipeline.ingestPushed('logs', errorCounts.samples(clock())))
              ),
            onError: (e) => log.error({ err: e }, 'ingesting the error-log rates failed'),
          }),
        ]
      : []),
    ...(traceApi
      ? [
          new PeriodicTask({
            intervalMs: config.scrape.interval,
            run: async () =>
              void (
                traceApi.spanSeries.operations > 0 &&
                (await pipeline.ingestPushed('traces', traceApi.spanSeries.samples(clock())))
              ),
            onError: (e) => log.error({ err: e }, 'ingesting the per-operation span series failed'),
          }),
        ]
      : []),
    ...(checkpointer
      ? [
          new PeriodicTask({
            intervalMs: config.detection.checkpointInterval,
            run: () => checkpointer.checkpoint(),
            onError: (e) => log.error({ err: e }, 'checkpointing detector states failed'),
          }),
        ]
      : []),
  ];
}
