/**
 * Composition root: builds and wires the monitor service (`serve`, `demo`) from its configuration — opens the
 * store, builds the pipeline (src/monitor/build-pipeline.ts), the scraper feeding it, the API, and the periodic
 * tasks (maintenance, checkpoints, insights export). No logic of its own: every step is a unit elsewhere.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { WebhookSender } from './alerting/webhook-sender.ts';
import { CATALOG, metricsOf } from './catalog/index.ts';
import type { MonitorConfig } from './config.ts';
import { createHostCollector } from './ingest/host.ts';
import { startOps } from './main-ops.ts';
import { Scraper } from './ingest/scraper.ts';
import type { TargetStatus } from './model/status.ts';
import { AnomalySink } from './monitor/anomaly-sink.ts';
import { buildPipeline } from './monitor/build-pipeline.ts';
import { createCapacityProvider } from './monitor/capacity-provider.ts';
import { DetectorCheckpointer } from './monitor/checkpointer.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from './monitor/insights-exporter.ts';
import { MAINTENANCE_INTERVAL_MS, STALE_SERIES_MS, runMaintenance } from './monitor/maintenance.ts';
import { fileModelPerformance } from './monitor/model-performance.ts';
import { createNetworkProvider } from './monitor/network-provider.ts';
import { PeriodicTask } from './monitor/periodic.ts';
import { catalogPipelineMetrics } from './monitor/pipeline-metrics.ts';
import { RegionTrendTracker } from './monitor/region-trend-tracker.ts';
import { createLiveFeed } from './monitor/live-feed.ts';
import { createInsightsProvider } from './monitor/rollout-provider.ts';
import { RolloutStageTracker } from './monitor/rollout-stage-tracker.ts';
import { TargetWatch } from './monitor/target-watch.ts';
import { createCatalogMetrics } from './catalog/registry.ts';
import { buildApp } from './server/app.ts';
import { openPostgresStore } from './store/postgres.ts';
import { aggregateSeries } from './store/query.ts';
import { openSqliteStore, type OpenedStore } from './store/sqlite.ts';
import { openChunkedPostgresStore, openChunkedSqliteStore } from './store/tsdb/open.ts';
import type { RejectReason } from './store/types.ts';

/** Where `npm run build:web` puts the page. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

/** How often the rollout decision, SLO budgets and region scores are recomputed for /metrics. */
const INSIGHTS_INTERVAL_MS = 15_000;
/** Live-feed listeners at most (the API's websocket clients). */
const LIVE_LISTENERS = 200;

/** Counters of what the monitor has done since it started (for the demo report and /health). */
export interface MonitorStats {
  readonly targets: readonly TargetStatus[];
  readonly series: number;
  readonly samplesIngested: number;
  readonly samplesRejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly anomaliesOpened: number;
  readonly alertQueueLength: number;
}

/** A running monitor. */
export interface RunningMonitor {
  readonly url: string;
  readonly port: number;
  readonly store: OpenedStore;
  readonly registry: Registry;
  stats(): MonitorStats;
  /** Stops scraping and the periodic tasks, checkpoints detector state, closes the HTTP server and the store. */
  stop(): Promise<void>;
}

/** Options of {@link startMonitor}. */
export interface StartMonitorOptions {
  readonly config: MonitorConfig;
  /** Built web page directory; default `web/dist` when it exists. */
  readonly webRoot?: string;
  readonly logger?: Logger;
  /** Clock (Unix ms), default Date.now. */
  readonly now?: () => number;
}

async function openStore(config: MonitorConfig): Promise<OpenedStore> {
  const s = config.storage;
  if (s.type === 'sqlite') {
    if (s.layout === 'chunks') return openChunkedSqliteStore({ path: s.path, walDir: s.walDir ?? `${s.path}.wal`, retentionMs: s.retention });
    return openSqliteStore({ path: s.path, retentionMs: s.retention });
  }
  if (s.layout === 'chunks') return openChunkedPostgresStore({ url: s.url, walDir: s.walDir, retentionMs: s.retention });
  return openPostgresStore({ url: s.url, retentionMs: s.retention });
}

/**
 * Starts the monitor: opens the store, registers its own metrics, restores detector state, schedules scrapes of
 * every configured target (and of this host) into the pipeline, and listens on `listen`.
 * @throws StoreError when the store cannot be opened; ConfigError for bad targets; listen errors (EADDRINUSE).
 */
