/**
 * The range-vector functions of the subset, over the samples of one series inside one window
 * `[t − range, t]` (inclusive, as Prometheus 2.x selects them).
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/functions.go
 */
import type { RangeFunction } from './ast.ts';

/** Samples of one series in one window, time-ordered: timestamps in Unix ms. */
export interface WindowSamples {
  readonly timestampsMs: readonly number[];
  readonly values: readonly number[];
  /** First and last index (inclusive) of the window's samples; `from > to` when none. */
  readonly from: number;
  readonly to: number;
}

/**
 * `rate` / `increase` / `delta`: the change over the window (for a counter, `isCounter`, with counter resets
 * corrected: a drop adds the value before it), extrapolated to the window's edges as Prometheus'
 * `extrapolatedRate`: to an edge when the first/last sample lies within 1.1 average sample intervals of it, else
 * by half an interval; a counter never below its zero.
 * @param windowStartMs `t − range`, Unix ms; @param windowEndMs `t`, Unix ms; @param rangeMs the range, ms
 * @returns per second (`isRate`) or in the series' unit; undefined with fewer than two samples
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/functions.go (extrapolatedRate)
 */
export function extrapolatedRate(
  w: WindowSamples,
  windowStartMs: number,
  windowEndMs: number,
  rangeMs: number,
  isRate: boolean,
  isCounter = true,
): number | undefined {
  if (w.to - w.from < 1) return undefined;
  const first = w.values[w.from]!;
  let result = w.values[w.to]! - first;
  let prev = first;
  for (let i = w.from + 1; i <= w.to; i++) {
    const v = w.values[i]!;
    if (isCounter && v < prev) result += prev;
    prev = v;
  }
  const firstT = w.timestampsMs[w.from]!;
  const lastT = w.timestampsMs[w.to]!;
  let durationToStart = (firstT - windowStartMs) / 1000;
  const durationToEnd = (windowEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (w.to - w.from);
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}

/**
 * `irate`: the per-second rate between the window's last two samples (after a reset, the last value itself).
 * @returns per second; undefined with fewer than two samples
 */
export function instantRate(w: WindowSamples): number | undefined {
  if (w.to - w.from < 1) return undefined;
  const last = w.values[w.to]!;
  const prev = w.values[w.to - 1]!;
  const dtS = (w.timestampsMs[w.to]! - w.timestampsMs[w.to - 1]!) / 1000;
  if (dtS <= 0) return undefined;
  return (last < prev ? last : last - prev) / dtS;
}

/**
 * `changes` (value changes between consecutive samples; NaN to NaN is no change) or `resets` (drops) in the window.
 * @returns a count; undefined with no sample
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/functions.go (funcChanges, funcResets)
 */
function transitions(fn: 'changes' | 'resets', w: WindowSamples): number | undefined {
  if (w.to < w.from) return undefined;
  let n = 0;
  let prev = w.values[w.from]!;
  for (let i = w.from + 1; i <= w.to; i++) {
    const v = w.values[i]!;
    if (fn === 'resets' ? v < prev : v !== prev && !(Number.isNaN(v) && Number.isNaN(prev))) n++;
    prev = v;
  }
  return n;
}

/** `*_over_time` of the window's values (NaN compares as Prometheus: min/max skip it unless all are NaN). */
function overTime(fn: RangeFunction, w: WindowSamples): number | undefined {
  if (w.to < w.from) return undefined;
  const n = w.to - w.from + 1;
  if (fn === 'count_over_time') return n;
  if (fn === 'last_over_time') return w.values[w.to]!;
  let sum = 0;
  let min = NaN;
  let max = NaN;
  for (let i = w.from; i <= w.to; i++) {
    const v = w.values[i]!;
    sum += v;
    if (Number.isNaN(min) || v < min) min = v;
    if (Number.isNaN(max) || v > max) max = v;
  }
  if (fn === 'sum_over_time') return sum;
  if (fn === 'avg_over_time') return sum / n;
  return fn === 'min_over_time' ? min : max;
}

/**
 * One range function over one window.
 * @returns the value (units: see each function), or undefined when the window gives no sample out
 */
export function applyRangeFunction(
  fn: RangeFunction,
  w: WindowSamples,
  windowStartMs: number,
  windowEndMs: number,
  rangeMs: number,
): number | undefined {
  if (fn === 'rate' || fn === 'increase')
    return extrapolatedRate(w, windowStartMs, windowEndMs, rangeMs, fn === 'rate');
  if (fn === 'delta') return extrapolatedRate(w, windowStartMs, windowEndMs, rangeMs, false, false);
  if (fn === 'irate') return instantRate(w);
  if (fn === 'changes' || fn === 'resets') return transitions(fn, w);
  return overTime(fn, w);
}
