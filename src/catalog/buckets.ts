/** Histogram bucket helpers (same definition as Prometheus client_golang's ExponentialBuckets). */

/**
 * `count` buckets starting at `start`, each `factor` times the previous.
 * @throws RangeError when start <= 0, factor <= 1 or count < 1.
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || !(count >= 1)) {
    throw new RangeError(
      `exponentialBuckets(${start}, ${factor}, ${count}): need start > 0, factor > 1, count >= 1`,
    );
  }
  const out: number[] = [];
  let b = start;
  for (let i = 0; i < count; i++) {
    out.push(Number(b.toPrecision(12)));
    b *= factor;
  }
  return out;
}
