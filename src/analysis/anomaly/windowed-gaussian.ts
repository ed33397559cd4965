/**
 * Windowed Gaussian: NAB's reference "windowedGaussian" detector, ported from its description (NAB
 * `nab/detectors/gaussian/windowedGaussian_detector.py`, numenta/NAB @ ea702d75; Lavin & Ahmad 2015,
 * arXiv:1510.03336, which scores it at 39.6 standard). Not a production detector: it is the anchor that proves
 * our NAB data loading, probation and threshold sweep are right (see RESEARCH-NOTES.md §6.1).
 *
 * Algorithm: keep up to 6400 past values; score each value x against the mean/std of the values seen before it
 * as `1 − Q(|x − mean| / std)` with Q the standard normal tail probability; the first value scores 0. While the
 * window is filling, mean/std are recomputed after every value; once full, new values collect in a 100-value
 * step buffer and every 100 values the oldest 100 are dropped and mean/std recomputed. std is the population
 * standard deviation, floored at 1e-6 when it is exactly 0.
 */
import { InvalidInputError } from '../../errors.ts';
import { normalUpperTail } from '../../math/normal.ts';
import { alarmSeverity, judgedVerdict, NOT_JUDGED } from './detector.ts';
import type { StreamingDetector, Verdict } from './detector.ts';

/**
 * Upper-tail probability P(X > x) of N(mean, std²), folded so values below the mean use the mirror point
 * `2·mean − x` (NAB `normalProbability`, i.e. the Q-function of |z|): `½·erfc(z/√2)`, z = (x' − mean)/std.
 * Result in (0, 0.5]. Throws InvalidInputError for non-finite input or std ≤ 0.
 */
export function normalTailProbability(x: number, mean: number, std: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
    throw new InvalidInputError(
      `normalTailProbability: need finite x, mean and std > 0 (got ${x}, ${mean}, ${std})`,
    );
  }
  const xp = x < mean ? 2 * mean - x : x;
  const z = (xp - mean) / std;
  return normalUpperTail(z);
}

