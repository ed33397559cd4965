/**
 * Order statistics of the n1·n2 pairwise differences xᵢ − yⱼ of two ascending samples without materialising
 * them: the Hodges-Lehmann shift and its interval bounds (./mann-whitney.ts). Every difference is the computed
 * `x[i] − y[j]` (IEEE subtraction is monotone, so for a fixed i the differences fall as j grows and rise with i:
 * one O(n1 + n2) pass counts those at most a value).
 *
 * Selection of the k-th smallest: a bracket (lo, hi] with count(≤ lo) < k ≤ count(≤ hi) is narrowed by counting
 * passes at a value interpolated between the bracket's counts (regula falsi on the empirical distribution of
 * the differences), with a bisection after any interpolation that did not halve the differences left in the
 * bracket; once at most `enumerateAtMost` differences are left, they are collected and sorted and the
 * (k − count(≤ lo))-th is the answer. The result is the exact k-th computed difference, as a full sort gives
 * it; the number of passes grows with log log of the differences for smooth data and with log of them at
 * worst (about 6–10 passes at 4,000 × 9,000 values, where a bisection on the value needs about 90).
 * @see J. I. Marden, "Hodges-Lehmann estimators" and J. F. Monahan, "Algorithm 616: fast computation of the
 *   Hodges-Lehmann location estimator", ACM TOMS 10 (1984) (selection among the pairwise differences by
 *   counting passes over the sorted samples).
 */
import { InvalidInputError } from '../../errors.ts';

/** Number of pairs with computed difference xᵢ − yⱼ ≤ t (x, y sorted ascending). O(n1 + n2). */
export function countAtMost(x: Float64Array, y: Float64Array, t: number): number {
  const n = y.length;
  let j = n; // first index with x[i] − y[j] ≤ t; non-increasing as i grows
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    while (j > 0 && x[i]! - y[j - 1]! <= t) j--;
    while (j < n && x[i]! - y[j]! > t) j++;
    count += n - j;
  }
  return count;
}

/** Smallest computed difference xᵢ − yⱼ strictly greater than `lo` (Infinity if none). O(n1 + n2). */
export function smallestAbove(x: Float64Array, y: Float64Array, lo: number): number {
  const n = y.length;
  let best = Number.POSITIVE_INFINITY;
  let j = -1; // last index with x[i] − y[j] > lo; non-decreasing as i grows
  for (let i = 0; i < x.length; i++) {
    while (j + 1 < n && x[i]! - y[j + 1]! > lo) j++;
    while (j >= 0 && !(x[i]! - y[j]! > lo)) j--;
    if (j >= 0) {
      const d = x[i]! - y[j]!;
      if (d < best) best = d;
    }
  }
  return best;
}

/** The `count` computed differences in (lo, hi], ascending. O(n1 + n2 + count·log count). */
function differencesIn(
  x: Float64Array,
  y: Float64Array,
  lo: number,
  hi: number,
  count: number,
): Float64Array {
  const n = y.length;
  const out = new Float64Array(count);
  let o = 0;
  let jHi = n; // first index with x[i] − y[j] ≤ hi
  let jLo = n; // first index with x[i] − y[j] ≤ lo
  for (let i = 0; i < x.length; i++) {
    while (jHi > 0 && x[i]! - y[jHi - 1]! <= hi) jHi--;
    while (jHi < n && x[i]! - y[jHi]! > hi) jHi++;
    while (jLo > 0 && x[i]! - y[jLo - 1]! <= lo) jLo--;
    while (jLo < n && x[i]! - y[jLo]! > lo) jLo++;
    for (let j = jHi; j < jLo; j++) out[o++] = x[i]! - y[j]!;
  }
  return out.sort();
}

/** Default most differences collected and sorted at the end of a selection (beyond the samples' own size). */
export const DEFAULT_ENUMERATE_AT_MOST = 4096;

/**
 * k-th smallest (1-based) of the n1·n2 pairwise differences xᵢ − yⱼ of two non-empty ascending samples of finite
 * values (see the module comment). Memory O(n1 + n2 + enumerateAtMost); time O((n1 + n2)·passes).
 * @param enumerateAtMost differences left in the bracket at which they are collected and sorted (default
 *   max(n1 + n2, {@link DEFAULT_ENUMERATE_AT_MOST})); any value ≥ 1 gives the same result
 * @throws InvalidInputError for k outside 1..n1·n2 or `enumerateAtMost` < 1.
 */
export function pairwiseDifferenceOrderStatistic(
  x: Float64Array,
  y: Float64Array,
  k: number,
  enumerateAtMost: number = Math.max(x.length + y.length, DEFAULT_ENUMERATE_AT_MOST),
): number {
  const total = x.length * y.length;
  if (!Number.isInteger(k) || k < 1 || k > total) {
    throw new InvalidInputError(`order statistic k must be an integer in 1..${total}, got ${k}`);
  }
  if (!(enumerateAtMost >= 1))
    throw new InvalidInputError(`enumerateAtMost must be at least 1, got ${enumerateAtMost}`);
  // count(≤ lo) < k ≤ count(≤ hi): from the smallest difference to the largest, which has every pair at or below it.
  const min = x[0]! - y[y.length - 1]!;
  let cLo = countAtMost(x, y, min);
  if (cLo >= k) return min;
  let lo = min;
  let hi = x[x.length - 1]! - y[0]!;
  let cHi = total;
  let bisect = false;
  for (let iter = 0; iter < 100_000; iter++) {
    const left = cHi - cLo;
    if (left <= enumerateAtMost) return differencesIn(x, y, lo, hi, left)[k - cLo - 1]!;
    // Differences that overflowed to ±Infinity: split between the largest finite doubles instead.
    const bot = Math.max(lo, -Number.MAX_VALUE);
    const top = Math.min(hi, Number.MAX_VALUE);
    let t = bisect ? bot / 2 + top / 2 : bot + (top - bot) * ((k - cLo) / left);
    if (!(t > lo && t < hi)) t = bot / 2 + top / 2;
    if (!(t > lo && t < hi)) {
      // No double strictly inside the bracket: step to the next difference above lo.
      const d = smallestAbove(x, y, lo);
      const cd = countAtMost(x, y, d);
      if (cd >= k) return d;
      lo = d;
      cLo = cd;
      continue;
    }
    const c = countAtMost(x, y, t);
    if (c >= k) {
      hi = t;
      cHi = c;
    } else {
      lo = t;
      cLo = c;
    }
    // An interpolation that left more than half the differences is followed by a bisection.
    bisect = !bisect && 2 * (cHi - cLo) > left;
  }
  return hi; // unreachable for finite samples: each bisection halves the bracket between finite doubles
}
