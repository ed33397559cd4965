/**
 * How the insight providers (SLO, rollout, capacity) read a long window: a window longer than `rawMaxMs` is read
 * as time buckets from a store that can summarise them (`BucketedSampleReader`: rollups of the chunked layout,
 * SQL aggregation of the rows layout, `query_range` on VictoriaMetrics, the in-memory store), instead of pulling
 * every raw sample and keeping the newest few thousand. The buckets are one minute wide while the window holds at
 * most `maxPoints` of them, else one hour; what a bucket carries follows the series' catalog type: counters and
 * histogram series their last value (increases between buckets are the counter's increases, and Δsum / Δcount
 * of a histogram stays a ratio of sums), gauges their mean. The providers then work on the points as on raw
 * samples, at steps no finer than the buckets.
 */
import { metricForSampleName } from '../catalog/index.ts';
import { bucketReaderOf } from '../store/bucket-read.ts';
import type { BucketedSampleReader, BucketResolutionMs, BucketSummary } from '../store/stepped-types.ts';
import type { SampleStore } from '../store/types.ts';

/** Default longest window read as raw samples (ms): one hour, about 4 000 samples of a 1-s scrape. */
export const DEFAULT_RAW_WINDOW_MS = 3_600_000;

/** The bucketed reader and resolution for a window, or none (raw samples). */
export interface LongWindowRead {
  readonly reader: BucketedSampleReader;
  readonly resolutionMs: BucketResolutionMs;
}

/**
 * The bucketed read of a window of `windowMs` from `store`: none when the window is at most `rawMaxMs` or the store
 * has no bucketed reads; 1-minute buckets while the window holds at most `maxPoints` of them, else 1-hour ones.
 */
export function longWindowRead(
  store: SampleStore,
  windowMs: number,
  rawMaxMs: number,
  maxPoints: number,
): LongWindowRead | undefined {
  const reader = bucketReaderOf(store);
  if (reader === undefined || !(windowMs > rawMaxMs)) return undefined;
  return { reader, resolutionMs: Math.ceil(windowMs / 60_000) <= maxPoints ? 60_000 : 3_600_000 };
}

/** What a bucket of the stored series `sampleName` carries: the mean for catalog gauges, else the last value. */
export function bucketSummaryOf(sampleName: string): BucketSummary {
  const def = metricForSampleName(sampleName);
  return def !== undefined && def.type === 'gauge' && def.name === sampleName ? 'mean' : 'last';
}
