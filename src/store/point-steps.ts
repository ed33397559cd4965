/**
 * Step alignment of one series' points for the point path of `RangeAggregator.add` (query.ts; semantics in its
 * file header): the latest sample in each step's lookback window, and `rate`'s per-window increases. Pure.
 */

/** Latest non-NaN sample of [from, to) in (t − lookback, t] for every step; O(points + steps). */
export function instantSteps(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  startMs: number,
  stepMs: number,
  steps: number,
  lookback: number,
  out: Float64Array,
): void {
  let j = from - 1; // index of the last sample with ts <= t
  let lastValid = -1; // index of the last non-NaN sample with ts <= t
  for (let i = 0; i < steps; i++) {
    const t = startMs + i * stepMs;
    while (j + 1 < to && ts[j + 1]! <= t) {
      j++;
      if (!Number.isNaN(vs[j]!)) lastValid = j;
    }
    if (lastValid >= 0 && ts[lastValid]! > t - lookback) out[i] = vs[lastValid]!;
  }
}

/**
 * Per-second increase over (t − lookback, t] with counter-reset handling; needs two samples. O(points + steps):
 * cum[k] = increase from the first valid sample up to sample k (a drop counts the new value as the increase),
 * so the increase inside a window is cum[last] − cum[first].
 */
export function rateSteps(
  tsAll: ArrayLike<number>,
  vsAll: ArrayLike<number>,
  from: number,
  to: number,
  startMs: number,
  stepMs: number,
  steps: number,
  lookback: number,
  out: Float64Array,
): void {
  const n = to - from;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    ts[k] = tsAll[from + k]!;
    vs[k] = vsAll[from + k]!;
  }
  const cum = new Float64Array(n);
  const nextValid = new Int32Array(n + 1).fill(-1); // first non-NaN index >= k
  const prevValid = new Int32Array(n).fill(-1); // last non-NaN index <= k
  let prev = Number.NaN;
  let acc = 0;
  let pv = -1;
  for (let k = 0; k < n; k++) {
    const v = vs[k]!;
    if (!Number.isNaN(v)) {
      if (!Number.isNaN(prev)) acc += v >= prev ? v - prev : v;
      prev = v;
      pv = k;
    }
    cum[k] = acc;
    prevValid[k] = pv;
  }
  for (let k = n - 1; k >= 0; k--) nextValid[k] = Number.isNaN(vs[k]!) ? nextValid[k + 1]! : k;
  let hi = -1; // last index with ts <= t
  let lo = 0; // first index with ts > t - lookback
  for (let i = 0; i < steps; i++) {
    const t = startMs + i * stepMs;
    while (hi + 1 < n && ts[hi + 1]! <= t) hi++;
    while (lo < n && ts[lo]! <= t - lookback) lo++;
    if (hi < lo) continue;
    const first = nextValid[lo]!;
    const last = prevValid[hi]!;
    if (first < 0 || last <= first) continue;
    const dt = (ts[last]! - ts[first]!) / 1000;
    if (dt > 0) out[i] = (cum[last]! - cum[first]!) / dt;
  }
}
