/**
 * A soak: a simulated cluster from a cold start, in virtual time, through the shipped monitor pipeline
 * (`buildPipeline`, the builder `serve` uses) with a sample store and the anomaly sink (anomaly store, webhook
 * notifications), while every surface an operator sees is read as `serve` and its web page read it:
 *
 * 1. Every second each node is ticked and scraped through the monitor's `Scraper` (in-process sources with the
 *    demo's target labels `instance`, `region`, `node`; the scraper adds `job`, `up` and `scrape_*`), and the
 *    batch runs through `MonitorPipeline.ingest`: series tracker, sample store (bounded in-memory store, same
 *    contract as the SQL stores), detection engine, anomaly sink with a counting notification queue.
 * 2. Every `insightsIntervalMs` the monitor's insights export runs (`exportInsights`, as `serve` schedules it,
 *    feeding the rollout-stage and region-trend trackers) over the API's default windows; what it computes is
 *    what GET /api/rollout, /api/slo and /api/regions/health return, and is tallied (./surfaces.ts).
 * 3. Every `capacityIntervalMs` the capacity provider runs over its API default window (cpu and memory).
 * 4. Every `prometheus.intervalSeconds` the samples a Prometheus server with the generated configuration would
 *    scrape are recorded (./prom-recorder.ts); the caller evaluates the generated rules on them (./promtool.ts).
 *
 * With `hostExporters` (default), a modelled node_exporter beside each node is scraped every second as well
 * (target `<node>-host`; src/sim/node-exporter-model.ts), so series outside the DWCP catalog are soaked too.
 *
 * Not run: the host collector (`host.enabled`; this machine is not part of the cluster), periodic maintenance
 * (retention is longer than a soak) and detector checkpoints (a cold start is what is measured).
 */
import { Registry } from 'prom-client';
import { evaluateDetections, type Evaluation } from '../../analysis/anomaly/evaluate.ts';
import { metricsOf } from '../../catalog/index.ts';
import { createCatalogMetrics } from '../../catalog/registry.ts';
import { Scraper } from '../../ingest/scraper.ts';
import type { Anomaly, FaultLabel } from '../../model/anomaly.ts';
import type { Sample } from '../../model/sample.ts';
import { AnomalySink, type NotificationQueue } from '../../monitor/anomaly-sink.ts';
import { buildPipeline } from '../../monitor/build-pipeline.ts';
import { createCapacityProvider, type CapacityProvider } from '../../monitor/capacity-provider.ts';
import { exportInsights } from '../../monitor/insights-exporter.ts';
import { RegionTrendTracker } from '../../monitor/region-trend-tracker.ts';
import { createInsightsProvider, type InsightsProvider } from '../../monitor/rollout-provider.ts';
import { RolloutStageTracker } from '../../monitor/rollout-stage-tracker.ts';
import { faultLabel } from '../../sim/labels.ts';
import { ModelledNodeExporter } from '../../sim/node-exporter-model.ts';
import { MemoryAnomalyStore } from '../../store/memory/anomaly-store.ts';
import { MemorySampleStore } from '../../store/memory/sample-store.ts';
import { readNode, soakCluster } from './cluster.ts';
import {
  resolveSoakOptions,
  soakDetectionSettings,
  type ResolvedSoakOptions,
  type SoakOptions,
} from './options.ts';
import { PromRecorder } from './prom-recorder.ts';
import {
  emptyTally,
  tallyAnomaly,
  tallyCapacity,
  tallyRegions,
  tallyRollout,
  tallySlo,
  type SurfaceTally,
} from './surfaces.ts';

/** Sim start of every soak (Unix ms); only relative times matter. */
export const SOAK_START_MS = Date.UTC(2026, 0, 1);
/** Anomalies kept in the result at most (the tally counts every one). */
export const MAX_KEPT_ANOMALIES = 10_000;
/** Resources the capacity surface plans (those of the API and the web page). */
const CAPACITY_RESOURCES: Parameters<CapacityProvider['capacity']>[1] = ['cpu', 'memory'];
/** Series per node the sample store is sized for (a simulated node exposes ~950). */
const STORE_SERIES_PER_NODE = 2000;

/** Where the wall time went, ms (not deterministic). */
export interface SoakTiming {
  simMs: number;
  readMs: number;
  pipelineMs: number;
  insightsMs: number;
  capacityMs: number;
  totalMs: number;
}

