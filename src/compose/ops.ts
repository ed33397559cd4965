/**
 * Composition of the monitor's operations systems, called by `startMonitor` (src/main.ts): the Node.js runtime
 * metrics, the counters kept across restarts, profiling (/debug/pprof, stored profiles, continuous mode), reports
 * (on demand and scheduled) and the two summaries. Wiring only: every step is a unit in src/profiles, src/reports, src/summaries or src/sdk.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import { sqlLocation, type MonitorConfig } from '../config.ts';
import type { AnomalyStore, SampleStore } from '../store/types.ts';
import { createCapacityProvider } from '../monitor/capacity-provider.ts';
import { PeriodicTask } from '../monitor/periodic.ts';
import { restoreCounters, snapshotCounters } from '../monitor/persisted-counters.ts';
import { CounterStore } from '../store/counter-store.ts';
import type { InsightsProvider } from '../monitor/rollout-provider.ts';
import { ContinuousProfiler } from '../profiles/continuous.ts';
import { pprofRoutes } from '../profiles/pprof-routes.ts';
import { ProfileStore } from '../profiles/profile-store.ts';
import { createProfilingService } from '../profiles/profiling-api.ts';
import { processProfiler } from '../profiles/runtime-profiler.ts';
import { ReportService } from '../reports/report-service.ts';
import { ReportStore } from '../reports/report-store.ts';
import { createReportsAccess } from '../reports/reports-api.ts';
import { ReportScheduler, type ScheduledKind } from '../reports/scheduler.ts';
import type { MetricsServerRoute } from '../sdk/metrics-server.ts';
import { createCatalogMetrics } from '../catalog/registry.ts';
import { processRuntimeMetrics } from '../sdk/runtime-metrics.ts';
import type { ProfilingApi, ReportsApi, SummariesApi } from '../server/ops-deps.ts';
import type { SystemDbLocation } from '../store/system-db.ts';
import { metricsSummary } from '../summaries/metrics-summary.ts';
import { createSystemMetrics, type PipelineFigures } from '../summaries/system-metrics.ts';

/** What the operations systems read from the running monitor. */
export interface OpsInputs {
  readonly config: MonitorConfig;
  readonly registry: Registry;
  readonly store: SampleStore & AnomalyStore;
  readonly insights: InsightsProvider;
  readonly pipeline: () => PipelineFigures;
  readonly log: Logger;
  readonly startedAtMs: number;
  readonly now: () => number;
}

/** The wired systems: the API dependencies and a stop function. */
export interface Ops {
  readonly profiling?: ProfilingApi;
  readonly reports?: ReportsApi;
  readonly summaries: SummariesApi;
  /** Starts the timers (continuous profiling, report schedule). */
  start(): void;
  /** Stops timers, waits for running work, closes the stores. */
  stop(): Promise<void>;
}

/** How often the counters of stored state are saved (a kill -9 loses at most this much of their increments). */
export const COUNTER_SAVE_INTERVAL_MS = 15_000;

function locationOf(config: MonitorConfig): SystemDbLocation {
  return sqlLocation(config.storage);
}

/**
 * Opens the profile and report stores and wires the systems.
 * @throws StoreError when a store cannot be opened.
 */
