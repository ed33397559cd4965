/**
 * Binary searches over ascending number arrays (timestamp arrays of the in-memory and chunked stores, SLO step
 * times, detection start times). Pure, O(log n); the input is not checked for order.
 */

/** Index of the first element >= `x` in ascending `a` (`a.length` when none). */
export function firstIndexAtLeast(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > `x` in ascending `a` (`a.length` when none). */
export function firstIndexAbove(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