/** Result of {@link runSoak}. Everything but `timing` is deterministic for the options. */
export interface SoakResult {
  readonly options: ResolvedSoakOptions;
  readonly startMs: number;
  readonly endMs: number;
  readonly tally: SurfaceTally;
  /** Derived series with engine state (detectors and target health). */
  readonly analysedSeries: number;
  /** Detection inputs processed (one per analysed series per scrape with a value). */
  readonly inputs: number;
  /** `inputs` x scrape interval, in hours: the series-hours analysed. */
  readonly seriesHours: number;
  readonly samplesIngested: number;
  /** Opened anomalies (at most MAX_KEPT_ANOMALIES), in order. */
  readonly anomalies: readonly Omit<Anomaly, 'id'>[];
  /** Labels of the faults (none for a healthy soak) and the detections scored against them. */
  readonly labels: readonly FaultLabel[];
  readonly evaluation: Evaluation | null;
  /** Errors the anomaly sink reported (storing anomalies), at most 20. */
  readonly errors: readonly string[];
  /** Recorded Prometheus series (absent without `prometheus` options). */
  readonly prometheus: PromRecorder | null;
  readonly timing: SoakTiming;
}

/** A notification queue that counts what the anomaly sink queues (nothing is sent anywhere). */
function countingQueue(tally: SurfaceTally): NotificationQueue {
  return {
    receiver: 'soak',
    queueLength: 0,
    enqueue(payload: unknown) {
      tally.notifications.payloads++;
      const alerts = (payload as { alerts?: readonly { status?: string }[] }).alerts ?? [];
      tally.notifications.firingAlerts += alerts.filter((a) => a.status === 'firing').length;
    },
  };
}

/** The insights provider with every result tallied as the API would have returned it. */
function tallied(base: InsightsProvider, tally: SurfaceTally, startMs: number): InsightsProvider {
  return {
    async rollout(w, now) {
      const r = await base.rollout(w, now);
      tallyRollout(tally, r.decision, r.summary, now, startMs);
      return r;
    },
    async slo(w, now) {
      const r = await base.slo(w, now);
      tallySlo(tally, r, now, startMs);
      return r;
    },
    async regions(w, now) {
      const r = await base.regions(w, now);
      tallyRegions(tally, r, now, startMs);
      return r;
    },
  };
}

/**
 * Runs a soak (see the module comment).
 * @throws InvalidInputError for bad options (resolveSoakOptions).
 */
