/**
 * Histogram quantiles per evaluation step from classic (cumulative `le`) histogram buckets, for threshold SLIs
 * with a quantile statistic (p50..p999). Pure: no clocks, no I/O.
 *
 * Method: PromQL `histogram_quantile(φ, sum by (le) (increase(metric_bucket[step])))` for classic histograms,
 * as the Prometheus documentation describes it ("Querying / Functions / histogram_quantile()",
 * https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile, and "Histograms and
 * summaries", https://prometheus.io/docs/practices/histograms/):
 * - every bucket count is the number of observations ≤ its upper bound `le` (cumulative);
 * - rank = φ × the count of the `+Inf` bucket; the quantile lies in the first bucket whose count reaches the
 *   rank and is interpolated linearly between the bucket's lower bound (the previous upper bound) and its upper
 *   bound, i.e. observations are assumed uniform within a bucket;
 * - the lowest bucket's lower bound is 0 when its upper bound is > 0; otherwise the lowest bucket's upper bound
 *   is returned for a rank in it;
 * - a rank in the `+Inf` bucket returns the upper bound of the second-highest bucket;
 * - no `+Inf` bucket, fewer than two buckets or zero observations → undefined (NaN in PromQL; here `null`);
 *   φ < 0 → −∞, φ > 1 → +∞ (we reject φ outside [0, 1] instead: it is a programming error here);
 * - bucket counts that decrease with `le` (non-monotonic, e.g. buckets scraped at slightly different times)
 *   are raised to the running maximum, as PromQL does (it adds an info annotation; we return a flag).
 *
 * Increases per step: for every bucket series the increase between consecutive finite, non-negative points
 * is attributed to the step containing the later point; a decrease is a counter reset and the new value is the
 * increase (the Prometheus `rate`/`increase` convention; no extrapolation to the step edges). The increases of
 * all series with the same `le` are summed (PromQL `sum by (le)`).
 */
import { InvalidInputError } from '../../errors.ts';

/** One cumulative bucket: observations ≤ `upperBound`. */
export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

/** Result of {@link histogramQuantile}. */
export interface QuantileResult {
  /** The estimated quantile; null when undefined (no `+Inf` bucket, < 2 buckets, or no observations). */
  readonly value: number | null;
  /** True when bucket counts decreased with `le` and were raised to the running maximum. */
  readonly forcedMonotonic: boolean;
  /** Why `value` is null. */
  readonly reason: 'no-inf-bucket' | 'too-few-buckets' | 'no-observations' | null;
}

/**
 * Parses a Prometheus `le` label value (`"0.5"`, `"1e-3"`, `"+Inf"`); NaN for text that is not a number.
 */
