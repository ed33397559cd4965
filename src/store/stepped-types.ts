/**
 * Optional read capabilities of a sample store beyond `SampleStore` (types only): reads at the resolution a
 * query step needs, and rollup buckets for long windows (SLO windows, capacity forecasts). A store that keeps
 * rollups implements them; callers fall back to `readPoints` when a store does not.
 */
import type { AggregateOptions, AggregateResult } from './query.ts';
import type { SeriesPoints, SeriesRef } from './types.ts';

/** Resolution of a stepped read: raw samples, 1-minute or 1-hour rollups (ms; 0 = raw). */
export type ReadResolutionMs = 0 | 60_000 | 3_600_000;

/** Points read for a step, and the resolution they came from. */
export interface SteppedRead {
  readonly resolutionMs: ReadResolutionMs;
  /**
   * Per series: raw samples, or one point per rollup bucket at the bucket's last millisecond (start +
   * resolution − 1) carrying the bucket's last value, so "latest point at or before t" keeps its meaning.
   */
  readonly points: SeriesPoints[];
}

/** Reads at the resolution a range query's step needs. */
export interface SteppedSampleReader {
  /**
   * Points of each series in [startMs, endMs] at the coarsest resolution finer than or equal to `stepMs`
   * that still covers `startMs` (raw below 1 min, 1-minute rollups below 1 h, 1-hour rollups above), at most
   * the latest `maxPointsPerSeries` per series.
   * @throws InvalidInputError on a bad range, step or limit. @throws StoreError on backend failure.
   */
  readForStep(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    stepMs: number,
    maxPointsPerSeries: number,
  ): Promise<SteppedRead>;
}

/** Result of {@link AggregatingRangeReader.queryRange}. */
export interface RangeQueryResult extends AggregateResult {
  /** Whether some series had `maxPointsPerSeries` points or more in the range (only the latest were used). */
  readonly truncated: boolean;
}

/** Range queries aggregated by the store while it reads (no point arrays per series). */
export interface AggregatingRangeReader {
  /**
   * Exactly `aggregateSeries((await readForStep(series, opts.startMs, opts.endMs, opts.stepMs, maxPointsPerSeries)).points, opts)`
   * (src/store/query.ts), computed series by series as they are decoded.
   * @throws InvalidInputError on a bad range, step, limit or aggregation (as `readForStep` and `aggregateSeries`).
   * @throws StoreError on backend failure.
   */
  queryRange(
    series: readonly SeriesRef[],
    opts: AggregateOptions,
    maxPointsPerSeries: number,
  ): Promise<RangeQueryResult>;
}

/** Rollup buckets of one series: parallel arrays, bucket starts in Unix ms. */
export interface SeriesRollup {
  readonly series: SeriesRef;
  readonly timestampsMs: readonly number[];
  readonly count: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly sum: readonly number[];
  readonly last: readonly number[];
}

/** Rollup reads for long windows. */
export interface RollupReader {
  /**
   * Buckets of `resolutionMs` (60 000 or 3 600 000) with start in [startMs rounded down to the bucket, endMs].
   * @throws InvalidInputError on a bad range or resolution. @throws StoreError on backend failure.
   */
  readRollups(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: 60_000 | 3_600_000,
  ): Promise<SeriesRollup[]>;
}

/**
 * What one bucket of a bucketed read carries: `last`, the value of its latest sample (counters and histogram
 * `_sum`/`_count`/`_bucket` series: the cumulative value at the bucket's end, so increases between buckets are
 * the counter's increases; state gauges), or `mean`, the mean of its samples (gauges).
 */
export type BucketSummary = 'last' | 'mean';

/** Width of the buckets of a bucketed read, ms: one minute or one hour. */
export type BucketResolutionMs = 60_000 | 3_600_000;

/** Reads summarised into fixed time buckets, for long analysis windows (SLO, rollout, capacity). */
export interface BucketedSampleReader {
  /**
   * Per series, one point per bucket of `resolutionMs` whose start lies in [startMs rounded down to the bucket,
   * endMs] and that holds a non-NaN sample, at the bucket's last millisecond (start + resolution − 1), carrying
   * `summary` of all the bucket's samples (the first and last bucket may hold samples just outside
   * [startMs, endMs]); the latest `maxPointsPerSeries` of them. Series in the order asked.
   * @throws InvalidInputError on a bad range, resolution, summary or limit. @throws StoreError on backend failure.
   */
  readBuckets(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: BucketResolutionMs,
    summary: BucketSummary,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]>;
}
