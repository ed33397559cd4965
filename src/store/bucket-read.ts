/**
 * What every backend of `BucketedSampleReader.readBuckets` (./stepped-types.ts) shares (pure): the argument
 * checks, the span of whole buckets a read covers, and the conversion of rollup buckets (./tsdb/rollup.ts) into
 * query points at each bucket's last millisecond.
 */
import { InvalidInputError } from '../errors.ts';
import type { BucketedSampleReader, BucketResolutionMs, BucketSummary } from './stepped-types.ts';
import type { SampleStore } from './types.ts';
import { bucketStart, type Buckets } from './tsdb/rollup.ts';
import { bucketPoints } from './tsdb/stepped-read.ts';
import { checkLimit, checkTimeRange } from './validation.ts';

/**
 * Checks the arguments of `readBuckets`.
 * @throws InvalidInputError on a bad range, a resolution other than 1 min or 1 h, an unknown summary or a bad limit.
 */
export function checkBucketRead(
  startMs: number,
  endMs: number,
  resolutionMs: number,
  summary: string,
  maxPointsPerSeries: number,
): asserts resolutionMs is BucketResolutionMs {
  checkTimeRange(startMs, endMs);
  checkLimit(maxPointsPerSeries);
  if (resolutionMs !== 60_000 && resolutionMs !== 3_600_000)
    throw new InvalidInputError(`bucket resolution must be 60000 or 3600000 ms, got ${resolutionMs}`);
  if (summary !== 'last' && summary !== 'mean')
    throw new InvalidInputError(`bucket summary must be last or mean, got ${JSON.stringify(summary)}`);
}

/** The samples a read of [startMs, endMs] in buckets of `resolutionMs` summarises: [fromMs, toMs), whole buckets. */
export function bucketSpan(
  startMs: number,
  endMs: number,
  resolutionMs: BucketResolutionMs,
): { fromMs: number; toMs: number } {
  return {
    fromMs: bucketStart(startMs, resolutionMs),
    toMs: bucketStart(endMs, resolutionMs) + resolutionMs,
  };
}

/**
 * Query points of rollup buckets (`bucketPoints` of ./tsdb/stepped-read.ts): one per bucket at start +
 * resolution − 1, carrying the bucket's `last` or its mean (sum / count); the latest `max` of them. `mean` needs
 * the buckets' count and sum.
 */
export function summaryPoints(
  b: Buckets,
  resolutionMs: BucketResolutionMs,
  summary: BucketSummary,
  max: number,
): { timestampsMs: number[]; values: number[] } {
  const values = summary === 'last' ? b.last : b.sum.map((s, i) => s / b.count[i]!);
  return bucketPoints(b.timestampsMs, values, resolutionMs, max);
}

/** The store's bucketed reads, when it has them. */
export function bucketReaderOf(
  store: SampleStore | (SampleStore & BucketedSampleReader),
): BucketedSampleReader | undefined {
  return 'readBuckets' in store && typeof store.readBuckets === 'function' ? store : undefined;
}
