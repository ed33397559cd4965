/**
 * Rollout decision, SLO budgets and regional health computed on request from the stored series: reads the
 * `SampleStore` (findSeries + readPoints, or bucketed reads for windows over `rawWindowMs`; bounded by
 * `maxSeries` and `maxPointsPerSeries` per metric), builds the
 * inputs with `rollout-inputs.ts` and runs the pure engines (the rollout status of `rollout-status.ts`: the
 * sequential test of the current stage since its start, at most `maxEvidenceMs` back, and the descriptive
 * comparison over the window; the SLOs through `slo-provider.ts`; regions through `region-provider.ts`).
 * Served by GET /api/rollout, /api/slo (per tenant: the SLIs over the tenant's nodes' series) and
 * /api/regions/health. The rollout `stages` and the region `trend`s come from the optional in-memory trackers
 * (`rolloutStages`, `regionTrends`), which the periodic `exportInsights` feeds; without them `stages` is empty
 * and every trend `unknown`.
 */
import { SLO_TEMPLATES, type Slo } from '../analysis/slo/definition.ts';
import { getMetric, type MetricName } from '../catalog/index.ts';
import type { AnalysisWindow } from '../contract/common.ts';
import type { RegionsOverview } from '../contract/regions.ts';
import type { SloOverview } from '../contract/slo.ts';
import type { Labels } from '../model/sample.ts';
import { findInScope, type TenantScope } from '../model/tenant-scope.ts';
import type { SampleStore, SeriesPoints } from '../store/types.ts';
import type { HistogramSeries } from './rollout-inputs.ts';
import { evaluateRegions, type RegionHealthOptions } from './region-provider.ts';
import { stageStart, type EvidencePaths } from './rollout-evidence.ts';
import {
  computeRolloutStatus,
  DEFAULT_BASELINE_MS,
  DEFAULT_MAX_EVIDENCE_MS,
  type RolloutEvidenceOptions,
  type RolloutResult,
} from './rollout-status.ts';
import { UNKNOWN_TREND, type RegionTrendTracker } from './region-trend-tracker.ts';
import type { RolloutStageTracker } from './rollout-stage-tracker.ts';
import { evaluateSlos, type SloEvidenceOptions } from './slo-provider.ts';
import { IncrementalSlos } from './slo-incremental.ts';
import { KeptWindowPoints } from './kept-window-points.ts';
import { rawChangesOf } from '../store/raw-changes.ts';
import { bucketSummaryOf, DEFAULT_RAW_WINDOW_MS, longWindowRead } from './long-window-read.ts';

export type { RolloutResult } from './rollout-status.ts';

/**
 * Rollout, SLO and regional-health results, in the API's shapes (src/contract): each call reads the store over
 * `[nowMs − windowMs, nowMs]`.
 */
export interface InsightsProvider {
  rollout(windowMs: number, nowMs: number): Promise<RolloutResult>;
  /** With a tenant `scope`, every SLI reads only the series of its nodes or regions (src/model/tenant-scope.ts). */
  slo(windowMs: number, nowMs: number, scope?: TenantScope): Promise<SloOverview>;
  regions(windowMs: number, nowMs: number): Promise<RegionsOverview>;
}