export async function startOps(i: OpsInputs): Promise<Ops> {
  const { config, registry, log } = i;
  const runtime = processRuntimeMetrics();
  runtime.attach(registry);
  const location = locationOf(config);
  const closers: (() => Promise<void>)[] = [async () => runtime.detach(registry)];
  const timers: { start(): void; stop(): Promise<void> }[] = [];

  const counterStore = await CounterStore.open(location);
  const restored = restoreCounters(registry, await counterStore.load());
  if (restored > 0) log.info({ series: restored }, 'counters restored');
  const saveCounters = async () => counterStore.save(await snapshotCounters(registry));
  timers.push(
    new PeriodicTask({
      intervalMs: COUNTER_SAVE_INTERVAL_MS,
      run: saveCounters,
      onError: (e) => log.warn({ err: e }, 'saving counters failed'),
    }),
  );
  closers.push(async () => {
    await saveCounters().catch((e: unknown) => log.warn({ err: e }, 'saving counters at shutdown failed'));
    await counterStore.close();
  });
  const profiler = processProfiler();

  let profiling: ProfilingApi | undefined;
  let profileStore: ProfileStore | undefined;
  if (config.profiling.enabled) {
    const p = config.profiling;
    profileStore = await ProfileStore.open(location, { maxProfiles: p.maxProfiles, maxBytes: p.maxBytes });
    const store = profileStore;
    closers.push(() => store.close());
    const counters = createCatalogMetrics(registry, [
      getMetric('dwcp_profiles_captured_total'),
      getMetric('dwcp_profiles_rejected_total'),
    ]);
    await profiler.start();
    profiling = createProfilingService(profiler, store, {
      captured: counters.counter('dwcp_profiles_captured_total'),
      rejected: counters.counter('dwcp_profiles_rejected_total'),
    });
    if (p.continuous.enabled) {
      const targets = p.continuous.targets
        ? config.targets.map((t) => ({ id: t.id, url: new URL(t.url).origin }))
        : [];
      const cp = new ContinuousProfiler({
        store,
        self: profiler,
        targets,
        intervalMs: p.continuous.interval,
        cpuSeconds: p.continuous.cpuSeconds,
        onStored: (info) =>
          counters.counter('dwcp_profiles_captured_total').inc({ kind: info.kind, trigger: 'continuous' }),
        onError: (source, kind, e) => log.warn({ err: e, source, kind }, 'continuous profile failed'),
      });
      timers.push(cp);
    }
  }

  let reports: ReportsApi | undefined;
  if (config.reports.enabled) {
    const r = config.reports;
    const reportStore = await ReportStore.open(location, { maxReports: r.maxReports, maxBytes: r.maxBytes });
    closers.push(() => reportStore.close());
    const service = new ReportService({
      sources: {
        insights: i.insights,
        capacity: createCapacityProvider(i.store),
        anomalies: i.store,
        samples: i.store,
      },
      store: reportStore,
      chromiumPath: r.chromiumPath,
      now: i.now,
    });
    reports = createReportsAccess(service, reportStore);
    const kinds = (['hourly', 'daily', 'weekly'] as const).filter((k) => r.schedule[k]) as ScheduledKind[];
    if (kinds.length > 0) {
      timers.push(
        new ReportScheduler({
          service,
          store: reportStore,
          kinds,
          formats: r.formats,
          delayMs: r.delay,
          now: i.now,
          onGenerated: (rs) =>
            log.info(
              {
                reports: rs.map((x) => ({
                  id: x.id,
                  kind: x.kind,
                  format: x.format,
                  generationMs: x.generationMs,
                })),
              },
              'report generated',
            ),
          onError: (kind, e) => log.error({ err: e, kind }, 'scheduled report failed'),
        }),
      );
    }
  }

  const system = createSystemMetrics({
    runtime: () => runtime.snapshot(),
    pipeline: i.pipeline,
    cpuProfileRunning: () => profiler.cpuBusy,
    storedProfiles: async () => (profileStore ? (await profileStore.usage()).profiles : null),
    startedAtMs: i.startedAtMs,
    now: i.now,
  });
  const summaries: SummariesApi = {
    system,
    metrics: (windowMs, nowMs) => metricsSummary(i.store, windowMs, nowMs),
  };

  let stopping: Promise<void> | undefined;
  return {
    ...(profiling ? { profiling } : {}),
    ...(reports ? { reports } : {}),
    summaries,
    start: () => timers.forEach((t) => t.start()),
    stop() {
      stopping ??= (async () => {
        await Promise.all(timers.map((t) => t.stop()));
        for (const c of closers.reverse()) await c();
      })();
      return stopping;
    },
  };
}

/**
 * Options for `startCluster` that make simulated nodes SDK-instrumented processes in full: `/debug/pprof`
 * endpoints on every node's metrics server (one CPU profile at a time per process) and the Node.js runtime
 * metrics in every node's registry.
 */
export function instrumentedNodeOptions(): {
  serverRoutes: ReadonlyMap<string, MetricsServerRoute>;
  attachRegistry: (r: Registry) => void;
} {
  return {
    serverRoutes: pprofRoutes(processProfiler()),
    attachRegistry: (r) => processRuntimeMetrics().attach(r),
  };
}
