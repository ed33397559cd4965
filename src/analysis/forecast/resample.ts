/**
 * Resampling an irregular series onto a fixed step, for models that index time by sample (Holt-Winters,
 * seasonal naive). Pure, no I/O; the output length is bounded by `maxPoints`.
 *
 * Method: the grid is anchored at the first sample, t_k = t0 + k·step; sample t goes to bucket
 * k = round((t − t0)/step); a bucket's value is the mean of its samples; empty buckets (gaps) are filled by
 * linear interpolation between the nearest observed buckets (the usual regularisation before exponential
 * smoothing, cf. Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., §13.9 on
 * missing values; interpolation does not invent trend). When the grid would exceed `maxPoints`, only the most
 * recent `maxPoints` buckets are kept (forecasting cares about the recent past) and the drop is reported.
 */
import { InvalidInputError } from '../../errors.ts';
import { checkSeries } from './validate.ts';

/** Default bound on resampled points (≈ 347 days at 5-minute steps). */
export const DEFAULT_MAX_RESAMPLE_POINTS = 100_000;
/** Largest `maxPoints` accepted (8 MB of float64 values plus 4 MB of counts). */
export const MAX_RESAMPLE_POINTS = 1_000_000;

/** Options of {@link resampleFixedStep}. */
export interface ResampleOptions {
  /** Grid step in ms, > 0. */
  readonly stepMs: number;
  /** Upper bound on output points, integer in [1, {@link MAX_RESAMPLE_POINTS}]; default {@link DEFAULT_MAX_RESAMPLE_POINTS}. */
  readonly maxPoints?: number;
}

/** A series on a fixed grid: value k is at `startMs + k·stepMs`. */
export interface ResampledSeries {
  readonly startMs: number;
  readonly stepMs: number;
  readonly values: Float64Array;
  /** Buckets that held at least one sample. */
  readonly observedBuckets: number;
  /** Buckets filled by interpolation (or by the nearest value at the start after truncation). */
  readonly filledBuckets: number;
  /** Oldest buckets dropped to respect `maxPoints` (0 when nothing was dropped). */
  readonly droppedBuckets: number;
  /** Longest run of consecutive filled buckets. */
  readonly longestGapBuckets: number;
}

/**
 * Resamples (timestampsMs, values) onto a fixed step. Timestamps are Unix ms, sorted (non-decreasing); values
 * finite; at least one sample. O(n + maxPoints) time, O(maxPoints) memory.
 * @throws InvalidInputError for bad series (see checkSeries), an empty series, a non-positive or non-finite
 * step, or `maxPoints` outside [1, {@link MAX_RESAMPLE_POINTS}].
 */
export function resampleFixedStep(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  options: ResampleOptions,
): ResampledSeries {
  const { stepMs } = options;
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_RESAMPLE_POINTS;
  if (!(Number.isFinite(stepMs) && stepMs > 0))
    throw new InvalidInputError(`resample step must be a finite number > 0 ms, got ${stepMs}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_RESAMPLE_POINTS) {
    throw new InvalidInputError(
      `resample maxPoints must be an integer in [1, ${MAX_RESAMPLE_POINTS}], got ${maxPoints}`,
    );
  }
  checkSeries(timestampsMs, values, 'resample');
  const n = values.length;
  if (n === 0) throw new InvalidInputError('resample: empty series');
  const t0 = timestampsMs[0]!;
  const total = Math.round((timestampsMs[n - 1]! - t0) / stepMs) + 1;
  const dropped = Math.max(0, total - maxPoints);
  const len = total - dropped;
  const sums = new Float64Array(len);
  const counts = new Uint32Array(len);
  for (let i = 0; i < n; i++) {
    const k = Math.round((timestampsMs[i]! - t0) / stepMs) - dropped;
    if (k < 0) continue;
    sums[k] = sums[k]! + values[i]!;
    counts[k] = counts[k]! + 1;
  }
  const out = new Float64Array(len);
  let observed = 0;
  let prev = -1;
  let filled = 0;
  let longestGap = 0;
  for (let k = 0; k < len; k++) {
    if (counts[k] === 0) continue;
    out[k] = sums[k]! / counts[k]!;
    observed++;
    const gap = k - prev - 1;
    if (gap > 0) {
      filled += gap;
      longestGap = Math.max(longestGap, gap);
      if (prev < 0) {
        for (let j = 0; j < k; j++) out[j] = out[k]!;
      } else {
        const a = out[prev]!;
        const b = out[k]!;
        for (let j = prev + 1; j < k; j++) out[j] = a + ((b - a) * (j - prev)) / (k - prev);
      }
    }
    prev = k;
  }
  return {
    startMs: t0 + dropped * stepMs,
    stepMs,
    values: out,
    observedBuckets: observed,
    filledBuckets: filled,
    droppedBuckets: dropped,
    longestGapBuckets: longestGap,
  };
}
