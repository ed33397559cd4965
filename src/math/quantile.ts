/**
 * Sample quantiles of sorted data. Pure, no I/O.
 *
 * @see R. J. Hyndman & Y. Fan, "Sample quantiles in statistical packages", The American Statistician 50 (1996)
 *   361–365, definition 7 (the default of R's `quantile` and NumPy's `percentile`, `method="linear"`).
 */
import { InvalidInputError } from '../errors.ts';

/**
 * Quantile `q` of ascending `sorted` values by Hyndman-Fan type 7 (linear interpolation between closest ranks):
 * h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) (0-based). E.g. [1, 2, 3, 4] at 0.95 → 3.85.
 * The input is not checked for order (O(1)); unsorted input gives a meaningless value.
 * @param sorted ascending finite values
 * @param q in [0, 1]
 * @returns the quantile; NaN for an empty array (callers that need a value check the length first)
 * @throws InvalidInputError for q outside [0, 1] or NaN.
 * @see Hyndman & Fan (1996), definition 7.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError(`quantile must be in [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/**
 * Nearest-rank percentile of ascending `sorted`: the ⌈p·n⌉-th smallest value (1-based, clamped to [1, n]), an
 * element of the sample, no interpolation. E.g. [1, 2, 3, 4] at 0.5 → 2, at 0.95 → 4.
 * @param sorted ascending values (not checked)
 * @param p in (0, 1]
 * @returns the percentile; null for an empty array
 * @see Hyndman & Fan (1996), definition 1 (inverse of the empirical distribution function).
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1;
  return sorted[idx]!;
}
