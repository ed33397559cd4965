/**
 * Composition root: builds and wires the monitor service (`serve`, `demo`) from its configuration — opens the
 * store, builds the pipeline (src/monitor/build-pipeline.ts), the scraper feeding it, the API, and the periodic
 * tasks (maintenance, checkpoints, insights export). No logic of its own: every step is a unit elsewhere.
 */
import { tenantMapping } from './config/tenants-section.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { logRedaction } from './model/redact.ts';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AlertingService } from './alerting/service.ts';
import { openAlertingDb } from './alerting/store/open.ts';
import { parseDuration } from './model/duration.ts';
import type { RulesOverview } from './contract/alerting.ts';
import { CATALOG, metricsOf } from './catalog/index.ts';
import { sqlLocation, type MonitorConfig } from './config.ts';
import { alertingApi, buildDashboardsApi } from './compose/api.ts';
import { buildInsights } from './compose/insights.ts';
import { openDataStores } from './compose/open-stores.ts';
import { startOps } from './compose/ops.ts';
import { buildScraper, labelLimits } from './compose/scraping.ts';
import { checkAuthMode, logApi, openAuth, openDashboardStore } from './compose/stores.ts';
import { buildTasks } from './compose/tasks.ts';
import { buildTraceApi } from './compose/trace-api.ts';
import { queryExemplars } from './traces/exemplars/exemplar-api.ts';
import type { TargetStatus } from './model/status.ts';
import { catalogAlertingMetrics } from './monitor/alerting-metrics.ts';
import { AnomalySink } from './monitor/anomaly-sink.ts';
import { buildPipeline } from './monitor/build-pipeline.ts';
import { createCapacityProvider } from './monitor/capacity-provider.ts';
import { DetectorCheckpointer } from './monitor/checkpointer.ts';
import { STALE_SERIES_MS } from './monitor/maintenance.ts';
import { fileModelPerformance } from './monitor/model-performance.ts';
import { createNetworkProvider } from './monitor/network-provider.ts';
import { catalogRemoteWriteMetrics, RemoteWriteReceiver } from './monitor/remote-write.ts';
import { pushHandler } from './monitor/push-api.ts';
import { catalogPipelineMetrics } from './monitor/pipeline-metrics.ts';
import { createLiveFeed } from './monitor/live-feed.ts';
import { resolveSloDefinitions } from './monitor/slo-definitions.ts';
import type { Slo } from './analysis/slo/definition.ts';
import { TargetWatch } from './monitor/target-watch.ts';
import { createCatalogMetrics } from './catalog/registry.ts';
import { buildApp } from './server/app.ts';
import { aggregateSeries } from './store/query.ts';
import { type OpenedStore } from './store/sqlite.ts';
import { LogErrorCounts } from './logs/log-metrics.ts';
import type { LogRecord } from './logs/record.ts';
import { monitorLogger, SelfLogSink } from './logs/self-log.ts';
import type { RejectReason } from './store/types.ts';

/** Where `npm run build:web` puts the page. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

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
  /** Rules, incidents, silences and delivery. */
  readonly alerting: AlertingService;
  stats(): MonitorStats;
  /** Reloads the alert rule files (SIGHUP). @throws FileValidationError; the running rules stay. */
  reloadRules(): RulesOverview;
  /** Notifications waiting in the outbox. */
  pendingNotifications(): Promise<number>;
  /** Stops scraping and the periodic tasks, checkpoints detector state, closes the HTTP server and the store. */
  stop(): Promise<void>;
}

/** Options of {@link startMonitor}. */
export interface StartMonitorOptions {
  readonly config: MonitorConfig;
  /** Built web page directory; default `web/dist` when it exists. */
  readonly webRoot?: string;
  readonly logger?: Logger;
  /** The queue `logger` also writes to (src/logs/self-log.ts): stored in the log store when logs are enabled. */
  readonly selfLog?: SelfLogSink;
  /** Clock (Unix ms), default Date.now. */
  readonly now?: () => number;
  /**
   * The SLOs to evaluate, already resolved from `config.slo` (e.g. by `serve`, with the configuration file's
   * directory and field positions); default: resolved here against the working directory.
   */
  readonly slos?: readonly Slo[];
}

