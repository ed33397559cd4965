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
import { authorizationHeader } from './alerting/delivery/http-auth.ts';
import { hasHttpAuth } from './model/http-auth.ts';
import { openAlertingDb } from './alerting/store/open.ts';
import { parseDuration } from './model/duration.ts';
import type { RulesOverview } from './contract/alerting.ts';
import { CATALOG, metricsOf } from './catalog/index.ts';
import { sqlLocation, type MonitorConfig } from './config.ts';
import { createHostCollector } from './ingest/host.ts';
import { startOps } from './main-ops.ts';
import { checkAuthMode, exportRenderer, logApi, openAuth, openDashboardStore, openExemplarStore, openLogStore, openStore, openTraceStore } from './main-stores.ts';
import type { ScrapedExemplar } from './ingest/openmetrics.ts';
import { queryExemplars } from './traces/exemplars/exemplar-api.ts';
import { Scraper } from './ingest/scraper.ts';
import { OTHER_SHARD, partitionTargets, targetAddress } from './ingest/shard.ts';
import type { TargetStatus } from './model/status.ts';
import { catalogAlertingMetrics } from './monitor/alerting-metrics.ts';
import { AnomalySink } from './monitor/anomaly-sink.ts';
import { buildPipeline } from './monitor/build-pipeline.ts';
import { createCapacityProvider } from './monitor/capacity-provider.ts';
import { DetectorCheckpointer } from './monitor/checkpointer.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from './monitor/insights-exporter.ts';
import { MAINTENANCE_INTERVAL_MS, STALE_SERIES_MS, runMaintenance } from './monitor/maintenance.ts';
import { fileModelPerformance } from './monitor/model-performance.ts';
import { createNetworkProvider } from './monitor/network-provider.ts';
import { PeriodicTask } from './monitor/periodic.ts';
import { overloadWarner } from './monitor/overload-warning.ts';
import { catalogRemoteWriteMetrics, RemoteWriteReceiver } from './monitor/remote-write.ts';
import { catalogRemoteStorageMetrics } from './remote-store/metrics.ts';
import { pushHandler } from './monitor/push-api.ts';
import { catalogPipelineMetrics } from './monitor/pipeline-metrics.ts';
import { RegionTrendTracker } from './monitor/region-trend-tracker.ts';
import { createLiveFeed } from './monitor/live-feed.ts';
import { createInsightsProvider } from './monitor/rollout-provider.ts';
import { resolveSloDefinitions } from './monitor/slo-definitions.ts';
import type { Slo } from './analysis/slo/definition.ts';
import { RolloutStageTracker } from './monitor/rollout-stage-tracker.ts';
import { TargetWatch } from './monitor/target-watch.ts';
import { createCatalogMetrics } from './catalog/registry.ts';
import { dashboardsApi } from './dashboards/api.ts';
import { DashboardLogSource } from './logs/dashboard-source.ts';
import { DashboardService } from './dashboards/service.ts';
import { buildApp } from './server/app.ts';
import { DEFAULT_APP_LIMITS } from './server/deps.ts';
import { aggregateSeries } from './store/query.ts';
import { type OpenedStore } from './store/sqlite.ts';
import { LogErrorCounts } from './logs/log-metrics.ts';
import type { LogRecord } from './logs/record.ts';
import { monitorLogger, SelfLogSink } from './logs/self-log.ts';
import { DEFAULT_TAIL_SAMPLER_OPTIONS } from './traces/sampling/tail-sampler.ts';
import { TraceApi } from './traces/trace-api.ts';
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
 *   errors (EADDRINUSE).
 */
