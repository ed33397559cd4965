/**
 * Sample quantiles for the rollout analysis. One O(n log n) typed-array sort per sample, then O(1) per quantile
 * (the original tracker bubble-sorted on every record, O(n²), and used nearest rank `int(p·n)`).
 *
 * Method: linear interpolation between order statistics, Hyndman & Fan (1996) definition 7, the default of R's
 * `quantile` and NumPy's `percentile` (`method="linear"`). Pure: no clocks, no I/O.
 */
import { InvalidInputError } from '../../errors.ts';

/**
 * Copies `values` into an ascending Float64Array. Throws InvalidInputError naming `what` and the index when a
 * value is not finite (NaN, ±Infinity). An empty input gives an empty array.
 */
export function sortedFinite(values: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(`${what}[${i}] is ${String(v)}; values must be finite numbers`);
    }
    out[i] = v;
  }
  return out.sort();
}

/**
 * Quantile `q` in [0, 1] of an ascending, non-empty sample by Hyndman-Fan type 7: h = (n − 1)·q,
 * x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) (0-based). Throws InvalidInputError for an empty sample or q outside
 * [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new InvalidInputError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError(`quantile must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo + 1 >= sorted.length) return a;
  return a + (h - lo) * (sorted[lo + 1]! - a);
}

/** Arithmetic mean of a non-empty array (InvalidInputError when empty). */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new InvalidInputError('mean of an empty sample');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
