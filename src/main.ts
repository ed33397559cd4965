/**
 * Composition root: builds and wires the monitor service (`serve`) from its configuration. Everything else
 * is a part that knows nothing about the others' construction.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { WebhookSender } from './alerting/webhook-sender.ts';
import { CATALOG, getMetric, metricsOf } from './catalog/index.ts';
import type { MonitorConfig } from './config.ts';
import { createHostCollector } from './ingest/host.ts';
import { Scraper } from './ingest/scraper.ts';
import type { Sample } from './model/sample.ts';
import type { TargetStatus } from './model/status.ts';
import { AnomalySink } from './monitor/anomaly-sink.ts';
import { HealthBoard, componentStatus, nodeOf, regionOf } from './monitor/component-status.ts';
import { DetectionEngine } from './monitor/detection-engine.ts';
import { LIVE_ANALYSED_KINDS, liveDetectorFactory, liveExcluded } from './monitor/live-detector.ts';
import { fileModelPerformance } from './monitor/model-performance.ts';
import { createCapacityProvider } from './monitor/capacity-provider.ts';
import { createNetworkProvider } from './monitor/network-provider.ts';
import { createInsightsProvider } from './monitor/rollout-provider.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from './monitor/insights-exporter.ts';
import { RegionTrendTracker } from './monitor/region-trend-tracker.ts';
import { RolloutStageTracker } from './monitor/rollout-stage-tracker.ts';
import { SeriesTracker } from './monitor/series-tracker.ts';
import { createCatalogMetrics } from './sdk/registry.ts';
import { buildApp } from './server/app.ts';
import { createLiveFeed } from './server/deps.ts';
import { openPostgresStore } from './store/postgres.ts';
import { openSqliteStore, type OpenedStore } from './store/sqlite.ts';
import type { RejectReason } from './store/types.ts';

/** Where `npm run build:web` puts the page. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

/** Detection kinds analysed by default: the original's four checks plus error rates. */
/** How often retention, pruning and stale-series cleanup run. */
const MAINTENANCE_INTERVAL_MS = 60_000;
/** How often the rollout decision, SLO budgets and region scores are recomputed for /metrics. */
const INSIGHTS_INTERVAL_MS = 15_000;
/** Series not seen for this long are forgotten by the tracker (and restored detector states still unused are dropped). */
const STALE_SERIES_MS = 10 * 60_000;
/** Detector states per store write at a checkpoint. */
const CHECKPOINT_BATCH = 1000;

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
  /** Stops scraping, flushes nothing further, closes the HTTP server and the store. */
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

function scrapeResult(t: TargetStatus): string {
  if (t.health === 'up') return 'success';
  const e = t.lastError ?? '';
  if (e.includes('timed out')) return 'timeout';
  if (e.startsWith('exposition line')) return 'parse_error';
  if (e.startsWith('HTTP')) return 'http_error';
  return 'connection_error';
}

async function openStore(config: MonitorConfig): Promise<OpenedStore> {
  const s = config.storage;
  if (s.type === 'sqlite') return openSqliteStore({ path: s.path, retentionMs: s.retention });
  return openPostgresStore({ url: s.url, retentionMs: s.retention });
}

/**
 * Starts the monitor: opens the store, registers its own metrics, schedules scrapes of every configured
 * target (and of this host), runs detection on every batch, sends alerts, and listens on `listen`.
 * @throws StoreError when the store cannot be opened; ConfigError for bad targets; listen errors (EADDRINUSE).
 */
