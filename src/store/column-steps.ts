/**
 * The fast loop of dense step alignment (`RangeAggregator.addColumn`, query.ts) for the common case of a step that
 * is a multiple of the bucket width: from some step on, every step's bucket window [lo, hi] has the same width
 * and moves by the same number of buckets (the stride) from one step to the next. There a series' value at a step
 * is read at hi = base + i × stride (and, only when that bucket is missing, from the few buckets below it in the
 * window), one pass over the column with typed arrays and no per-step loads of the window bounds. A series with
 * a value at every step of that run leaves the group's per-step counts untouched; the caller adds it to a
 * per-group count of such series instead. Pure arithmetic, no I/O.
 */

/**
 * Steps [from, to) whose bucket windows are equal-width on a stride: hi[i] = base + i × stride and
 * lo[i] = hi[i] − width + 1 ≥ 0 (from = to: no such run).
 */
export interface UniformWindows {
  readonly from: number;
  readonly to: number;
  readonly base: number;
  readonly stride: number;
  readonly width: number;
}

/** Whether step i's window continues the run of step i − 1 (same width, moved by `stride`, not clamped). */
function continues(lo: Int32Array, hi: Int32Array, i: number, stride: number): boolean {
  return (
    hi[i] === hi[i - 1]! + stride &&
    lo[i] === lo[i - 1]! + stride &&
    lo[i - 1]! >= 0 &&
    hi[i - 1]! >= lo[i - 1]!
  );
}

/**
 * The longest run of steps whose windows [lo[i], hi[i]] are equal-width (at least one bucket) and move by the
 * same stride (at least one bucket), read off the windows themselves, so the fast loop visits exactly the
 * buckets the general loop would. Steps outside the run (a range starting before the first bucket, or reaching
 * past the last) keep the general loop.
 * @param lo first bucket of each step's window; @param hi last bucket of each step's window; @param steps steps.
 */
export function uniformWindows(lo: Int32Array, hi: Int32Array, steps: number): UniformWindows {
  let best = { from: 0, to: 0, stride: 1 };
  let i = 1;
  while (i < steps) {
    const stride = hi[i]! - hi[i - 1]!;
    if (stride < 1 || !continues(lo, hi, i, stride)) {
      i++;
      continue;
    }
    const from = i - 1;
    while (i < steps && continues(lo, hi, i, stride)) i++;
    if (i - from > best.to - best.from) best = { from, to: i, stride };
  }
  const { from, to, stride } = best;
  if (to - from < 2) return { from: 0, to: 0, base: 0, stride: 1, width: 1 };
  return { from, to, base: hi[from]! - from * stride, stride, width: hi[from]! - lo[from]! + 1 };
}

/**
 * The value of a step whose last bucket k is missing: the last existing bucket in [k − width + 1, k − 1], NaN
 * when none.
 */
function below(lasts: Float64Array, k: number, width: number): number {
  for (let j = k - 1, l = k - width + 1; j >= l; j--) {
    const u = lasts[j]!;
    if (u === u) return u;
  }
  return Number.NaN;
}

/** Adds count 1 to steps [from, to). */
function backfill(count: Uint32Array, from: number, to: number): void {
  for (let q = from; q < to; q++) count[q]!++;
}

/**
 * Adds a column's value at each step of the run [u.from, u.to) into `sum` (in step order, so sums round as the
 * general loop's do).
 * @returns true when every step of the run had a value (then `count` is untouched: the caller counts the series
 *   for the whole run); false when some step had none (then `count` was incremented at every step with a value).
 */
export function foldUniformSum(
  lasts: Float64Array,
  u: UniformWindows,
  sum: Float64Array,
  count: Uint32Array,
): boolean {
  const { from, to: steps, stride, width } = u;
  let k = u.base + from * stride;
  let i = from;
  // Until the first step without a value: no counts written.
  for (; i < steps; i++, k += stride) {
    let v = lasts[k]!;
    if (v !== v && (v = below(lasts, k, width)) !== v) break;
    sum[i]! += v;
  }
  if (i === steps) return true;
  backfill(count, from, i);
  for (i++, k += stride; i < steps; i++, k += stride) {
    let v = lasts[k]!;
    if (v !== v && (v = below(lasts, k, width)) !== v) continue;
    sum[i]! += v;
    count[i]!++;
  }
  return false;
}

/**
 * {@link foldUniformSum} for `min` (`isMin`) or `max`: keeps the smaller (larger) value in `col`.
 * @returns as {@link foldUniformSum}.
 */
export function foldUniformMinMax(
  lasts: Float64Array,
  u: UniformWindows,
  isMin: boolean,
  col: Float64Array,
  count: Uint32Array,
): boolean {
  const { from, to: steps, stride, width } = u;
  let k = u.base + from * stride;
  let i = from;
  for (; i < steps; i++, k += stride) {
    let v = lasts[k]!;
    if (v !== v && (v = below(lasts, k, width)) !== v) break;
    if (isMin ? v < col[i]! : v > col[i]!) col[i] = v;
  }
  if (i === steps) return true;
  backfill(count, from, i);
  for (i++, k += stride; i < steps; i++, k += stride) {
    let v = lasts[k]!;
    if (v !== v && (v = below(lasts, k, width)) !== v) continue;
    if (isMin ? v < col[i]! : v > col[i]!) col[i] = v;
    count[i]!++;
  }
  return false;
}