export function parseLe(text: string): number {
  const t = text.trim();
  if (t === '+Inf' || t === 'Inf' || t === '+inf' || t === 'inf') return Infinity;
  if (t === '-Inf' || t === '-inf') return -Infinity;
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

/**
 * The φ-quantile of one classic histogram (see the module comment). Buckets may come in any order; buckets
 * with the same upper bound are added together; buckets with a NaN bound or a non-finite or negative count
 * are ignored.
 * @param q φ in [0, 1]
 * @throws InvalidInputError when `q` is not in [0, 1].
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): QuantileResult {
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError(`quantile must be in [0, 1], got ${q}`);
  const byBound = new Map<number, number>();
  for (const b of buckets) {
    if (Number.isNaN(b.upperBound) || !Number.isFinite(b.count) || b.count < 0) continue;
    byBound.set(b.upperBound, (byBound.get(b.upperBound) ?? 0) + b.count);
  }
  const sorted = [...byBound.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([upperBound, count]) => ({ upperBound, count }));
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Infinity)
    return { value: null, forcedMonotonic: false, reason: 'no-inf-bucket' };
  let forcedMonotonic = false;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.count < sorted[i - 1]!.count) {
      sorted[i]!.count = sorted[i - 1]!.count;
      forcedMonotonic = true;
    }
  }
  if (sorted.length < 2) return { value: null, forcedMonotonic, reason: 'too-few-buckets' };
  const observations = sorted[sorted.length - 1]!.count;
  if (observations === 0) return { value: null, forcedMonotonic, reason: 'no-observations' };
  const rank = q * observations;
  let b = 0;
  while (b < sorted.length - 1 && sorted[b]!.count < rank) b++;
  if (b === sorted.length - 1) return { value: sorted[b - 1]!.upperBound, forcedMonotonic, reason: null };
  const upper = sorted[b]!.upperBound;
  if (b === 0 && upper <= 0) return { value: upper, forcedMonotonic, reason: null };
  const lower = b === 0 ? 0 : sorted[b - 1]!.upperBound;
  const below = b === 0 ? 0 : sorted[b - 1]!.count;
  const inBucket = sorted[b]!.count - below;
  // inBucket > 0 here: the bucket's count reaches the rank and the previous one's did not (rank > 0), or
  // rank = 0 and the first bucket is chosen; then 0/0 is avoided by returning the lower bound.
  const value = inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : lower;
  return { value, forcedMonotonic, reason: null };
}

/** One stored bucket series: its upper bound and its cumulative counter points (time-ordered). */
export interface BucketSeries {
  readonly upperBound: number;
  readonly timestampsMs: readonly number[];
  readonly values: readonly number[];
}

/** Per-step quantiles and what was repaired or left out. */
export interface QuantileSteps {
  /** `{ tMs: step start, value }` for every step with a defined quantile, time-ordered. */
  readonly values: { readonly tMs: number; readonly value: number }[];
  /** Steps with bucket increases but no defined quantile: no `+Inf` bucket or fewer than two buckets (bad data). */
  readonly undefinedSteps: number;
  /** Steps whose buckets did not increase (no observations in the step: no data, not an error). */
  readonly emptySteps: number;
  /** Steps whose summed bucket increases were not monotonic in `le` (raised to the running maximum). */
  readonly forcedMonotonicSteps: number;
  /** Counter resets seen (a bucket counter decreased; its new value was taken as the increase). */
  readonly resets: number;
  /** Points skipped: NaN `le`, non-finite or negative counts. */
  readonly skippedPoints: number;
  /**
   * The same counts per step (keyed by step start): resets and skipped points by the step of the point (also for
   * steps outside `[startMs, endMs)`), the other three for returned-range steps only. Lets a caller that keeps
   * steps between evaluations add the counts of the steps it kept (src/monitor/slo-incremental.ts).
   */
  readonly byStep: ReadonlyMap<number, QuantileStepCounts>;
}

/** Counts of {@link QuantileSteps} for one step. */
export interface QuantileStepCounts {
  undefinedSteps: number;
  emptySteps: number;
  forcedMonotonicSteps: number;
  resets: number;
  skippedPoints: number;
}

function countsAt(byStep: Map<number, QuantileStepCounts>, step: number): QuantileStepCounts {
  let c = byStep.get(step);
  if (c === undefined) {
    c = { undefinedSteps: 0, emptySteps: 0, forcedMonotonicSteps: 0, resets: 0, skippedPoints: 0 };
    byStep.set(step, c);
  }
  return c;
}

/**
 * φ-quantile per step of `stepMs` (steps aligned to multiples of `stepMs`) from bucket counter series: the
 * PromQL expression of the module comment evaluated per step. Only steps starting in `[startMs, endMs)` are
 * returned; steps without any bucket increase are absent (no data).
 * @throws InvalidInputError for φ outside [0, 1] or a step that is not a positive integer.
 */
export function quantileSteps(
  q: number,
  series: readonly BucketSeries[],
  stepMs: number,
  startMs: number,
  endMs: number,
): QuantileSteps {
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError(`quantile must be in [0, 1], got ${q}`);
  if (!Number.isInteger(stepMs) || stepMs <= 0)
    throw new InvalidInputError(`stepMs must be a positive integer, got ${stepMs}`);
  // step start → upper bound → summed increase
  const steps = new Map<number, Map<number, number>>();
  const byStep = new Map<number, QuantileStepCounts>();
  let resets = 0;
  let skippedPoints = 0;
  for (const s of series) {
    if (Number.isNaN(s.upperBound)) {
      skippedPoints += s.values.length;
      for (const t of s.timestampsMs) countsAt(byStep, Math.floor(t / stepMs) * stepMs).skippedPoints++;
      continue;
    }
    let prev: number | null = null;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      const t = s.timestampsMs[i]!;
      if (!Number.isFinite(v) || v < 0 || !Number.isFinite(t)) {
        skippedPoints++;
        countsAt(byStep, Math.floor(t / stepMs) * stepMs).skippedPoints++;
        continue;
      }
      if (prev !== null) {
        let inc = v - prev;
        const step = Math.floor(t / stepMs) * stepMs;
        if (inc < 0) {
          resets++;
          countsAt(byStep, step).resets++;
          inc = v;
        }
        if (step >= startMs && step < endMs) {
          const byBound = steps.get(step) ?? new Map<number, number>();
          byBound.set(s.upperBound, (byBound.get(s.upperBound) ?? 0) + inc);
          steps.set(step, byBound);
        }
      }
      prev = v;
    }
  }
  const values: { tMs: number; value: number }[] = [];
  let undefinedSteps = 0;
  let emptySteps = 0;
  let forcedMonotonicSteps = 0;
  for (const [tMs, byBound] of [...steps.entries()].sort((a, b) => a[0] - b[0])) {
    const r = histogramQuantile(
      q,
      [...byBound.entries()].map(([upperBound, count]) => ({ upperBound, count })),
    );
    const c = countsAt(byStep, tMs);
    if (r.forcedMonotonic) {
      forcedMonotonicSteps++;
      c.forcedMonotonicSteps++;
    }
    if (r.reason === 'no-observations') {
      emptySteps++;
      c.emptySteps++;
    } else if (r.value === null) {
      undefinedSteps++;
      c.undefinedSteps++;
    } else values.push({ tMs, value: r.value });
  }
  return { values, undefinedSteps, emptySteps, forcedMonotonicSteps, resets, skippedPoints, byStep };
}
