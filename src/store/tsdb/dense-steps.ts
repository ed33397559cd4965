/**
 * Step alignment of dense bucket columns (last-buckets.ts `visitDenseBuckets`), computed once per query and
 * shared by every series: for each step t of the grid, the bucket indices whose point (bucket start +
 * resolution − 1, as `readForStep` places it) lies in the lookback window (t − L, t] (query.ts semantics).
 * A series' value at t is then its last existing bucket in that index range (`RangeAggregator.addColumn`):
 * no point arrays, no per-step timestamp comparisons per series.
 */

/** Per step, the index range [lo, hi] of the buckets a step reads (hi < lo: none). */
export class StepAlignment {
  readonly steps: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;

  /**
   * @param from start of bucket 0 (ms); @param res bucket width (ms); @param n buckets in the column;
   * @param startMs first step (ms); @param stepMs step (ms); @param steps step count; @param lookback L (ms).
   */
  constructor(
    from: number,
    res: number,
    n: number,
    startMs: number,
    stepMs: number,
    steps: number,
    lookback: number,
  ) {
    this.steps = steps;
    this.lo = new Int32Array(steps);
    this.hi = new Int32Array(steps);
    // The same comparisons as instantSteps over points p_k = from + k × res + res − 1: p_k <= t, p_k > t − L.
    const point = (k: number): number => from + k * res + res - 1;
    for (let i = 0; i < steps; i++) {
      const t = startMs + i * stepMs;
      const low = t - lookback;
      let hi = Math.min(n - 1, Math.floor((t - res + 1 - from) / res));
      while (hi >= 0 && point(hi) > t) hi--;
      while (hi + 1 < n && point(hi + 1) <= t) hi++;
      let lo = Math.max(0, Math.floor((low - res + 1 - from) / res) + 1);
      while (lo > 0 && point(lo - 1) > low) lo--;
      while (lo < n && point(lo) <= low) lo++;
      this.lo[i] = lo;
      this.hi[i] = hi;
    }
  }
}
