/**
 * Observations in time order, for the effect path (./ratio-effect.ts), whose inputs arrive as runs already in
 * time order (the joins return each series' intervals in order, series after series). Pure.
 */

/**
 * A copy of `obs` ordered by `tMs` ascending, ties in input order: the order of the stable
 * `[...obs].sort((a, b) => a.tMs - b.tMs)` for finite times. The natural ascending runs are found once and merged
 * pairwise (bottom-up merge sort from the runs: O(n log k) for k runs, with numeric comparisons instead of a
 * comparator call per step).
 * @param obs observations with finite `tMs` (the caller validates them; a NaN time makes the order unspecified)
 * @returns a new array
 */
export function sortedByTime<T extends { readonly tMs: number }>(obs: readonly T[]): T[] {
  const n = obs.length;
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (obs[i]!.tMs < obs[i - 1]!.tMs) bounds.push(i);
  bounds.push(n);
  let a = obs.slice();
  if (bounds.length <= 2) return a;
  let b = new Array<T>(n);
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r]!;
      const mid = runs[r + 1]!;
      const hi = r + 2 < runs.length ? runs[r + 2]! : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) b[k++] = a[j]!.tMs < a[i]!.tMs ? a[j++]! : a[i++]!;
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
      next.push(hi);
    }
    [a, b] = [b, a];
    runs = next;
  }
  return a;
}