/**
 * Sum of `a[0..n)` with NumPy's pairwise summation (blocks of ≤ 128 summed with 8 accumulators, larger
 * ranges split in halves at a multiple of 8) so mean/std match `numpy.mean`/`numpy.std` to the last bit.
 */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!,
      r1 = a[start + 1]!,
      r2 = a[start + 2]!,
      r3 = a[start + 3]!;
    let r4 = a[start + 4]!,
      r5 = a[start + 5]!,
      r6 = a[start + 6]!,
      r7 = a[start + 7]!;
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const b = start + i;
      r0 += a[b]!;
      r1 += a[b + 1]!;
      r2 += a[b + 2]!;
      r3 += a[b + 3]!;
      r4 += a[b + 4]!;
      r5 += a[b + 5]!;
      r6 += a[b + 6]!;
      r7 += a[b + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** Options of {@link createWindowedGaussianDetector}. */
export interface WindowedGaussianOptions {
  /** Values the baseline holds (NAB: 6400). Integer ≥ 2. */
  readonly windowSize: number;
  /** Once the window is full, statistics are refreshed every `stepSize` values (NAB: 100). 1 ≤ step ≤ window. */
  readonly stepSize: number;
  /**
   * `Verdict.anomalous` is `score ≥ alertThreshold`. Default 1.0: NAB's corpus-optimal threshold for this
   * detector on all three profiles, reached when Q(|z|) ≤ 2⁻⁵⁴ (|z| ≳ 8.29) and `1 − Q` rounds to 1.0.
   */
  readonly alertThreshold: number;
  /**
   * Round the score to this many significant decimal digits, or null for full float64. Default 12: NAB's
   * published results were written by Python 2's `str(float)` (`%.12g`) and the optimiser read them back, so
   * NAB's 39.65 is the score of 12-digit values; there `1 − Q` becomes exactly 1.0 at |z| ≈ 7.13 (full float64
   * saturates only at |z| ≈ 8.29 and scores 40.13 standard instead). Integer in [1, 17] or null.
   */
  readonly scoreSignificantDigits: number | null;
}

/** NAB's parameters. */
export const WINDOWED_GAUSSIAN_DEFAULTS: WindowedGaussianOptions = Object.freeze({
  windowSize: 6400,
  stepSize: 100,
  alertThreshold: 1.0,
  scoreSignificantDigits: 12,
});

/**
 * The NAB windowed-Gaussian score of a deviation of `z` standard deviations: `1 − ½·erfc(|z|/√2)` in [0.5, 1],
 * rounded to `digits` significant digits unless `digits` is null (see
 * {@link WindowedGaussianOptions.scoreSignificantDigits}). Throws InvalidInputError for NaN z or bad digits.
 */
export function windowedGaussianScore(z: number, digits: number | null = 12): number {
  if (Number.isNaN(z)) throw new InvalidInputError('windowedGaussianScore: z is NaN');
  checkDigits(digits);
  const s = 1 - normalUpperTail(Math.abs(z));
  return digits === null ? s : Number(s.toPrecision(digits));
}

function checkDigits(digits: number | null): void {
  if (digits !== null && (!Number.isInteger(digits) || digits < 1 || digits > 17)) {
    throw new InvalidInputError(
      `scoreSignificantDigits must be an integer in [1, 17] or null, got ${digits}`,
    );
  }
}

/**
 * Smallest |z| whose {@link windowedGaussianScore} (with `digits`) reaches `threshold` (bisection on the
 * monotone score down to adjacent doubles), or +∞ if no z ≤ 40 does. Used for the verdict's band.
 * Throws InvalidInputError for a non-finite threshold or bad digits.
 */
export function windowedGaussianZForScore(threshold: number, digits: number | null = 12): number {
  if (!Number.isFinite(threshold)) throw new InvalidInputError(`threshold must be finite, got ${threshold}`);
  checkDigits(digits);
  const score = (z: number): number => windowedGaussianScore(z, digits);
  if (threshold <= 0.5) return 0;
  if (score(40) < threshold) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (score(mid) >= threshold) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Creates a Windowed Gaussian detector for one series (see the module comment for the method). Verdict:
 * `score` = NAB anomaly score in [0.5, 1] (0 for the first value, which is not judged), rounded as
 * `scoreSignificantDigits` says (default 12, reproducing NAB's published 39.65 standard); `expected` = window mean;
 * `deviation` = signed z = (x − mean)/std; `lower`/`upper` = mean ∓ z*·std where z* is the |z| that reaches
 * `alertThreshold`; `anomalous` = score ≥ alertThreshold; `confidence` = score; severity medium/high/critical at
 * |z| ≥ z*, 1.5 z*, 2 z*; `resolved` on the first non-anomalous verdict after an anomalous one. Non-finite
 * values return {@link NOT_JUDGED} and leave the state unchanged. Memory: two Float64Arrays of
 * `windowSize + stepSize` values in total (~52 KB at NAB's parameters).
 * Throws InvalidInputError for invalid options.
 */
export function createWindowedGaussianDetector(
  options: Partial<WindowedGaussianOptions> = {},
): StreamingDetector {
  const o: WindowedGaussianOptions = { ...WINDOWED_GAUSSIAN_DEFAULTS, ...options };
  if (!Number.isInteger(o.windowSize) || o.windowSize < 2 || o.windowSize > 10_000_000) {
    throw new InvalidInputError(`windowSize must be an integer in [2, 1e7], got ${o.windowSize}`);
  }
  if (!Number.isInteger(o.stepSize) || o.stepSize < 1 || o.stepSize > o.windowSize) {
    throw new InvalidInputError(`stepSize must be an integer in [1, windowSize], got ${o.stepSize}`);
  }
  if (!Number.isFinite(o.alertThreshold))
    throw new InvalidInputError(`alertThreshold must be finite, got ${o.alertThreshold}`);
  checkDigits(o.scoreSignificantDigits);
  const digits = o.scoreSignificantDigits;
  const zAlert = windowedGaussianZForScore(o.alertThreshold, digits);

  // Window kept contiguous in `win[0..count)`; when sliding, the oldest `stepSize` values are shifted out.
  const win = new Float64Array(o.windowSize);
  const step = new Float64Array(o.stepSize);
  const scratch = new Float64Array(o.windowSize);
  let count = 0;
  let stepCount = 0;
  let mean = 0;
  let std = 1;
  let lastAnomalous = false;

  const recompute = (): void => {
    mean = pairwiseSum(win, 0, count) / count;
    for (let i = 0; i < count; i++) {
      const d = win[i]! - mean;
      scratch[i] = d * d;
    }
    std = Math.sqrt(pairwiseSum(scratch, 0, count) / count);
    if (std === 0) std = 0.000001;
  };

  const learn = (x: number): void => {
    if (count < o.windowSize) {
      win[count++] = x;
      recompute();
      return;
    }
    step[stepCount++] = x;
    if (stepCount === o.stepSize) {
      win.copyWithin(0, o.stepSize);
      win.set(step, o.windowSize - o.stepSize);
      stepCount = 0;
      recompute();
    }
  };

  return {
    name: 'windowed-gaussian',
    update(value: number, _timestampMs: number): Verdict {
      if (!Number.isFinite(value)) return NOT_JUDGED;
      if (count === 0) {
        learn(value);
        return NOT_JUDGED;
      }
      const full = 1 - normalTailProbability(value, mean, std);
      const score = digits === null ? full : Number(full.toPrecision(digits));
      const z = (value - mean) / std;
      const anomalous = score >= o.alertThreshold;
      const severity = alarmSeverity(anomalous, Math.abs(z), zAlert);
      const verdict = judgedVerdict(
        anomalous,
        score,
        mean,
        zAlert * std,
        z,
        severity,
        lastAnomalous && !anomalous,
      );
      lastAnomalous = anomalous;
      learn(value);
      return verdict;
    },
    stateBytes(): number {
      return (win.length + step.length + scratch.length) * 8 + 64;
    },
  };
}
