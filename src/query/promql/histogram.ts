/**
 * The quantile of a classic Prometheus histogram (cumulative `le` buckets), as Prometheus' `bucketQuantile`:
 * linear interpolation inside the bucket holding the rank, with its edge cases and monotonicity fix.
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/quantile.go (bucketQuantile,
 *   coalesceBuckets, ensureMonotonic)
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile
 */

/** One cumulative bucket: its upper bound (`le`, may be +Inf) and the count of observations ≤ it. */
export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of the observations counted in `buckets` (any order), in the unit of `le`.
 * Edge cases as Prometheus: q NaN → NaN, q < 0 → −Inf, q > 1 → +Inf; no +Inf bucket, fewer than two buckets
 * after merging equal bounds, or no observations → NaN; a rank in the +Inf bucket → the largest finite bound; a
 * rank in the first bucket with a bound ≤ 0 → that bound; otherwise the lower bound of the first bucket is 0.
 * Buckets with equal bounds are summed, and a count below an earlier bucket's is raised to it (counts of
 * buckets scraped at slightly different instants need not be monotonic).
 */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (buckets.length === 0) return NaN;
  const sorted = [...buckets].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  // coalesceBuckets: equal upper bounds summed
  const merged: { upperBound: number; count: number }[] = [];
  for (const b of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else merged.push({ ...b });
  }
  // ensureMonotonic
  let max = -Infinity;
  for (const b of merged) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (merged.length < 2) return NaN;
  const observations = merged[merged.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // sort.Search over all but the +Inf bucket: the first bucket whose count reaches the rank
  let b = 0;
  while (b < merged.length - 1 && !(merged[b]!.count >= rank)) b++;
  if (b === merged.length - 1) return merged[merged.length - 2]!.upperBound;
  if (b === 0 && merged[0]!.upperBound <= 0) return merged[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = merged[b]!.upperBound;
  let count = merged[b]!.count;
  if (b > 0) {
    bucketStart = merged[b - 1]!.upperBound;
    count -= merged[b - 1]!.count;
    rank -= merged[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
