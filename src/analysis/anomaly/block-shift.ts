/**
 * A likelihood-ratio test for one shift in the mean of the drift test's block means (drift-trend.ts): a change the
 * CUSUM's charts do not see when the noise is strongly autocorrelated (its whitening shrinks a step by
 * √((1 − φ)/(1 + φ))) and the Mann–Kendall trend test deliberately ignores (a step that has stopped moving).
 *
 * Model. n block means M_0 … M_{n−1} (oldest first) of a series x_t = μ_t + ε_t, ε AR(1) noise with σ² and lag-1
 * autocorrelation φ (the block means then have variance σ_B² and lag-i autocorrelation ρ_Bⁱ, drift-trend.ts
 * `blockMeanVariance`, `blockMeanAutocorrelation`), μ_t a random walk of diffusion q_B per block (walk-variogram.ts;
 * 0 without one). Under a single shift at split a (M_a the first block after it) the generalised likelihood ratio
 * for a known covariance reduces, for each a, to the standardised difference of the two segments' means
 *   Z_a = (mean(M_a…M_{n−1}) − mean(M_0…M_{a−1})) / √Var₀(a),
 *   Var₀(a) = σ_B² Σ_ij c_i c_j ρ_B^|i−j| + q_B Σ_j (Σ_{i≥j} c_i)²,   c_i = −1/a (i < a), 1/(n − a) (i ≥ a),
 * the second term the walk's share (the difference of the segments' means of a walk, each step η_j weighted by the
 * coefficients after it). The test statistic is max_a |Z_a| over splits with at least `minSide` blocks on each
 * side (M. Basseville & I. V. Nikiforov, "Detection of Abrupt Changes", Prentice Hall 1993, §2.4 and §7.2: the GLR
 * for a change in the mean of a Gaussian sequence; T. L. Lai, "Sequential changepoint detection in quality control
 * and dynamical systems", JRSS B 57 (1995) 613–658: the window-limited GLR).
 *
 * Threshold from a false-alarm budget, not fitted: the test runs once per completed block, so an in-control run
 * length of ARL₀ samples allows a chance of α = B/ARL₀ per evaluation; shared by both sides and the S splits
 * (Bonferroni, conservative since the Z_a are positively correlated), z* = Φ⁻¹(1 − α/(2S)). B = 16, n = 12,
 * minSide 3, ARL₀ = 10⁷: S = 7, z* ≈ 5.27. Pure, no state of its own; the scratch is shared.
 * @see M. Basseville & I. V. Nikiforov, "Detection of Abrupt Changes: Theory and Application", Prentice Hall 1993
 * @see T. L. Lai, "Sequential changepoint detection in quality control and dynamical systems", JRSS B 57 (1995)
 */
import { InvalidInputError } from '../../errors.ts';
import { normalQuantile } from '../../math/normal.ts';

/** The largest shift statistic over the splits and where it lies. */
export interface BlockShift {
  /** Signed Z of the split with the largest |Z| (0 when no split is allowed or the variance is 0). */
  readonly z: number;
  /** Index of the first block after that split (0 when none). */
  readonly split: number;
}

/** Fewest blocks on each side of a split the drift chart's shift test uses: a level must have held 3 blocks. */
export const SHIFT_MIN_SIDE = 3;

const NO_SHIFT: BlockShift = Object.freeze({ z: 0, split: 0 });

/** Number of splits with at least `minSide` blocks on each side of n blocks. */
export function shiftSplits(n: number, minSide: number): number {
  return Math.max(0, n - 2 * minSide + 1);
}

/**
 * The two-sided threshold z* for {@link blockShift} from an in-control run length (module comment). Pure.
 * @param arl0 in-control run length in samples (> blockSamples)
 * @param blockSamples samples per block (≥ 1)
 * @param splits the number of splits tested (≥ 1)
 * @throws InvalidInputError when the arguments give no probability in (0, 1).
 */
export function shiftThreshold(arl0: number, blockSamples: number, splits: number): number {
  const alpha = blockSamples / arl0 / (2 * splits);
  if (!(alpha > 0 && alpha < 0.5) || !(splits >= 1))
    throw new InvalidInputError(
      `block shift: arl0 ${arl0}, blockSamples ${blockSamples}, splits ${splits} give no false-alarm chance in (0, 0.5)`,
    );
  return normalQuantile(1 - alpha);
}

/**
 * The shift statistic of n block means (oldest first): max over splits a ∈ [minSide, n − minSide] of |Z_a|
 * (module comment). Pure, O(n²) per split.
 * @param x block means (any origin: only differences enter), at least n entries
 * @param varB the variance of one block mean of the noise (sample units², ≥ 0)
 * @param rhoB the block means' lag-1 autocorrelation in [0, 1)
 * @param qB the level walk's diffusion per block (sample units², ≥ 0; 0 without a walk model)
 */
export function blockShift(
  x: ArrayLike<number>,
  n: number,
  minSide: number,
  varB: number,
  rhoB: number,
  qB: number,
): BlockShift {
  if (!(varB > 0 || qB > 0)) return NO_SHIFT;
  let best = NO_SHIFT;
  let bestAbs = 0;
  for (let a = minSide; a <= n - minSide; a++) {
    const ca = -1 / a;
    const cb = 1 / (n - a);
    let before = 0;
    let after = 0;
    for (let i = 0; i < a; i++) before += x[i]!;
    for (let i = a; i < n; i++) after += x[i]!;
    const diff = after * cb + before * ca;
    // Noise: Σ_ij c_i c_j ρ^|i−j|, by lag.
    let noise = a * ca * ca + (n - a) * cb * cb;
    let r = 1;
    for (let lag = 1; lag < n && rhoB > 0; lag++) {
      r *= rhoB;
      let s = 0;
      for (let i = 0; i + lag < n; i++) s += (i < a ? ca : cb) * (i + lag < a ? ca : cb);
      noise += 2 * r * s;
    }
    // Walk: Σ_j (Σ_{i≥j} c_i)², the tail sums (j − 1)/a … for j ≤ a and (n − j)/(n − a) after (j from 0).
    let walk = 0;
    for (let j = 1; j < n; j++) {
      const tail = j <= a ? j / a : (n - j) / (n - a);
      walk += tail * tail;
    }
    const v = varB * noise + qB * walk;
    if (!(v > 0)) continue;
    const z = diff / Math.sqrt(v);
    if (Math.abs(z) > bestAbs) {
      bestAbs = Math.abs(z);
      best = { z, split: a };
    }
  }
  return best;
}