/** Bounds of one read. */
export interface InsightsOptions {
  /** Series read per metric (more → warning). Default 200. */
  readonly maxSeries?: number;
  /** Latest points (or buckets) read per series. Default 4000. */
  readonly maxPointsPerSeries?: number;
  /**
   * Longest window read as raw samples, ms (default 1 h); longer windows are read as 1-minute or 1-hour buckets
   * from a store that has bucketed reads (./long-window-read.ts), and SLO steps are then whole buckets.
   */
  readonly rawWindowMs?: number;
  /** SLO evaluation step. Default 10 s. */
  readonly sloStepMs?: number;
  /** SLOs evaluated. Default SLO_TEMPLATES. */
  readonly slos?: readonly Slo[];
  /** Evidence gates of the SLO verdicts and burn-rate pairs (defaults of src/analysis/slo/budget.ts). */
  readonly sloEvidence?: SloEvidenceOptions;
  /**
   * Keep each SLO's settled SLI steps between calls and derive only new or doubtful ones (./slo-incremental.ts;
   * same results). Default true; used for raw-read windows without a tenant scope on stores with raw change
   * tracking.
   */
  readonly sloKeepSteps?: boolean;
  /**
   * Keep the points the regional health call read between calls and read only what was stored since
   * (./kept-window-points.ts; same results). Default true; used for raw-read windows on stores with raw change
   * tracking.
   */
  readonly regionKeepPoints?: boolean;
  /**
   * Keep the points the rollout call read between calls and read only what was stored since
   * (./kept-window-points.ts, its own instance bounded by {@link ROLLOUT_MAX_KEPT_POINTS}; same results). Default
   * true; used for raw-read windows on stores with raw change tracking.
   */
  readonly rolloutKeepPoints?: boolean;
  /**
   * Keep the rollout stage's sequential effect path between calls and compute only the looks not settled by the
   * previous call (src/analysis/canary/ratio-effect-memo.ts; same results). Default true.
   */
  readonly rolloutKeepPaths?: boolean;
  /** Most points the rollout call keeps over its reads; default {@link ROLLOUT_MAX_KEPT_POINTS}. */
  readonly rolloutMaxKeptPoints?: number;
  /** Source of `RolloutStatus.stages` (fed by `exportInsights`). */
  readonly rolloutStages?: RolloutStageTracker;
  /** Source of `RegionHealth.trend` (fed by `exportInsights`). */
  readonly regionTrends?: RegionTrendTracker;
  /** Warm-up and per-mode latency scale of the regional health score (defaults of model/insight-settings.ts). */
  readonly regionHealth?: RegionHealthOptions;
  /** Longest evidence period of the rollout stage, ms. Default 1 h. */
  readonly maxEvidenceMs?: number;
  /** Settings of the rollout stage's sequential test. */
  readonly rolloutEvidence?: Omit<RolloutEvidenceOptions, 'maxPoints' | 'paths'>;
}

/**
 * Bound of the points the rollout call keeps between calls over its reads: 2 M (16 B each as timestamp and value,
 * about 32 MB). A 12-node cluster scraped every second stores about 1,500 points per second in the series the call
 * reads, so this holds about 22 minutes of stage evidence; beyond it the least recently used reads are dropped and
 * read in full.
 */
export const ROLLOUT_MAX_KEPT_POINTS = 2_000_000;

const m = (name: MetricName): string => getMetric(name).name;

/** Runs every read of `reads` concurrently; the results under the same keys. */
async function readAll<T extends Record<string, () => Promise<unknown>>>(
  reads: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const keys = Object.keys(reads) as (keyof T)[];
  const values = await Promise.all(keys.map((k) => reads[k]!()));
  return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as {
    [K in keyof T]: Awaited<ReturnType<T[K]>>;
  };
}

/**
 * Creates the provider over `store`.
 * @throws StoreError from the store; InvalidInputError from the engines for impossible data.
 */