export async function startMonitor(opts: StartMonitorOptions): Promise<RunningMonitor> {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? pino({ level: 'info' });
  const startedAt = now();
  const store = await openStore(config);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
  const m = {
    scrapeDuration: metrics.histogram(getMetric('dwcp_monitor_scrape_duration_seconds').name),
    scrapes: metrics.counter(getMetric('dwcp_monitor_scrapes_total').name),
    targetUp: metrics.gauge(getMetric('dwcp_monitor_target_up').name),
    ingested: metrics.counter(getMetric('dwcp_monitor_samples_ingested_total').name),
    rejected: metrics.counter(getMetric('dwcp_monitor_samples_rejected_total').name),
    series: metrics.gauge(getMetric('dwcp_monitor_series').name),
    detectLatency: metrics.histogram(getMetric('dwcp_anomaly_detection_latency_seconds').name),
    processed: metrics.counter(getMetric('dwcp_metrics_processed_total').name),
  };

  const live = createLiveFeed(200, (e) => log.warn({ err: e }, 'live listener failed'));
  const senders = config.alerting.webhooks.map(
    (w) =>
      new WebhookSender({ url: w.url, receiver: w.name, registry, maxAgeMs: w.maxAge, requestTimeoutMs: w.timeout }),
  );
  const externalUrl = config.alerting.externalUrl ?? `http://${config.listen.host}:${config.listen.port}`;
  const det = config.detection;
  const tracker = new SeriesTracker(det.maxSeries);
  const engine = new DetectionEngine({
    factory: liveDetectorFactory(det.detector, det.seasonalPeriod),
    detectorName: det.detector === 'ensemble' ? 'ensemble-live' : 'statistical',
    minConfidence: det.minConfidence,
    confirmSamples: det.confirmSamples,
    cooldownMs: det.cooldown,
    resolveAfterSamples: 3,
    maxSeries: det.maxSeries,
    kinds: LIVE_ANALYSED_KINDS,
    exclude: liveExcluded(det.detector),
  });
  const sink = new AnomalySink({
    store,
    metrics,
    publish: (e) => live.publish(e),
    senders,
    externalUrl,
    maxOpen: det.maxSeries,
    onError: (e) => log.error({ err: e }, 'storing an anomaly failed'),
  });
  const board = new HealthBoard();
  const knownRegions = new Set<string>();
  let samplesIngested = 0;
  let anomaliesOpened = 0;
  const samplesRejected: Partial<Record<RejectReason, number>> = {};
  const lastHealth = new Map<string, string>();

  // Cold start: learned detector state is checkpointed to the store and restored before the first scrape.
  let checkpointing: Promise<void> | null = null;
  let rejectedLogged = 0;
  const checkpoint = async (final: boolean): Promise<void> => {
    const t = Math.floor(now());
    let saved = 0;
    let refused = 0;
    // Bounded: one pass over the series changed so far, even if scrapes keep changing them meanwhile.
    const rounds = Math.ceil(engine.persistenceStats().pendingCheckpoint / CHECKPOINT_BATCH);
    for (let i = 0; i < rounds; i++) {
      const batch = engine.snapshots(CHECKPOINT_BATCH);
      if (batch.length === 0) break;
      const res = await store.saveDetectorStates(
        batch.map(({ key, snapshot }) => ({ seriesKey: key, detector: snapshot.detector, version: snapshot.version, state: snapshot.state, updatedAtMs: t })),
      );
      saved += res.saved;
      refused += res.rejected.length;
      if (res.rejected.length > 0) log.warn({ count: res.rejected.length, err: res.rejected[0]!.error }, 'detector states not checkpointed');
    }
    const ps = engine.persistenceStats();
    if (ps.rejected > rejectedLogged) {
      log.warn({ count: ps.rejected - rejectedLogged, lastError: ps.lastError }, 'restored detector states refused; those series started cold');
      rejectedLogged = ps.rejected;
    }
    const counts = { saved, refused, restored: ps.restored, pendingRestore: ps.pendingRestore, snapshotFailed: ps.snapshotFailed };
    if (final) log.info(counts, 'detector states checkpointed at shutdown');
    else log.debug(counts, 'detector states checkpointed');
  };
  const runCheckpoint = (final = false): Promise<void> => {
    checkpointing ??= checkpoint(final)
      .catch((e: unknown) => log.error({ err: e }, 'checkpointing detector states failed'))
      .finally(() => {
        checkpointing = null;
      });
    return checkpointing;
  };
  if (det.enabled) {
    try {
      const loaded = await store.loadDetectorStates(det.maxSeries);
      const kept = engine.seed(loaded.rows.map((r) => ({ key: r.seriesKey, snapshot: { detector: r.detector, version: r.version, state: r.state } })));
      if (loaded.malformed > 0) log.warn({ count: loaded.malformed }, 'malformed stored detector states skipped');
      log.info({ loaded: loaded.rows.length, kept, malformed: loaded.malformed }, 'detector states restored');
    } catch (e) {
      log.error({ err: e }, 'loading detector states failed; detection starts cold');
    }
  }

  const countRejected = (r: Readonly<Partial<Record<RejectReason, number>>>) => {
    for (const [reason, n] of Object.entries(r) as [RejectReason, number][]) {
      if (!n) continue;
      samplesRejected[reason] = (samplesRejected[reason] ?? 0) + n;
      m.rejected.inc({ reason }, n);
    }
  };

  const onSamples = async (target: TargetStatus, samples: Sample[]): Promise<void> => {
    m.scrapes.inc({ target: target.id, result: scrapeResult(target) });
    m.targetUp.set({ target: target.id }, target.health === 'up' ? 1 : 0);
    if (target.lastScrapeDurationMs !== null) m.scrapeDuration.observe({ target: target.id }, target.lastScrapeDurationMs / 1000);
    if (target.labels.region) knownRegions.add(target.labels.region);
    if (lastHealth.get(target.id) !== target.health) {
      lastHealth.set(target.id, target.health);
      live.publish({ type: 'targets', targets: scraper.targets() });
      if (target.health === 'down') board.markNodeDown(regionOf(target.labels), nodeOf(target.labels), now());
    }
    const { admitted, rejected, inputs } = tracker.admit(samples);
    countRejected(rejected);
    board.observe(admitted);
    if (admitted.length > 0) {
      const res = await store.append(admitted);
      samplesIngested += res.stored;
      m.ingested.inc(res.stored);
      countRejected(res.rejected);
    }
    m.series.set(tracker.size);
    if (!det.enabled) return;
    const t0 = performance.now();
    const outcome = engine.process(inputs, now());
    m.detectLatency.observe((performance.now() - t0) / 1000);
    m.processed.inc(outcome.processed);
    anomaliesOpened += outcome.opened.length;
    await sink.handle(outcome);
  };

  const scraper = new Scraper({
    onSamples,
    onError: (t, e) => log.error({ err: e, target: t.id }, 'processing a scrape batch failed'),
    now,
  });
  for (const t of config.targets) {
    scraper.addTarget({ id: t.id, url: t.url, labels: t.labels, intervalMs: config.scrape.interval, timeoutMs: config.scrape.timeout });
  }
  if (config.host.enabled) {
    scraper.addTarget({ id: 'host', source: createHostCollector(), labels: { job: 'host' }, intervalMs: config.scrape.interval });
  }

  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const insights = createInsightsProvider(store, trackers);
  const capacity = createCapacityProvider(store);
  const webRoot = opts.webRoot ?? (existsSync(DEFAULT_WEB_ROOT) ? DEFAULT_WEB_ROOT : undefined);
  if (!webRoot) log.warn('web page not built (run `npm run build:web`); the API is served without it');
  const app = await buildApp(
    {
      registry,
      health: () => ({
        status: scraper.targets().every((t) => t.health !== 'down') ? 'healthy' : 'degraded',
        uptimeSeconds: (now() - startedAt) / 1000,
        targets: scraper.targets().length,
        series: tracker.size,
      }),
      ready: () => true,
      targets: () => scraper.targets(),
      componentStatus: () => componentStatus(board.snapshot(), sink.openAnomalies(), [...knownRegions]),
      anomalies: store,
      samples: store,
      live,
      insights,
      capacity,
      network: createNetworkProvider(store),
      predictions: engine,
      modelPerformance: fileModelPerformance(det.benchmarkReport),
      ...(webRoot ? { webRoot } : {}),
    },
    { logger: false },
  );
  await app.listen({ host: config.listen.host, port: config.listen.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;

  const maintenance = setInterval(() => {
    const t = now();
    tracker.forgetOlderThan(t - STALE_SERIES_MS);
    store.applyRetention(t).catch((e: unknown) => log.error({ err: e }, 'retention failed'));
    store.prune(config.anomalies.maxStored).catch((e: unknown) => log.error({ err: e }, 'anomaly pruning failed'));
    store.deleteDetectorStatesOlderThan(t - config.storage.retention).catch((e: unknown) => log.error({ err: e }, 'detector state cleanup failed'));
    if (t - startedAt >= STALE_SERIES_MS && engine.persistenceStats().pendingRestore > 0) {
      log.info({ count: engine.dropRestored() }, 'restored detector states of series not seen since startup dropped');
    }
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();
  const checkpointTimer = setInterval(() => {
    if (det.enabled) void runCheckpoint();
  }, det.checkpointInterval);
  checkpointTimer.unref();
  let exporting: Promise<void> | null = null;
  const insightsTimer = setInterval(() => {
    if (exporting) return;
    exporting = exportInsights(insights, metrics, now(), DEFAULT_INSIGHTS_EXPORT, trackers)
      .catch((e: unknown) => log.warn({ err: e }, 'exporting rollout/SLO/region metrics failed'))
      .finally(() => {
        exporting = null;
      });
  }, INSIGHTS_INTERVAL_MS);
  insightsTimer.unref();
  scraper.start();
  log.info({ url: `http://${config.listen.host}:${port}/`, targets: config.targets.length, catalog: CATALOG.length }, 'monitor started');

  let stopped = false;
  return {
    url: `http://${config.listen.host}:${port}/`,
    port,
    store,
    registry,
    stats: () => ({
      targets: scraper.targets(),
      series: tracker.size,
      samplesIngested,
      samplesRejected: { ...samplesRejected },
      anomaliesOpened,
      alertQueueLength: senders.reduce((n, s) => n + s.queueLength, 0),
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(maintenance);
      clearInterval(insightsTimer);
      clearInterval(checkpointTimer);
      await exporting;
      await scraper.stop();
      if (det.enabled) {
        await checkpointing;
        await runCheckpoint(true);
      }
      await Promise.all(senders.map((s) => s.stop()));
      await app.close();
      await store.close();
    },
  };
}