export async function runSoak(opts: SoakOptions, onProgress?: (second: number) => void): Promise<SoakResult> {
  const o = resolveSoakOptions(opts);
  const t0 = performance.now();
  const timing: SoakTiming = { simMs: 0, readMs: 0, pipelineMs: 0, insightsMs: 0, capacityMs: 0, totalMs: 0 };
  const startMs = SOAK_START_MS;
  const tally = emptyTally();
  const anomalies: Omit<Anomaly, 'id'>[] = [];
  const errors: string[] = [];

  const store = new MemorySampleStore({
    maxSeries: o.nodes * STORE_SERIES_PER_NODE + 100,
    maxSamplesPerSeries: o.durationSeconds + 10,
    retentionMs: (o.durationSeconds + 3600) * 1000,
  });
  const anomalyStore = new MemoryAnomalyStore();
  const registry = new Registry();
  const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
  const detection = soakDetectionSettings(o);
  const sink = new AnomalySink({
    store: anomalyStore,
    metrics,
    publish: () => {},
    senders: [countingQueue(tally)],
    externalUrl: 'http://127.0.0.1:9500',
    maxOpen: detection.maxSeries,
    onError: (e) => {
      if (errors.length < 20) errors.push(e instanceof Error ? e.message : String(e));
    },
  });
  let clockMs = startMs;
  const { pipeline } = buildPipeline({
    detection,
    store,
    sink: {
      async handle(outcome) {
        for (const x of outcome.opened) {
          tallyAnomaly(tally, x.anomaly, startMs);
          if (anomalies.length < MAX_KEPT_ANOMALIES) anomalies.push(x.anomaly);
        }
        await sink.handle(outcome);
      },
      get queueLength() {
        return sink.queueLength;
      },
    },
    clock: () => clockMs,
  });

  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const insights = tallied(createInsightsProvider(store, trackers), tally, startMs);
  const capacity = createCapacityProvider(store);
  const exportWindows = {
    rolloutWindowMs: o.windows.rolloutMs,
    sloWindowMs: o.windows.sloMs,
    regionWindowMs: o.windows.regionsMs,
  };

  const nodes = soakCluster(o, startMs);
  const pending: (Sample[] | null)[] = nodes.map(() => null);
  const scraper = new Scraper({
    now: () => clockMs,
    onSamples: async (target, samples, _startMs, outcome) => {
      const a = performance.now();
      await pipeline.ingest({ target, samples, outcome });
      timing.pipelineMs += performance.now() - a;
    },
  });
  nodes.forEach((n, i) => {
    scraper.addTarget({
      id: n.spec.id,
      labels: { instance: n.instance, region: n.spec.region, node: n.spec.id },
      source: {
        collect: () => {
          const got = pending[i];
          if (!got) throw new Error('connection refused');
          return got;
        },
      },
    });
  });

  const hosts = o.hostExporters
    ? nodes.map((n, i) => ({
        id: `${n.spec.id}-host`,
        exporter: new ModelledNodeExporter({ seed: o.seed * 1000 + i, dayMs: o.daySeconds * 1000 }),
      }))
    : [];
  hosts.forEach((h, i) => {
    const n = nodes[i]!;
    scraper.addTarget({
      id: h.id,
      labels: { instance: `127.0.0.1:${n.spec.port + 1000}`, region: n.spec.region, node: n.spec.id },
      source: { collect: () => h.exporter.samples(clockMs) },
    });
  });

  const prom = o.prometheus
    ? new PromRecorder({
        intervalSeconds: o.prometheus.intervalSeconds,
        points: Math.floor((o.durationSeconds - 1) / o.prometheus.intervalSeconds) + 1,
        sampleNames: o.prometheus.sampleNames,
        maxSeries: o.prometheus.maxSeries,
      })
    : null;

  for (let sec = 0; sec < o.durationSeconds; sec++) {
    const tickMs = startMs + sec * 1000;
    let a = performance.now();
    for (const n of nodes) n.node.tick(tickMs);
    timing.simMs += performance.now() - a;
    clockMs = tickMs + o.scrapeOffsetMs;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      a = performance.now();
      const samples = n.node.currentEffects.down ? null : await readNode(n.node, clockMs);
      const readMs = performance.now() - a;
      timing.readMs += readMs;
      pending[i] = samples;
      await scraper.scrapeOnce(n.spec.id);
      pending[i] = null;
      if (prom && samples && sec % prom.intervalSeconds === 0) {
        prom.record(
          sec / prom.intervalSeconds,
          { instance: n.instance, labels: { region: n.spec.region, node: n.spec.id } },
          samples,
          readMs / 1000,
        );
      }
    }
    for (const h of hosts) await scraper.scrapeOnce(h.id);
    const elapsedMs = (sec + 1) * 1000;
    if (elapsedMs % o.insightsIntervalMs === 0) {
      a = performance.now();
      await exportInsights(insights, metrics, clockMs, exportWindows, trackers);
      timing.insightsMs += performance.now() - a;
    }
    if (elapsedMs % o.capacityIntervalMs === 0) {
      a = performance.now();
      tallyCapacity(
        tally,
        await capacity.capacity(o.windows.capacityMs, CAPACITY_RESOURCES, clockMs),
        clockMs,
        startMs,
      );
      timing.capacityMs += performance.now() - a;
    }
    onProgress?.(sec + 1);
  }

  const labels = o.faults.map((f) =>
    faultLabel(f, nodes[f.node]!.spec.id, nodes[f.node]!.spec.region, startMs),
  );
  const evaluation =
    labels.length === 0
      ? null
      : evaluateDetections(
          labels,
          anomalies.map((x) => ({
            metric: x.metric,
            labels: x.labels,
            startedAtMs: x.startedAtMs,
            detectedAtMs: x.detectedAtMs,
          })),
        );
  const c = pipeline.counters();
  timing.totalMs = performance.now() - t0;
  return {
    options: o,
    startMs,
    endMs: startMs + o.durationSeconds * 1000,
    tally,
    analysedSeries: pipeline.engine?.size ?? 0,
    inputs: c.inputsProcessed,
    seriesHours: c.inputsProcessed / 3600,
    samplesIngested: c.samplesIngested,
    anomalies,
    labels,
    evaluation,
    errors,
    prometheus: prom,
    timing,
  };
}