export async function startMonitor(opts: StartMonitorOptions): Promise<RunningMonitor> {
  const { config } = opts;
  const det = config.detection;
  const clock = opts.now ?? Date.now;
  checkAuthMode(config);
  const selfLog = opts.logger === undefined ? new SelfLogSink() : opts.selfLog;
  const log = opts.logger ?? monitorLogger({ level: 'info', redact: logRedaction(), ...(selfLog ? { selfLog } : {}) });
  const startedAt = clock();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
  const store = await openStore(config, { metrics: catalogRemoteStorageMetrics(metrics), log });
  const traceStore = await openTraceStore(config).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const logStore = await openLogStore(config).catch(async (e: unknown) => {
    await store.close();
    await traceStore?.close();
    throw e;
  });
  const exemplarStore = await openExemplarStore(config, registry).catch(async (e: unknown) => {
    await store.close();
    await traceStore?.close();
    await logStore?.close();
    throw e;
  });

  const ts = config.traces.tailSampling;
  const traceApi = traceStore
    ? new TraceApi(traceStore, {
        registry,
        limits: { maxBodyBytes: config.traces.maxBodyBytes, maxDecompressedBytes: 4 * config.traces.maxBodyBytes },
        ...(ts.enabled
          ? {
              tailSampling: {
                ...DEFAULT_TAIL_SAMPLER_OPTIONS,
                decisionWaitMs: ts.decisionWait,
                maxTraces: ts.maxTraces,
                maxSpans: ts.maxSpans,
                maxBytes: ts.maxBytes,
                maxSpansPerTrace: ts.maxSpansPerTrace,
                latencyThresholdUs: ts.latencyThreshold === undefined ? undefined : ts.latencyThreshold * 1000,
                latencyQuantile: ts.latencyQuantile,
                attributes: ts.attributes,
                probability: ts.probability,
                adaptive: ts.adaptive,
                spansPerSecond: ts.spansPerSecond,
                adaptIntervalMs: ts.adaptInterval,
              },
            }
          : {}),
      })
    : undefined;
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
  const watch = new TargetWatch({ onHealthChange: () => live.publish({ type: 'targets', targets: scraper.targets() }) });
  const ruleFeed = { admitted: (samples: Parameters<AlertingService['admitSamples']>[0]) => alerting.admitSamples(samples) };
  const window = { maxSampleAgeMs: config.limits.maxSampleAge, maxSampleAheadMs: config.limits.maxSampleAhead };
  const { pipeline, engine } = buildPipeline({ detection: det, store, sink, clock, window, metrics: catalogPipelineMetrics(metrics), observers: [watch, ruleFeed] });
  try {
    await alerting.start();
  } catch (e) {
    await alerting.stop().catch(() => undefined);
    await alertingDb.close();
    await store.close();
    throw e;
  }
  const checkpointer = det.enabled
    ? new DetectorCheckpointer({ engine, store, clock, log, maxSeries: det.maxSeries, dropUnusedAfterMs: STALE_SERIES_MS })
    : null;
  await checkpointer?.restore();

  const L = config.limits;
  const limits = { sampleLimit: L.sampleLimit, labelLimit: L.labelLimit, labelNameLengthLimit: L.labelNameLengthLimit, labelValueLengthLimit: L.labelValueLengthLimit };
  const scraper = new Scraper({
    onSamples: (target, samples, _startMs, outcome, types) => pipeline.ingest({ target, samples, outcome, types }),
    onError: (t, e) => log.error({ err: e, target: t.id }, 'processing a scrape batch failed'),
    onOverload: overloadWarner(log, clock),
    ...(exemplarStore
      ? {
          onExemplars: (t: TargetStatus, list: ScrapedExemplar[], invalid: number, startMs: number) =>
            void exemplarStore.add(list.map((e) => ({ ...e, timestampMs: e.timestampMs ?? startMs })), invalid).catch((e: unknown) => log.error({ err: e, target: t.id }, 'storing exemplars failed')),
        }
      : {}),
    now: clock,
    limits,
    redirects: L.redirects,
  });
  const shards = partitionTargets(config.targets, config.scrape.shards);
  const droppedTargets = shards.others.map(({ target: t, shard }) => ({ id: t.id, url: t.url, labels: { job: 'dwcp', instance: targetAddress(t.url), ...t.labels }, reason: OTHER_SHARD, shard }));
  if (config.scrape.shards.count > 1) log.info({ shard: config.scrape.shards.index, shards: config.scrape.shards.count, scraped: shards.kept.length, otherShards: droppedTargets.length }, 'scrape sharding: this replica scrapes its share of the targets');
  for (const t of shards.kept) {
    scraper.addTarget({
      id: t.id,
      url: t.url,
      labels: t.labels,
      intervalMs: config.scrape.interval,
      timeoutMs: config.scrape.timeout,
      honorLabels: t.honorLabels,
      ...(t.limits ? { limits: t.limits } : {}),
      ...(hasHttpAuth(t) ? { authorization: () => authorizationHeader(t) } : {}),
    });
    pipeline.tracker.budget.register(t.id);
  }
  if (config.host.enabled) {
    scraper.addTarget({ id: 'host', source: createHostCollector(), labels: { job: 'host' }, intervalMs: config.scrape.interval });
    pipeline.tracker.budget.register('host');
  }
  const rw = config.remoteWrite;
  const remoteWrite = rw.enabled
    ? new RemoteWriteReceiver({ pipeline, limits: { maxDecompressedBytes: 4 * rw.maxBodyBytes, labels: limits }, maxBodyBytes: rw.maxBodyBytes, metrics: catalogRemoteWriteMetrics(metrics) })
    : undefined;

  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const slos = opts.slos ?? resolveSloDefinitions(config.slo, { baseDir: process.cwd() });
  const modes = config.health.modes;
  const profile = (m: { latencyBaseline: number; latencyZeroScore: number }) => ({ baselineMs: m.latencyBaseline, zeroScoreMs: m.latencyZeroScore });
  const insights = createInsightsProvider(store, {
    ...trackers,
    slos,
    sloStepMs: config.slo.step,
    sloEvidence: { minObservedMs: config.slo.minObserved, minWindowCoverage: config.slo.minWindowCoverage, alpha: config.slo.alpha },
    regionHealth: {
      warmupMs: config.health.warmup,
      minLatencyObservations: config.health.minLatencyObservations,
      score: { modeLatency: { datacenter: profile(modes.datacenter), internet: profile(modes.internet), hybrid: profile(modes.hybrid) } },
    },
  });
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
  const dashboards = dashboardStore
    ? dashboardsApi(
        new DashboardService({
          store: dashboardStore,
          sources: { samples: store, anomalies: store, incidents: { listIncidents: (limit, status) => alerting.listIncidents(limit, status) }, network: createNetworkProvider(store), ...(logs ? { logs: new DashboardLogSource(logs.queries) } : {}) },
          limits: { seriesMax: DEFAULT_APP_LIMITS.querySeriesMax, rawPointsPerSeries: DEFAULT_APP_LIMITS.queryRawPointsPerSeries, targetPoints: DEFAULT_APP_LIMITS.queryDefaultPoints },
          cache: { ttlMs: config.dashboards.cacheTtl },
          now: clock,
        }),
        {
          defaultScope: { tenantId: config.dashboards.tenant, actor: 'anonymous' },
          maxLiveClients: config.dashboards.maxLiveClients,
          render: exportRenderer(config.reports.chromiumPath),
        },
      )
    : undefined;
  const webRoot = opts.webRoot ?? (existsSync(DEFAULT_WEB_ROOT) ? DEFAULT_WEB_ROOT : undefined);
  if (!webRoot) log.warn('web page not built (run `npm run build:web`); the API is served without it');
  const app = await buildApp(
    {
      auth: auth?.service ?? 'disabled',
      tenants: tenantMapping(config.tenants, config.dashboards.tenant),
      registry,
      health: () => ({
        status: scraper.targets().every((t) => t.health !== 'down') ? 'healthy' : 'degraded',
        uptimeSeconds: (clock() - startedAt) / 1000,
        targets: scraper.targets().length,
        series: pipeline.tracker.size,
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
      alerting: {
        listIncidents: (limit, status, scope) => alerting.listIncidents(limit, status, scope),
        getIncident: (id) => alerting.getIncident(id),
        acknowledge: (id, input) => alerting.acknowledge(id, input),
        unacknowledge: (id) => alerting.unacknowledge(id),
        listSilences: () => alerting.listSilences(),
        getSilence: (id) => alerting.getSilence(id),
        createSilence: (body) => alerting.createSilence(body),
        updateSilence: (id, body) => alerting.updateSilence(id, body),
        expireSilence: (id) => alerting.expireSilence(id),
        rules: () => alerting.rules.overview(),
        reloadRules: () => alerting.reloadRules(),
        health: () => alerting.health(),
      },
      ...(traceApi ? { traces: traceApi } : {}),
      ...(exemplarStore ? { exemplars: { query: (expr: string, startMs: number, endMs: number) => queryExemplars(exemplarStore, expr, startMs, endMs) } } : {}),
      ...(logs ? { logs } : {}),
      ...(ops.profiling ? { profiling: ops.profiling } : {}),
      ...(ops.reports ? { reports: ops.reports } : {}),
      summaries: ops.summaries,
      ...(dashboards ? { dashboards } : {}),
      ...(remoteWrite ? { remoteWrite } : {}),
      push: pushHandler(pipeline, clock),
      ...(webRoot ? { webRoot } : {}),
    },
    { logger: false, warnLog: log, security: { allowedHosts: [config.listen.host, ...config.listen.allowedHosts], allowedOrigins: config.listen.allowedOrigins } },
  );
  await app.listen({ host: config.listen.host, port: config.listen.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;

  const tasks = [
    ...(traceApi?.sampling ? [new PeriodicTask({ intervalMs: 1000, run: () => traceApi.sampling?.flush(), onError: (e) => log.error({ err: e }, 'storing tail-sampled traces failed') })] : []),
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
    ...(traceStore
      ? [new PeriodicTask({ intervalMs: MAINTENANCE_INTERVAL_MS, run: async () => void (await traceStore.applyRetention(clock())), onError: (e) => log.error({ err: e }, 'trace retention failed') })]
      : []),
    ...(logStore
      ? [new PeriodicTask({ intervalMs: MAINTENANCE_INTERVAL_MS, run: async () => void (await logStore.applyRetention(clock())), onError: (e) => log.error({ err: e }, 'log retention failed') })]
      : []),
    ...(exemplarStore
      ? [new PeriodicTask({ intervalMs: MAINTENANCE_INTERVAL_MS, run: async () => void (await exemplarStore.applyRetention(clock())), onError: (e) => log.error({ err: e }, 'exemplar retention failed') })]
      : []),
    ...(logStore
      ? [
          new PeriodicTask({ intervalMs: 1000, run: () => selfLog?.flush(), onError: () => undefined }),
          new PeriodicTask({ intervalMs: config.scrape.interval, run: async () => void (errorCounts.nodes > 0 && (await pipeline.ingestPushed('logs', errorCounts.samples(clock())))), onError: (e) => log.error({ err: e }, 'ingesting the error-log rates failed') }),
        ]
      : []),
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
        await ops.stop();
        await scraper.stop();
        await checkpointer?.stop();
        await alerting.stop();
        await app.close();
        await alertingDb.close();
        await store.close();
        await traceApi?.sampling?.drain().catch((e: unknown) => log.error({ err: e }, 'storing tail-sampled traces at shutdown failed'));
        await traceStore?.close();
        await exemplarStore?.close();
        await selfLog?.flush();
        await logStore?.close();
        await dashboardStore?.close();
        await auth?.store.close();
      })();
      return stopping;
    },
  };
}
