/**
 * Count noise: on a series whose every value so far is a non-negative integer (events per interval — tweets,
 * requests, errors), the smallest noise the series can have is the counting noise of its expected value, a Poisson
 * variance equal to the mean. A detector whose scale was learned on a quiet stretch of small counts (0, 0, 1, 0 …)
 * can call 2 or 3 events "5 σ"; under a Poisson law with the expected mean such a count is ordinary. The engine
 * counts a sample as anomalous evidence on such a series only when its count is also improbable as counting noise
 * (detection-engine.ts). Inferred from the values, never from a name; one other value ends it for good. Pure.
 *
 * @see docs/anomaly-detection.md, "Count noise: a few events are no evidence"
 */
import { regularizedGamma } from '../math/gamma.ts';
import { normalCdf, normalUpperTail } from '../math/normal.ts';

/**
 * The one-sided probability a sample must stay under, as counting noise, to count as anomalous evidence: 10⁻³.
 * Two samples, the engine's confirmation, then make the 10⁻⁶ per sample the detectors' false-alarm budget is set
 * to (ARL₀ 10⁶; dwcp-tuning.ts) — so the floor asks of each sample what the confirmation asks of the pair.
 */
export const COUNT_NOISE_ALPHA = 1e-3;

/**
 * Samples a count series needs before its dispersion is judged (and the floor can apply): the index of
 * dispersion of n Poisson samples has a standard error of about √(2 / n), 0.14 at 100.
 */
export const COUNT_DISPERSION_MIN_SAMPLES = 100;

/**
 * Counts above this are judged by the normal approximation of the Poisson law (skewness 1/√λ ≤ 3·10⁻⁴; the
 * incomplete gamma function overflows for arguments near the largest doubles).
 */
const NORMAL_APPROXIMATION_FROM = 1e7;

/**
 * What the engine keeps per series to tell counts from other integers: whether every value so far was a
 * non-negative integer, and the sums of the values and of the half squared successive differences since the
 * series started (32 B). A series of integers is counting noise only when it is at least as noisy as a Poisson
 * count: its short-term variance (half the mean squared successive difference, which a slow level change or a
 * daily cycle barely moves; von Neumann 1941) at least its mean. Speeds or temperatures rounded to a unit are
 * integers with a smaller variance than their mean: their noise is a measurement's, not a count's.
 */
export interface CountNoiseState {
  counts: boolean;
  /** Values observed (capped at 2⁵³ by floating point; no bound needed). */
  n: number;
  sum: number;
  halfSquaredSteps: number;
  previous: number;
}

/** A fresh {@link CountNoiseState} (a series is counts until one value says otherwise). */
export function newCountNoiseState(): CountNoiseState {
  return { counts: true, n: 0, sum: 0, halfSquaredSteps: 0, previous: Number.NaN };
}

/** Learns `value`; a value that is not a non-negative integer ends the series' counts for good. */
export function observeCount(st: CountNoiseState, value: number): void {
  if (!st.counts) return;
  if (!(value >= 0 && Number.isInteger(value))) {
    st.counts = false;
    return;
  }
  if (st.n > 0) st.halfSquaredSteps += ((value - st.previous) * (value - st.previous)) / 2;
  st.n++;
  st.sum += value;
  st.previous = value;
}

/**
 * Whether counting noise is the series' noise floor: every value a non-negative integer, at least
 * {@link COUNT_DISPERSION_MIN_SAMPLES} of them, at least one event counted (an all-zero history's index is 0 / 0),
 * and their index of dispersion (short-term variance over mean) not
 * significantly under 1 — at least 1 − 3·√(3 / (n − 1)), three standard errors of the successive-difference
 * estimate for independent samples (each half squared difference has variance 2σ⁴, neighbours correlate ¼).
 * A Poisson series passes (its index is 1); a series rounded to a unit with an index of 0.2–0.7 fails once its
 * history is long enough to tell.
 * @see J. von Neumann, "Distribution of the ratio of the mean square successive difference to the variance",
 *   Ann. Math. Statist. 12 (1941) 367–395; R. A. Fisher's index of dispersion test (Statistical Methods for
 *   Research Workers, 1925, §16).
 */
export function isCountingNoise(st: CountNoiseState): boolean {
  // No event counted yet: the index of dispersion is 0 / 0, no evidence of a count's noise.
  if (!st.counts || st.n < COUNT_DISPERSION_MIN_SAMPLES || st.sum <= 0) return false;
  const mean = st.sum / st.n;
  const steps = st.n - 1;
  return st.halfSquaredSteps / steps >= mean * (1 - 3 * Math.sqrt(3 / steps));
}

/**
 * The one-sided Poisson probability of a count at least as far from `expected` as `observed`, on the observed
 * side: P(X ≥ observed) when observed > expected, P(X ≤ observed) when below, 1 when equal; X ~ Poisson(λ), λ =
 * max(expected, 0). Unitless, in [0, 1]; 1 for a non-finite input (no evidence either way).
 * @see Johnson, Kemp & Kotz, "Univariate Discrete Distributions", 3rd ed. (2005), §4.3 (the Poisson CDF as the
 *   regularized incomplete gamma function: P(X ≤ k) = Q(k + 1, λ)).
 */
export function countNoiseProbability(observed: number, expected: number): number {
  if (!Number.isFinite(observed) || !Number.isFinite(expected) || observed < 0) return 1;
  const lambda = Math.max(expected, 0);
  const k = Math.round(observed);
  if (k > lambda && lambda === 0) return 0;
  if (Math.max(k, lambda) > NORMAL_APPROXIMATION_FROM) {
    const sd = Math.sqrt(lambda);
    if (k > lambda) return normalUpperTail((k - 0.5 - lambda) / sd);
    return k < lambda ? normalCdf((k + 0.5 - lambda) / sd) : 1;
  }
  if (k > lambda) return regularizedGamma(k, lambda).p;
  if (k < lambda) return regularizedGamma(k + 1, lambda).q;
  return 1;
}

/**
 * Whether `observed` lies within the counting noise of `expected` at level `alpha` (its one-sided Poisson
 * probability above `alpha`): such a sample is no evidence of an anomaly on a count series.
 */
export function withinCountNoise(observed: number, expected: number, alpha: number): boolean {
  return countNoiseProbability(observed, expected) > alpha;
}