export async function startMonitor(opts: StartMonitorOptions): Promise<RunningMonitor> {
  const { config } = opts;
  const det = config.detection;
  const clock = opts.now ?? Date.now;
  const log = opts.logger ?? pino({ level: 'info' });
  const startedAt = clock();
  const store = await openStore(config);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
  const live = createLiveFeed(LIVE_LISTENERS, (e) => log.warn({ err: e }, 'live listener failed'));
  const senders = config.alerting.webhooks.map(
    (w) => new WebhookSender({ url: w.url, receiver: w.name, registry, maxAgeMs: w.maxAge, requestTimeoutMs: w.timeout }),
  );
  const sink = new AnomalySink({
    store,
    metrics,
    publish: (e) => live.publish(e),
    senders,
    externalUrl: config.alerting.externalUrl ?? `http://${config.listen.host}:${config.listen.port}`,
    maxOpen: det.maxSeries,
    onError: (e) => log.error({ err: e }, 'storing an anomaly failed'),
  });
  const watch = new TargetWatch({ onHealthChange: () => live.publish({ type: 'targets', targets: scraper.targets() }) });
  const { pipeline, engine } = buildPipeline({ detection: det, store, sink, clock, metrics: catalogPipelineMetrics(metrics), observers: [watch] });
  const checkpointer = det.enabled
    ? new DetectorCheckpointer({ engine, store, clock, log, maxSeries: det.maxSeries, dropUnusedAfterMs: STALE_SERIES_MS })
    : null;
  await checkpointer?.restore();

  const scraper = new Scraper({
    onSamples: async (target, samples, _startMs, outcome, types) => void (await pipeline.ingest({ target, samples, outcome, types })),
    onError: (t, e) => log.error({ err: e, target: t.id }, 'processing a scrape batch failed'),
    now: clock,
  });
  for (const t of config.targets) {
    scraper.addTarget({ id: t.id, url: t.url, labels: t.labels, intervalMs: config.scrape.interval, timeoutMs: config.scrape.timeout });
  }
  if (config.host.enabled) {
    scraper.addTarget({ id: 'host', source: createHostCollector(), labels: { job: 'host' }, intervalMs: config.scrape.interval });
  }

  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const insights = createInsightsProvider(store, trackers);
  const ops = await startOps({
    config,
    registry,
    store,
    insights,
    pipeline: () => {
      const c = pipeline.counters();
      const t = scraper.targets();
      return { series: c.series, samplesIngested: c.samplesIngested, anomaliesOpened: c.anomaliesOpened, alertQueueLength: c.alertQueueLength, targets: t.length, targetsUp: t.filter((x) => x.health === 'up').length };
    },
    log,
    startedAtMs: startedAt,
    now: clock,
  });
  const webRoot = opts.webRoot ?? (existsSync(DEFAULT_WEB_ROOT) ? DEFAULT_WEB_ROOT : undefined);
  if (!webRoot) log.warn('web page not built (run `npm run build:web`); the API is served without it');
  const app = await buildApp(
    {
      registry,
      health: () => ({
        status: scraper.targets().every((t) => t.health !== 'down') ? 'healthy' : 'degraded',
        uptimeSeconds: (clock() - startedAt) / 1000,
        targets: scraper.targets().length,
        series: pipeline.tracker.size,
      }),
      ready: () => true,
      targets: () => scraper.targets(),
      componentStatus: () => watch.componentStatus(sink.openAnomalies()),
      anomalies: store,
      samples: store,
      aggregate: aggregateSeries,
      live,
      insights,
      capacity: createCapacityProvider(store),
      network: createNetworkProvider(store),
      predictions: engine,
      modelPerformance: fileModelPerformance(det.benchmarkReport),
      ...(ops.profiling ? { profiling: ops.profiling } : {}),
      ...(ops.reports ? { reports: ops.reports } : {}),
      summaries: ops.summaries,
      ...(webRoot ? { webRoot } : {}),
    },
    { logger: false },
  );
  await app.listen({ host: config.listen.host, port: config.listen.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;

  const tasks = [
    new PeriodicTask({
      intervalMs: MAINTENANCE_INTERVAL_MS,
      run: () =>
        runMaintenance(
          { tracker: pipeline.tracker, store, checkpointer, log, maxAnomalies: config.anomalies.maxStored, detectorStateRetentionMs: config.storage.retention },
          clock(),
        ),
      onError: (e) => log.error({ err: e }, 'maintenance failed'),
    }),
    new PeriodicTask({
      intervalMs: INSIGHTS_INTERVAL_MS,
      run: () => exportInsights(insights, metrics, clock(), DEFAULT_INSIGHTS_EXPORT, trackers),
      onError: (e) => log.warn({ err: e }, 'exporting rollout/SLO/region metrics failed'),
    }),
    ...(checkpointer
      ? [new PeriodicTask({ intervalMs: det.checkpointInterval, run: () => checkpointer.checkpoint(), onError: (e) => log.error({ err: e }, 'checkpointing detector states failed') })]
      : []),
  ];
  for (const t of tasks) t.start();
  ops.start();
  scraper.start();
  const url = `http://${config.listen.host}:${port}/`;
  log.info({ url, targets: config.targets.length, catalog: CATALOG.length }, 'monitor started');

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    registry,
    stats: () => {
      const c = pipeline.counters();
      return {
        targets: scraper.targets(),
        series: c.series,
        samplesIngested: c.samplesIngested,
        samplesRejected: c.samplesRejected,
        anomaliesOpened: c.anomaliesOpened,
        alertQueueLength: c.alertQueueLength,
      };
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(tasks.map((t) => t.stop()));
        await ops.stop();
        await scraper.stop();
        await checkpointer?.stop();
        await Promise.all(senders.map((s) => s.stop()));
        await app.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
