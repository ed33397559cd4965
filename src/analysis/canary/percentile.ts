/**
 * Samples for the rollout analysis: one O(n log n) typed-array sort per sample (then O(1) per quantile with
 * `quantileSorted` of src/math/quantile.ts, Hyndman & Fan type 7; the original tracker bubble-sorted on every
 * record, O(n²), and used nearest rank `int(p·n)`), and the mean. Pure: no clocks, no I/O.
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

/** Arithmetic mean of a non-empty array (InvalidInputError when empty). */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new InvalidInputError('mean of an empty sample');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
