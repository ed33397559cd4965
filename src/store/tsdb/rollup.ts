/**
 * Rollup arithmetic (pure): samples into time buckets with min, max, sum, count and last, and replacement of a
 * time range of stored buckets by recomputed ones.
 *
 * A bucket of width `r` starting at `b` holds the samples with b <= t < b + r. NaN samples are left out (they
 * mark absence, as in query.ts); ±Inf count and propagate into min, max and sum. `last` is the value of the
 * latest non-NaN sample. A bucket without a non-NaN sample does not exist. The same buckets are what
 * Prometheus' min_over_time, max_over_time, sum_over_time, count_over_time and last_over_time would give over
 * [b, b + r).
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#aggregation_over_time
 */
import { InvalidInputError } from '../../errors.ts';

/** Buckets as parallel arrays, bucket starts strictly increasing. */
export interface Buckets {
  readonly timestampsMs: number[];
  readonly count: number[];
  readonly min: number[];
  readonly max: number[];
  readonly sum: number[];
  readonly last: number[];
}

/** An empty bucket set. */
export function emptyBuckets(): Buckets {
  return { timestampsMs: [], count: [], min: [], max: [], sum: [], last: [] };
}

/** Start of the bucket of width `resolutionMs` holding `t`. */
export function bucketStart(t: number, resolutionMs: number): number {
  return Math.floor(t / resolutionMs) * resolutionMs;
}

/**
 * Buckets of the time-ordered samples with fromMs <= t < toMs.
 * @throws InvalidInputError when `resolutionMs` is not a positive integer or the arrays differ in length.
 */
export function bucketize(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  resolutionMs: number,
  fromMs = -Infinity,
  toMs = Infinity,
): Buckets {
  if (!Number.isSafeInteger(resolutionMs) || resolutionMs <= 0)
    throw new InvalidInputError(`resolution must be a positive integer (ms), got ${resolutionMs}`);
  if (timestampsMs.length !== values.length)
    throw new InvalidInputError(`${timestampsMs.length} timestamps but ${values.length} values`);
  const out = emptyBuckets();
  let cur = Number.NaN;
  let k = -1;
  for (let i = 0; i < timestampsMs.length; i++) {
    const t = timestampsMs[i]!;
    if (t < fromMs || t >= toMs) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const b = bucketStart(t, resolutionMs);
    if (b !== cur) {
      cur = b;
      k++;
      out.timestampsMs.push(b);
      out.count.push(1);
      out.min.push(v);
      out.max.push(v);
      out.sum.push(v);
      out.last.push(v);
      continue;
    }
    out.count[k]!++;
    if (v < out.min[k]!) out.min[k] = v;
    if (v > out.max[k]!) out.max[k] = v;
    out.sum[k]! += v;
    out.last[k] = v;
  }
  return out;
}

/**
 * `stored` with its buckets in [fromMs, toMs) replaced by `fresh` (whose buckets must all lie in that range):
 * recomputing a range is idempotent. Both inputs are time-ordered; so is the result.
 * @throws InvalidInputError when a bucket of `fresh` lies outside [fromMs, toMs).
 */
export function replaceRange(stored: Buckets, fresh: Buckets, fromMs: number, toMs: number): Buckets {
  for (const t of fresh.timestampsMs)
    if (t < fromMs || t >= toMs) throw new InvalidInputError(`bucket ${t} outside [${fromMs}, ${toMs})`);
  const out = emptyBuckets();
  const copy = (src: Buckets, i: number): void => {
    out.timestampsMs.push(src.timestampsMs[i]!);
    out.count.push(src.count[i]!);
    out.min.push(src.min[i]!);
    out.max.push(src.max[i]!);
    out.sum.push(src.sum[i]!);
    out.last.push(src.last[i]!);
  };
  let i = 0;
  const n = stored.timestampsMs.length;
  while (i < n && stored.timestampsMs[i]! < fromMs) copy(stored, i++);
  for (let j = 0; j < fresh.timestampsMs.length; j++) copy(fresh, j);
  while (i < n && stored.timestampsMs[i]! < toMs) i++;
  while (i < n) copy(stored, i++);
  return out;
}

/** Buckets of `b` with start in [fromMs, toMs). */
export function sliceBuckets(b: Buckets, fromMs: number, toMs: number): Buckets {
  const out = emptyBuckets();
  for (let i = 0; i < b.timestampsMs.length; i++) {
    const t = b.timestampsMs[i]!;
    if (t < fromMs || t >= toMs) continue;
    out.timestampsMs.push(t);
    out.count.push(b.count[i]!);
    out.min.push(b.min[i]!);
    out.max.push(b.max[i]!);
    out.sum.push(b.sum[i]!);
    out.last.push(b.last[i]!);
  }
  return out;
}
