/**
 * Capacity plans computed on request from the stored utilisation series: reads the `SampleStore` (findSeries of
 * `dwcp_v3_resource_utilization_percent{resource_type}`, bounded by `maxSeries`; 1-minute or 1-hour means for
 * windows over `rawWindowMs` from a store with bucketed reads (`long-window-read.ts`), else points spread over
 * the whole window by `spread-read.ts`; at most `buckets × perBucket` per series) and runs the pure `planCapacity`
 * (src/analysis/forecast/capacity.ts) once per series, with the history gate (`minHistoryMs`, `minPoints`) and
 * the physical maximum of the metric's unit from the catalog (100 % for a percent). Served by GET /api/capacity.
 */
import { planCapacity, type CapacityOptions } from '../analysis/forecast/capacity.ts';
import { physicalRange } from '../catalog/impact.ts';
import { getMetric } from '../catalog/index.ts';
import type { CapacityOverview, CapacityResource, NodeCapacity } from '../contract/capacity.ts';
import { InvalidInputError } from '../errors.ts';
import { formatDuration } from '../model/duration.ts';
import { DEFAULT_CAPACITY_EVIDENCE } from '../model/insight-settings.ts';
import type { SampleStore } from '../store/types.ts';
import { nodeOf, regionOf } from './component-status.ts';
import { DEFAULT_RAW_WINDOW_MS, longWindowRead } from './long-window-read.ts';
import { readSpread } from './spread-read.ts';

/** Capacity plans in the API's shape (src/contract/capacity.ts): each call reads the store over `[nowMs − windowMs, nowMs]`. */
export interface CapacityProvider {
  capacity(
    windowMs: number,
    resources: readonly CapacityResource[],
    nowMs: number,
  ): Promise<CapacityOverview>;
}

/** Bounds of one read and the planner's options. */
export interface CapacityProviderOptions {
  /** Series read per resource (more → warning). Default 200. */
  readonly maxSeries?: number;
  /** Sub-windows the window is read in (one query each). Default 168 (hourly over the default week). */
  readonly buckets?: number;
  /** Latest points read per sub-window and series. Default 100. */
  readonly perBucket?: number;
  /**
   * Passed to planCapacity (defaults: 80/90 %, ≥ 100 points over ≥ 1 day, 95 % intervals, model auto); `maxPct`
   * defaults to the catalog's physical maximum of the metric.
   */
  readonly plan?: CapacityOptions;
  /**
   * Longest window read as raw samples spread over the window, ms (default 1 h); longer windows are read as
   * 1-minute (or 1-hour) means from a store that has bucketed reads (./long-window-read.ts), at most
   * `buckets × perBucket` per series.
   */
  readonly rawWindowMs?: number;
  /** The store's retention, ms: a retention shorter than the history a plan needs is reported as a warning. */
  readonly retentionMs?: number;
}

/**
 * Creates the provider over `store`.
 * @throws StoreError from the store (per-series InvalidInputError of the planner becomes an `invalid-data` entry)
 */
export function createCapacityProvider(
  store: SampleStore,
  options: CapacityProviderOptions = {},
): CapacityProvider {
  const maxSeries = options.maxSeries ?? 200;
  const buckets = options.buckets ?? 168;
  const perBucket = options.perBucket ?? 100;
  const rawWindowMs = options.rawWindowMs ?? DEFAULT_RAW_WINDOW_MS;
  const metric = getMetric('dwcp_v3_resource_utilization_percent');
  const planOptions: CapacityOptions = { maxPct: physicalRange(metric).max, ...options.plan };
  const requiredHistoryMs = planOptions.minHistoryMs ?? DEFAULT_CAPACITY_EVIDENCE.minHistoryMs;
  const requiredPoints = planOptions.minPoints ?? DEFAULT_CAPACITY_EVIDENCE.minPoints;

  return {
    async capacity(windowMs, resources, nowMs) {
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      if (options.retentionMs !== undefined && options.retentionMs < requiredHistoryMs) {
        warnings.push(
          `storage retention (${formatDuration(options.retentionMs)}) is shorter than the ${formatDuration(requiredHistoryMs)} of history a plan needs: ` +
            'raise storage.retention or lower capacity.minHistory',
        );
      }
      if (windowMs < requiredHistoryMs) {
        warnings.push(
          `the window (${formatDuration(windowMs)}) is shorter than the ${formatDuration(requiredHistoryMs)} of history a plan needs`,
        );
      }
      const nodes: NodeCapacity[] = [];
      for (const resource of resources) {
        const refs = await store.findSeries(metric.name, { resource_type: resource }, maxSeries);
        if (refs.length >= maxSeries)
          warnings.push(
            `${metric.name}{resource_type="${resource}"}: read the first ${maxSeries} series only`,
          );
        if (refs.length === 0) continue;
        const long = longWindowRead(store, windowMs, rawWindowMs, buckets * perBucket);
        const read = long
          ? (
              await long.reader.readBuckets(
                refs,
                window.startMs,
                window.endMs,
                long.resolutionMs,
                'mean',
                buckets * perBucket,
              )
            ).filter((p) => p.timestampsMs.length > 0)
          : await readSpread(store, refs, window, buckets, perBucket);
        for (const s of read) {
          const ts: number[] = [];
          const vs: number[] = [];
          for (let i = 0; i < s.values.length; i++) {
            if (Number.isFinite(s.values[i]!)) {
              ts.push(s.timestampsMs[i]!);
              vs.push(s.values[i]!);
            }
          }
          let plan: NodeCapacity['plan'];
          try {
            plan = planCapacity({ timestampsMs: ts, values: vs }, planOptions, nowMs);
          } catch (err) {
            if (!(err instanceof InvalidInputError)) throw err;
            plan = { status: 'invalid-data', reason: err.message };
          }
          const labels = s.series.labels;
          nodes.push({
            node: nodeOf(labels),
            region: regionOf(labels),
            resource,
            labels,
            points: vs.length,
            plan,
          });
        }
      }
      nodes.sort(
        (a, b) =>
          a.region.localeCompare(b.region) ||
          a.node.localeCompare(b.node) ||
          a.resource.localeCompare(b.resource),
      );
      return { window, resources, nodes, requiredHistoryMs, requiredPoints, warnings };
    },
  };
}