export function createInsightsProvider(store: SampleStore, options: InsightsOptions = {}): InsightsProvider {
  const maxSeries = options.maxSeries ?? 200;
  const maxPoints = options.maxPointsPerSeries ?? 4000;
  const stepMs = options.sloStepMs ?? 10_000;
  const slos = options.slos ?? SLO_TEMPLATES;
  const maxEvidenceMs = options.maxEvidenceMs ?? DEFAULT_MAX_EVIDENCE_MS;
  const evidence = options.rolloutEvidence ?? {};

  const rawWindowMs = options.rawWindowMs ?? DEFAULT_RAW_WINDOW_MS;
  const tracking = options.sloKeepSteps === false ? undefined : rawChangesOf(store);
  const keptSlos =
    tracking &&
    new IncrementalSlos(store, tracking, {
      slos,
      maxSeries,
      maxPointsPerSeries: maxPoints,
      stepMs,
      evidence: options.sloEvidence ?? {},
    });

  const regionTracking = options.regionKeepPoints === false ? undefined : rawChangesOf(store);
  const keptRegionPoints = regionTracking && new KeptWindowPoints(store, regionTracking);
  // The rollout call's reads (24, each up to the stage's evidence period) have their own points and bound.
  const rolloutTracking = options.rolloutKeepPoints === false ? undefined : rawChangesOf(store);
  const keptRolloutPoints =
    rolloutTracking &&
    new KeptWindowPoints(store, rolloutTracking, {
      maxKeptPoints: options.rolloutMaxKeptPoints ?? ROLLOUT_MAX_KEPT_POINTS,
    });

  const rolloutPaths: EvidencePaths | undefined = options.rolloutKeepPaths === false ? undefined : new Map();

  // Windows longer than `rawWindowMs` are read as buckets when the store can (long-window-read.ts).
  const reader = (w: AnalysisWindow, warnings: string[], scope?: TenantScope, kept?: KeptWindowPoints) => {
    const long = longWindowRead(store, w.endMs - w.startMs, rawWindowMs, maxPoints);
    const read = async (
      name: string,
      match: Labels = {},
      limit = maxSeries,
      summary = bucketSummaryOf(name),
    ): Promise<SeriesPoints[]> => {
      if (kept && !long && scope === undefined) {
        const got = await kept.read(name, match, limit, w.startMs, w.endMs, maxPoints);
        if (got.refs.length >= limit) warnings.push(`${name}: read the first ${limit} series only`);
        if (got.points.some((p) => p.timestampsMs.length >= maxPoints))
          warnings.push(`${name}: read the latest ${maxPoints} points per series only`);
        return got.points;
      }
      const refs =
        scope === undefined
          ? await store.findSeries(name, match, limit)
          : await findInScope(scope, match, limit, (mm, l) => store.findSeries(name, mm, l));
      if (refs.length >= limit) warnings.push(`${name}: read the first ${limit} series only`);
      if (refs.length === 0) return [];
      const points = long
        ? await long.reader.readBuckets(refs, w.startMs, w.endMs, long.resolutionMs, summary, maxPoints)
        : await store.readPoints(refs, w.startMs, w.endMs, maxPoints);
      if (points.some((p) => p.timestampsMs.length >= maxPoints))
        warnings.push(`${name}: read the latest ${maxPoints} ${long ? 'buckets' : 'points'} per series only`);
      return points;
    };
    const histogram = async (name: string, match: Labels = {}): Promise<HistogramSeries> => {
      const [sum, count] = await Promise.all([read(`${name}_sum`, match), read(`${name}_count`, match)]);
      return { sum, count };
    };
    return { read, histogram, resolutionMs: long?.resolutionMs ?? 0 };
  };

  return {
    async rollout(windowMs, nowMs) {
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      // The stage start bounds the evidence read: progress over the longest evidence period first.
      const evidenceFrom = nowMs - maxEvidenceMs;
      // Progress and feature flags are states: a bucket carries the state at its end, never a mean of two.
      const progress = await reader(
        { startMs: Math.min(evidenceFrom, window.startMs), endMs: nowMs },
        warnings,
        undefined,
        keptRolloutPoints,
      ).read(m('dwcp_v3_rollout_progress_percent'), {}, maxSeries, 'last');
      const stage = stageStart(progress, maxPoints);
      const stageStartMs = stage?.startMs ?? evidenceFrom;
      // An observed stage start also reads the baseline before it (nodes with one version are judged against it).
      const baselineFrom = stage?.startObserved
        ? stageStartMs - (evidence.baselineMs ?? DEFAULT_BASELINE_MS)
        : Infinity;
      const readStartMs = Math.min(window.startMs, Math.max(stageStartMs, evidenceFrom), baselineFrom);
      const { read, histogram } = reader(
        { startMs: readStartMs, endMs: nowMs },
        warnings,
        undefined,
        keptRolloutPoints,
      );
      // One entry per series read, named as computeRolloutStatus takes it; all read concurrently.
      const rs = {
        ...(await readAll({
          v1Migration: () => histogram(m('dwcp_migration_duration_seconds'), { dwcp_enabled: 'true' }),
          v3Migration: () => histogram(m('dwcp_v3_migration_duration_seconds')),
          v1MigrationMemory: () => read(m('dwcp_migration_memory_bytes_total'), { dwcp_enabled: 'true' }),
          v3MigrationMemory: () => read(m('dwcp_v3_migration_memory_bytes_total')),
          v1Compression: () => histogram(m('dwcp_hde_compression_ratio')),
          v3Compression: () => read(m('dwcp_v3_compression_ratio')),
          slaCompliance: () => read(m('dwcp_v3_sla_compliance')),
          v3Enabled: () =>
            read(m('dwcp_system_config_enabled'), { feature: 'v3_enabled' }, maxSeries, 'last'),
          utilization: () => read(m('dwcp_v3_resource_utilization_percent')),
          throughputTx: () => read(m('dwcp_v3_throughput_bytes_per_second'), { direction: 'tx' }),
          hdeOriginal: () => read(m('dwcp_hde_bytes_original_total')),
          hdeCompressed: () => read(m('dwcp_hde_bytes_compressed_total')),
          v1Cpu: () => read(m('dwcp_migration_cpu_seconds_total'), { dwcp_enabled: 'true' }),
          v3Cpu: () => read(m('dwcp_v3_migration_cpu_seconds_total')),
          v1HostMemory: () => histogram(m('dwcp_migration_host_memory_peak_bytes'), { dwcp_enabled: 'true' }),
          v3HostMemory: () => histogram(m('dwcp_v3_migration_host_memory_peak_bytes')),
          v1Sent: () => read(m('dwcp_migration_sent_bytes_total'), { dwcp_enabled: 'true' }),
          v3Sent: () => read(m('dwcp_v3_migration_sent_bytes_total')),
        })),
        rolloutProgress: progress,
      };
      return computeRolloutStatus(
        rs,
        window,
        readStartMs,
        { ...evidence, maxPoints, ...(rolloutPaths === undefined ? {} : { paths: rolloutPaths }) },
        options.rolloutStages?.stages() ?? [],
        [...new Set(warnings)],
      );
    },

    async slo(windowMs, nowMs, scope) {
      if (keptSlos && scope === undefined && !longWindowRead(store, windowMs, rawWindowMs, maxPoints))
        return keptSlos.evaluate(windowMs, nowMs);
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      const { read, resolutionMs } = reader(window, warnings, scope);
      // Steps are whole buckets when the window is read as buckets.
      const sloStepMs = resolutionMs === 0 ? stepMs : Math.ceil(stepMs / resolutionMs) * resolutionMs;
      const out = await evaluateSlos(
        slos,
        read,
        maxSeries,
        sloStepMs,
        window,
        nowMs,
        options.sloEvidence ?? {},
        warnings,
      );
      return { stepMs: sloStepMs, window, slos: out, warnings };
    },

    async regions(windowMs, nowMs) {
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      const { read, histogram } = reader(window, warnings, undefined, keptRegionPoints);
      const [up, utilization, modeLatency, errors, operations, acpHealth] = await Promise.all([
        read(m('up')),
        read(m('dwcp_v3_resource_utilization_percent')),
        histogram(m('dwcp_v3_mode_latency_seconds')),
        read(m('dwcp_v3_component_errors_total')),
        read(m('dwcp_v3_component_operations_total')),
        read(m('dwcp_v3_component_health'), { component: 'acp' }),
      ]);
      const regions = evaluateRegions(
        { up, utilization, modeLatency, errors, operations, acpHealth },
        options.regionHealth ?? {},
        (region) => options.regionTrends?.trend(region, nowMs) ?? UNKNOWN_TREND,
      );
      return { window, regions, warnings };
    },
  };
}
