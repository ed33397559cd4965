/**
 * Always-valid inference for an asymptotically normal effect estimate: the normal-mixture sequential probability
 * ratio test (mSPRT), its always-valid p-value and the matching confidence sequence. Pure: no clocks, no I/O.
 *
 * Model: at every look the estimate θ̂ of an effect θ is approximately N(θ, V) with V known or consistently
 * estimated. Mixing the likelihood ratio of N(θ, V) against N(θ₀, V) over θ ~ N(θ₀, τ²) gives
 *
 *   Λ(θ₀) = √(V / (V + τ²)) · exp( τ² (θ̂ − θ₀)² / (2 V (V + τ²)) ),
 *
 * a nonnegative martingale under θ = θ₀ for a Gaussian sum. By Ville's inequality P(∃ look: Λ ≥ 1/α) ≤ α, so
 * `min(1, 1/Λ)` is a p-value that stays valid however often the data are looked at (and at any data-dependent
 * stopping time), and {θ₀ : Λ(θ₀) < 1/α} is a confidence sequence: it covers θ at every look simultaneously with
 * probability ≥ 1 − α. Its radius is
 *
 *   r(V) = √( 2 V (V + τ²) / τ² · ( ln(1/α) + ½ ln((V + τ²)/V) ) ).
 *
 * For a sum S_n of n unit-variance observations (V = 1/n, ρ = 1/τ²) this is Robbins' normal-mixture boundary
 * |S_n| < √((n + ρ)(ln(1 + n/ρ) + 2 ln(1/α))). With an estimated variance the guarantee holds asymptotically
 * (asymptotic confidence sequences). The mixing scale τ sets where the boundary is tightest: at V ≈ τ²/10 the
 * radius is about 3.3 √V for α = 0.02 (a fixed-sample two-sided 98 % interval is 2.33 √V): the price of looking
 * at any time.
 *
 * @see H. Robbins, "Statistical methods related to the law of the iterated logarithm", Ann. Math. Statist. 41
 *   (1970) 1397–1409 (the normal-mixture boundary).
 * @see R. Johari, P. Koomen, L. Pekelis, D. Walsh, "Peeking at A/B tests: why it matters, and what to do about
 *   it", KDD 2017, 1517–1525; and "Always valid inference: continuous monitoring of A/B tests", Operations
 *   Research 70 (2022) 1806–1821 (mSPRT, always-valid p-values and confidence intervals for A/B tests).
 * @see S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence
 *   sequences", Ann. Statist. 49 (2021) 1055–1080 (normal-mixture boundary, choice of the mixing scale).
 * @see I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas, "Time-uniform central limit theory and
 *   asymptotic confidence sequences", Ann. Statist. 52 (2024) (validity with estimated variances).
 */
import { InvalidInputError } from '../../errors.ts';

/** Level and mixing scale of the normal mixture. */
export interface MixtureOptions {
  /** Error probability over all looks, in (0, 1): the sequence misses the effect at any look with probability ≤ alpha. */
  readonly alpha: number;
  /** Standard deviation τ > 0 of the mixing distribution N(θ₀, τ²), in the unit of the effect. */
  readonly tau: number;
}

/** A confidence-sequence interval at one look. */
export interface SequenceInterval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly radius: number;
}

function check(variance: number, o: MixtureOptions): void {
  if (!(Number.isFinite(variance) && variance >= 0))
    throw new InvalidInputError(`variance must be a finite number >= 0, got ${variance}`);
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InvalidInputError(`alpha must be in (0, 1), got ${o.alpha}`);
  if (!(Number.isFinite(o.tau) && o.tau > 0))
    throw new InvalidInputError(`tau must be a finite number > 0, got ${o.tau}`);
}

/**
 * ln Λ(θ₀): log of the normal-mixture likelihood ratio of the estimate against θ₀ (see the module comment).
 * A zero variance gives +Infinity when the estimate differs from θ₀ and 0 when it equals it.
 * @throws InvalidInputError for a negative or non-finite variance, a non-finite estimate or θ₀, or bad options.
 */
export function logMixtureLikelihoodRatio(
  estimate: number,
  variance: number,
  theta0: number,
  o: MixtureOptions,
): number {
  check(variance, o);
  if (!Number.isFinite(estimate) || !Number.isFinite(theta0))
    throw new InvalidInputError(`estimate and theta0 must be finite, got ${estimate}, ${theta0}`);
  const d = estimate - theta0;
  const t2 = o.tau * o.tau;
  if (variance === 0) return d === 0 ? 0 : Infinity;
  return 0.5 * Math.log(variance / (variance + t2)) + (t2 * d * d) / (2 * variance * (variance + t2));
}

/**
 * Always-valid p-value of H₀: θ = θ₀ at this look, min(1, 1/Λ(θ₀)). Taking the running minimum over looks is
 * also valid; this single-look value is never smaller than that minimum, so it is conservative.
 * @throws InvalidInputError as {@link logMixtureLikelihoodRatio}.
 */
export function alwaysValidPValue(
  estimate: number,
  variance: number,
  theta0: number,
  o: MixtureOptions,
): number {
  const l = logMixtureLikelihoodRatio(estimate, variance, theta0, o);
  return l <= 0 ? 1 : Math.exp(-l);
}

/**
 * Radius r(V) of the confidence sequence (see the module comment); 0 for V = 0. Increasing in V.
 * @throws InvalidInputError for a negative or non-finite variance or bad options.
 */
export function sequenceRadius(variance: number, o: MixtureOptions): number {
  check(variance, o);
  if (variance === 0) return 0;
  const t2 = o.tau * o.tau;
  return Math.sqrt(
    ((2 * variance * (variance + t2)) / t2) *
      (Math.log(1 / o.alpha) + 0.5 * Math.log((variance + t2) / variance)),
  );
}

/**
 * The confidence-sequence interval [θ̂ − r(V), θ̂ + r(V)] at one look.
 * @throws InvalidInputError for a non-finite estimate, a negative or non-finite variance or bad options.
 */
export function confidenceSequence(estimate: number, variance: number, o: MixtureOptions): SequenceInterval {
  if (!Number.isFinite(estimate)) throw new InvalidInputError(`estimate must be finite, got ${estimate}`);
  const radius = sequenceRadius(variance, o);
  return { estimate, lower: estimate - radius, upper: estimate + radius, radius };
}

/**
 * The variance V at which the radius equals `radius` (the inverse of {@link sequenceRadius}, by bisection on
 * ln V to a relative precision of 1e-10). Used to say how much more evidence a decision needs.
 * @returns V > 0, or 0 for radius 0
 * @throws InvalidInputError for a negative or non-finite radius or bad options.
 */
export function varianceForRadius(radius: number, o: MixtureOptions): number {
  if (!(Number.isFinite(radius) && radius >= 0))
    throw new InvalidInputError(`radius must be a finite number >= 0, got ${radius}`);
  check(0, o);
  if (radius === 0) return 0;
  // r(V) ≥ √(2V·ln(1/α)), so V ≤ r²/(2 ln(1/α)); r(V) ≤ ... grows without bound, so a lower bracket exists.
  let hi = Math.log((radius * radius) / (2 * Math.log(1 / o.alpha)));
  let lo = hi - 1;
  while (sequenceRadius(Math.exp(lo), o) > radius) lo -= 8;
  for (let i = 0; i < 200 && hi - lo > 1e-10; i++) {
    const mid = (lo + hi) / 2;
    if (sequenceRadius(Math.exp(mid), o) > radius) hi = mid;
    else lo = mid;
  }
  return Math.exp(lo);
}