/**
 * Starts the monitor: opens the store, registers its own metrics, restores detector state, schedules scrapes of
 * every configured target (and of this host) into the pipeline, and listens on `listen`.
 * @throws StoreError when the store cannot be opened; ConfigError for bad targets or SLO definitions; listen
 *   errors (EADDRINUSE), after closing every store, pool and timer opened so far.
 */
export async function startMonitor(opts: StartMonitorOptions): Promise<RunningMonitor> {
  const { config } = opts;
  const det = config.detection;
  const clock = opts.now ?? Date.now;
  checkAuthMode(config);
  const selfLog = opts.logger === undefined ? new SelfLogSink() : opts.selfLog;
  const log =
    opts.logger ?? monitorLogger({ level: 'info', redact: logRedaction(), ...(selfLog ? { selfLog } : {}) });
  const startedAt = clock();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
  const { store, traceStore, logStore, exemplarStore } = await openDataStores(config, registry, metrics, log);
  const traceApi = buildTraceApi(config, traceStore, registry);
  const live = createLiveFeed(LIVE_LISTENERS, (e) => log.warn({ err: e }, 'live listener failed'));
  const externalUrl = config.alerting.externalUrl ?? `http://${config.listen.host}:${config.listen.port}`;
  const alertingDb = await openAlertingDb(sqlLocation(config.storage));
  const alerting = new AlertingService({
    config: config.alerting,
    db: alertingDb,
    clock,
    log,
    metrics: catalogAlertingMetrics(metrics),
    parseDuration,
    openAnomalies: () => sink.openAnomalies(),
    externalUrl,
    scrapeIntervalMs: config.scrape.interval,
    maxSeries: det.maxSeries,
  });
  const sink = new AnomalySink({
    store,
    metrics,
    publish: (e) => live.publish(e),
    senders: [],
    externalUrl,
    maxOpen: det.maxSeries,
    onError: (e) => log.error({ err: e }, 'storing an anomaly failed'),
    onAnomalies: (opened, resolved) => alerting.onAnomalies(opened, resolved),
  });
  const watch = new TargetWatch({
    onHealthChange: () => live.publish({ type: 'targets', targets: scraper.targets() }),
  });
  const ruleFeed = {
    admitted: (samples: Parameters<AlertingService['admitSamples']>[0]) => alerting.admitSamples(samples),
  };
  const window = {
    maxSampleAgeMs: config.limits.maxSampleAge,
    maxSampleAheadMs: config.limits.maxSampleAhead,
  };
  const { pipeline, engine } = buildPipeline({
    detection: det,
    store,
    sink,
    clock,
    window,
    metrics: catalogPipelineMetrics(metrics),
    observers: [watch, ruleFeed],
  });
  try {
    await alerting.start();
  } catch (e) {
    await alerting.stop().catch(() => undefined);
    await alertingDb.close();
    await store.close();
    throw e;
  }
  const checkpointer = det.enabled
    ? new DetectorCheckpointer({
        engine,
        store,
        clock,
        log,
        maxSeries: det.maxSeries,
        dropUnusedAfterMs: STALE_SERIES_MS,
      })
    : null;
  await checkpointer?.restore();
  const reopened = await sink.restoreOpen(checkpointer?.heldKeys() ?? new Set(), clock());
  if (reopened.loaded > 0) log.info(reopened, 'open anomalies of the previous run taken over or resolved');

  const { scraper, droppedTargets } = buildScraper({ config, pipeline, exemplarStore, log, clock });
  const rw = config.remoteWrite;
  const remoteWrite = rw.enabled
    ? new RemoteWriteReceiver({
        pipeline,
        limits: { maxDecompressedBytes: 4 * rw.maxBodyBytes, labels: labelLimits(config) },
        maxBodyBytes: rw.maxBodyBytes,
        metrics: catalogRemoteWriteMetrics(metrics),
      })
    : undefined;

  const { insights, trackers } = buildInsights(
    config,
    store,
    opts.slos ?? resolveSloDefinitions(config.slo, { baseDir: process.cwd() }),
  );
  const ops = await startOps({
    config,
    registry,
    store,
    insights,
    pipeline: () => {
      const c = pipeline.counters();
      const t = scraper.targets();
      return {
        series: c.series,
        samplesIngested: c.samplesIngested,
        anomaliesOpened: c.anomaliesOpened,
        alertQueueLength: c.alertQueueLength,
        targets: t.length,
        targetsUp: t.filter((x) => x.health === 'up').length,
      };
    },
    log,
    startedAtMs: startedAt,
    now: clock,
  });
  const errorCounts = new LogErrorCounts();
  const logs = logStore ? logApi(config, logStore, registry, errorCounts) : undefined;
  if (logs && logStore && selfLog) {
    const insertLogs = async (rs: readonly LogRecord[]): Promise<number> => {
      const n = await logStore.insertLogs(rs);
      errorCounts.observe(rs);
      return n;
    };
    selfLog.attach({ insertLogs, mask: (r) => logs.receiver.mask(r) }, registry);
  }
  const dashboardStore = await openDashboardStore(config);
  const auth = await openAuth(config, log);
  const dashboards = buildDashboardsApi({ config, dashboardStore, store, alerting, logs, clock });
  const webRoot = opts.webRoot ?? (existsSync(DEFAULT_WEB_ROOT) ? DEFAULT_WEB_ROOT : undefined);
  if (!webRoot) log.warn('web page not built (run `npm run build:web`); the API is served without it');
  const app = await buildApp(
    {
      auth: auth?.service ?? 'disabled',
      tenants: tenantMapping(config.tenants, config.dashboards.tenant),
      limits: { promqlSeriesMax: config.limits.promqlSeriesMax },
      registry,
      // answered without credentials: the monitor's own state only, no counts of targets or series
      health: () => ({
        status: scraper.targets().every((t) => t.health !== 'down') ? 'healthy' : 'degraded',
        uptimeSeconds: (clock() - startedAt) / 1000,
      }),
      ready: () => true,
      targets: () => scraper.targets(),
      droppedTargets: () => droppedTargets,
      componentStatus: () => watch.componentStatus(sink.openAnomalies()),
      anomalies: store,
      samples: store,
      aggregate: aggregateSeries,
      live,
      insights,
      capacity: createCapacityProvider(store, {
        plan: { minHistoryMs: config.capacity.minHistory, minPoints: config.capacity.minPoints },
        retentionMs: config.storage.retention,
      }),
      network: createNetworkProvider(store),
      predictions: engine,
      modelPerformance: fileModelPerformance(det.benchmarkReport),
      alerting: alertingApi(alerting),
      ...(traceApi ? { traces: traceApi } : {}),
      ...(exemplarStore
        ? {
            exemplars: {
              query: (expr: string, startMs: number, endMs: number) =>
                queryExemplars(exemplarStore, expr, startMs, endMs),
            },
          }
        : {}),
      ...(logs ? { logs } : {}),
      ...(ops.profiling ? { profiling: ops.profiling } : {}),
      ...(ops.reports ? { reports: ops.reports } : {}),
      summaries: ops.summaries,
      ...(dashboards ? { dashboards } : {}),
      ...(remoteWrite ? { remoteWrite } : {}),
      push: pushHandler(pipeline, clock),
      ...(webRoot ? { webRoot } : {}),
    },
    {
      logger: false,
      warnLog: log,
      security: {
        allowedHosts: [config.listen.host, ...config.listen.allowedHosts],
        allowedOrigins: config.listen.allowedOrigins,
      },
    },
  );
  // Everything opened so far, closed in order: by stop(), and when listen fails (a port in use), whose open
  // database pools and timers would otherwise keep the process running without serving anything.
  const closeOpened = async (): Promise<void> => {
    await ops.stop();
    await scraper.stop();
    await checkpointer?.stop();
    await alerting.stop();
    await app.close();
    await alertingDb.close();
    await store.close();
    await traceApi?.sampling
      ?.drain()
      .catch((e: unknown) => log.error({ err: e }, 'storing tail-sampled traces at shutdown failed'));
    await traceStore?.close();
    await exemplarStore?.close();
    await selfLog?.flush();
    await logStore?.close();
    await dashboardStore?.close();
    await auth?.store.close();
  };
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    await closeOpened().catch((c: unknown) => log.error({ err: c }, 'closing after a failed start failed'));
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;

  const tasks = buildTasks({
    config,
    pipeline,
    store,
    checkpointer,
    insights,
    trackers,
    metrics,
    traceApi,
    traceStore,
    logStore,
    exemplarStore,
    selfLog,
    errorCounts,
    log,
    clock,
  });
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
    alerting,
    reloadRules: () => alerting.reloadRules(),
    pendingNotifications: () => alerting.pendingNotifications(),
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
        await closeOpened();
      })();
      return stopping;
    },
  };
}
