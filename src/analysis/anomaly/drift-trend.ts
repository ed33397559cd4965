/**
 * Slow-drift test on block means: the Mann–Kendall trend test with the Hamed–Rao variance correction and Sen's
 * slope, over the last `blocks` completed block means of `blockSamples` samples each (a bounded ring). Used by the
 * CUSUM's drift chart (cusum.ts `drift`) to tell a growing excursion (a leak's ramp) from a step that has stopped
 * moving (a weekly level change, a leak's plateau).
 *
 * Method.
 * - Block means: averaging `blockSamples` samples divides the noise variance by ≈ blockSamples·(1 − φ)/(1 + φ)
 *   and leaves the block means of AR(1) noise almost uncorrelated, so a rank test on a dozen of them has power
 *   against slopes of a few hundredths of σ per sample.
 * - Mann–Kendall: S = Σ_{i<j} sgn(x_j − x_i), Var₀(S) = n(n − 1)(2n + 5)/18 (no ties: block means are continuous),
 *   Z = (S − sgn S)/√Var(S) (H. B. Mann, "Nonparametric tests against trend", Econometrica 13 (1945) 245–259;
 *   M. G. Kendall, "Rank Correlation Methods", Griffin 1975).
 * - Autocorrelation: Var(S) = Var₀(S)·n/n*, n/n* = 1 + 2/(n(n − 1)(n − 2))·Σ_{i=1}^{n−1}(n − i)(n − i − 1)(n − i − 2)ρᵢ
 *   (K. H. Hamed & A. R. Rao, "A modified Mann–Kendall trend test for autocorrelated data", J. Hydrology 204
 *   (1998) 182–196), with ρᵢ = ρ_Bⁱ the lag-i autocorrelation of block means of AR(1) noise with coefficient φ
 *   (the CUSUM's own estimate): ρ_B = φ(1 − φ^B)²/(1 − φ)² / (B(1 + φ)/(1 − φ) − 2φ(1 − φ^B)/(1 − φ)²).
 * - Sen's slope: the median of the pairwise slopes (x_j − x_i)/(j − i), per block (P. K. Sen, "Estimates of the
 *   regression coefficient based on Kendall's tau", JASA 63 (1968) 1379–1389); {@link BlockTrend.recentSlope} is
 *   the same over the newest half of the blocks (does the slope persist?).
 * Pure and bounded: `blocks` doubles plus a few numbers; the statistics are computed once per completed block.
 */
import { InvalidInputError } from '../../errors.ts';
import { WalkVariogram, type WalkVariogramState } from './walk-variogram.ts';
import { blockShift } from './block-shift.ts';

/** Largest number of blocks (the pairwise work per completed block is blocks²/2). */
export const MAX_DRIFT_BLOCKS = 32;

/** Learned state of a {@link BlockTrend}. */
export interface BlockTrendState {
  /** Completed block means, oldest first (at most `blocks`). */
  readonly means: readonly number[];
  /** Sum and count of the block being filled. */
  readonly sum: number;
  readonly count: number;
  /** The level's random-walk model (with a walk model; absent otherwise and in older snapshots). */
  readonly walk?: WalkVariogramState;
}

/** The statistics of the completed blocks. */
export interface BlockTrendStats {
  /** Hamed–Rao corrected Mann–Kendall Z (0 until every block is filled). */
  readonly z: number;
  /** Sen's slope per block over all blocks (input units). */
  readonly slope: number;
  /** Sen's slope per block over the newest half. */
  readonly recentSlope: number;
  /** Mann–Kendall Z (Hamed–Rao corrected) over the newest half. */
  readonly recentZ: number;
  /**
   * Sen's slope over all blocks against what the level's random walk and the block noise explain (walk-variogram.ts
   * `slopeZ`); NaN without a walk model or while it is learning.
   */
  readonly walkZ: number;
  /**
   * With a shift test: the signed Z of the largest single shift in the mean of the block means (block-shift.ts),
   * against the block noise and the level's walk; 0 without one.
   */
  readonly shiftZ: number;
}

const NO_TREND: BlockTrendStats = Object.freeze({
  z: 0,
  slope: 0,
  recentSlope: 0,
  recentZ: 0,
  walkZ: Number.NaN,
  shiftZ: 0,
});

/** b²·Var(mean of b samples)/σ² of AR(1) noise with coefficient p ∈ [0, 0.99]: b(1 + p)/(1 − p) − 2p(1 − pᵇ)/(1 − p)². */
function blockSumVariance(p: number, b: number): number {
  if (!(p > 0)) return b;
  const q = 1 - p;
  return (b * (1 + p)) / q - (2 * p * (1 - Math.pow(p, b))) / (q * q);
}

/** Lag-1 autocorrelation of means of `b` consecutive samples of AR(1) noise with coefficient φ ∈ [0, 1). Pure. */
export function blockMeanAutocorrelation(phi: number, b: number): number {
  if (!(phi > 0)) return 0;
  const p = Math.min(phi, 0.99);
  const pb = Math.pow(p, b);
  const q = 1 - p;
  const cov = (p * (1 - pb) * (1 - pb)) / (q * q);
  const v = blockSumVariance(p, b);
  return v > 0 ? Math.min(0.99, Math.max(0, cov / v)) : 0;
}

/**
 * Variance of the mean of `b` consecutive samples of AR(1) noise with variance σ² and coefficient φ ∈ [0, 1)
 * (σ²/b² · (b(1 + φ)/(1 − φ) − 2φ(1 − φᵇ)/(1 − φ)²); Box, Jenkins & Reinsel §2.1.5). Pure.
 */
export function blockMeanVariance(sigma: number, phi: number, b: number): number {
  return (sigma * sigma * Math.max(0, blockSumVariance(Math.min(Math.max(phi, 0), 0.99), b))) / (b * b);
}

/**
 * Hamed–Rao variance inflation n/n* of the Mann–Kendall S for n values whose lag-i autocorrelation is ρⁱ. Pure.
 * @see Hamed & Rao (1998), eq. 18 (their ρᵢ from the ranks; here from the AR(1) model of the block means).
 */
export function hamedRaoFactor(n: number, rho: number): number {
  if (!(rho > 0) || n < 3) return 1;
  let sum = 0;
  let r = 1;
  for (let i = 1; i < n; i++) {
    r *= rho;
    sum += (n - i) * (n - i - 1) * (n - i - 2) * r;
  }
  return 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
}

/** Scratch of {@link BlockTrend}'s statistics, shared by every instance (the computation is synchronous). */
const ORDERED = new Float64Array(MAX_DRIFT_BLOCKS);
const SLOPES = new Float64Array((MAX_DRIFT_BLOCKS * (MAX_DRIFT_BLOCKS - 1)) / 2);

/** Median of the first `n` entries of `a` (sorted in place). */
function median(a: Float64Array, n: number): number {
  const s = a.subarray(0, n).sort();
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Z of a Mann–Kendall S over n values with block-mean autocorrelation ρ (continuity-corrected, Hamed–Rao). */
function mkZ(s: number, n: number, rho: number): number {
  if (s === 0) return 0;
  const v = ((n * (n - 1) * (2 * n + 5)) / 18) * hamedRaoFactor(n, rho);
  return (s - Math.sign(s)) / Math.sqrt(v);
}

/** Mann–Kendall trend test and Sen's slope over a ring of block means (method in the module comment). */
export class BlockTrend {
  /**
   * Block means less `origin` (the newest block mean), float32: the statistics need only differences within the
   * window, which float32 keeps to ~10⁻⁷ of the window's range wherever the level lies.
   */
  private readonly ring: Float32Array;
  private origin = 0;
  private head = 0;
  private filled = 0;
  private sum = 0;
  private count = 0;
  private stats: BlockTrendStats = NO_TREND;
  /** The level's random-walk model (null without one). */
  private readonly walk: WalkVariogram | null;

  /**
   * @param walkHalfLife half-life in blocks of the random-walk model (walk-variogram.ts); 0: no walk model
   * @param shiftMinSide with a shift test (block-shift.ts), the fewest blocks on each side of a split; 0: none
   * @throws InvalidInputError for blockSamples not an integer in [1, 1e5] or blocks not in [4, {@link MAX_DRIFT_BLOCKS}].
   */
  constructor(
    readonly blockSamples: number,
    readonly blocks: number,
    walkHalfLife = 0,
    readonly shiftMinSide = 0,
  ) {
    if (!(Number.isInteger(blockSamples) && blockSamples >= 1 && blockSamples <= 100_000))
      throw new InvalidInputError(`drift: blockSamples must be an integer in [1, 1e5], got ${blockSamples}`);
    if (!(Number.isInteger(blocks) && blocks >= 4 && blocks <= MAX_DRIFT_BLOCKS))
      throw new InvalidInputError(
        `drift: blocks must be an integer in [4, ${MAX_DRIFT_BLOCKS}], got ${blocks}`,
      );
    this.ring = new Float32Array(blocks);
    this.walk = walkHalfLife > 0 ? new WalkVariogram(blocks - 1, walkHalfLife) : null;
  }

  /** Statistics of the completed blocks (recomputed when a block completes). */
  get current(): BlockTrendStats {
    return this.stats;
  }

  /**
   * Adds one sample; when it completes a block, the statistics are recomputed with the noise's lag-1
   * autocorrelation `phi` (for the Hamed–Rao correction), and with `learnWalk` the random-walk model learns the
   * block (once every block is filled); `sigma` (sample units) is the noise's σ the shift test judges against.
   * Returns whether a block completed.
   */
  add(x: number, phi: number, learnWalk = false, sigma = 0): boolean {
    this.sum += x;
    this.count++;
    if (this.count < this.blockSamples) return false;
    const mean = this.sum / this.count;
    if (learnWalk && this.walk !== null && this.filled === this.blocks) {
      // The ring is full: the newest of the ring is one block back, the oldest `blocks − 1` back once this one is in.
      const n = this.blocks;
      const prev = this.origin + this.ring[(this.head - 1 + n) % n]!;
      const lagged = this.origin + this.ring[(this.head + 1) % n]!;
      this.walk.learn(mean - prev, mean - lagged);
    }
    // Re-based on the newest mean, so that float32 keeps the window's differences wherever the level lies.
    const shift = this.origin - mean;
    for (let i = 0; i < this.filled; i++) this.ring[i] = this.ring[i]! + shift;
    this.origin = mean;
    this.ring[this.head] = 0;
    this.head = (this.head + 1) % this.blocks;
    if (this.filled < this.blocks) this.filled++;
    this.sum = 0;
    this.count = 0;
    this.stats = this.filled < this.blocks ? NO_TREND : this.compute(phi, sigma);
    return true;
  }

  /** Forgets every block (after the series' level was re-anchored far away, or on a gap). */
  reset(): void {
    this.head = 0;
    this.filled = 0;
    this.sum = 0;
    this.count = 0;
    this.stats = NO_TREND;
  }

  private compute(phi: number, sigma = 0): BlockTrendStats {
    const n = this.blocks;
    const x = ORDERED;
    for (let i = 0; i < n; i++) x[i] = this.ring[(this.head + i) % n]!;
    let s = 0;
    let k = 0;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = x[j]! - x[i]!;
        s += d > 0 ? 1 : d < 0 ? -1 : 0;
        SLOPES[k++] = d / (j - i);
      }
    }
    const slope = median(SLOPES, k);
    const h = Math.floor(n / 2);
    k = 0;
    let sh = 0;
    for (let i = n - h; i < n - 1; i++)
      for (let j = i + 1; j < n; j++) {
        const d = x[j]! - x[i]!;
        sh += d > 0 ? 1 : d < 0 ? -1 : 0;
        SLOPES[k++] = d / (j - i);
      }
    const recentSlope = median(SLOPES, k);
    const rho = blockMeanAutocorrelation(phi, this.blockSamples);
    const walkZ = this.walk === null ? Number.NaN : this.walk.slopeZ(slope, n, rho);
    const shiftZ = this.shiftMinSide > 0 ? this.shiftOf(x, phi, rho, sigma) : 0;
    return { z: mkZ(s, n, rho), slope, recentSlope, recentZ: mkZ(sh, h, rho), walkZ, shiftZ };
  }

  /** Signed Z of the largest single shift of the ordered block means `x` (block-shift.ts); the walk's share once learned. */
  private shiftOf(x: Float64Array, phi: number, rho: number, sigma: number): number {
    const q = this.walk?.diffusion(rho) ?? 0;
    const varB = blockMeanVariance(sigma, phi, this.blockSamples);
    return blockShift(x, this.blocks, this.shiftMinSide, varB, rho, q >= 0 ? q : 0).z;
  }

  /** Bytes of learned state (float32 ring, origin and counters, the walk model; the statistics' scratch is shared). */
  bytes(): number {
    return 4 * this.ring.length + 72 + (this.walk?.bytes() ?? 0);
  }

  state(): BlockTrendState {
    const means: number[] = [];
    for (let i = 0; i < this.filled; i++)
      means.push(this.origin + this.ring[(this.head - this.filled + i + this.blocks) % this.blocks]!);
    return this.walk === null
      ? { means, sum: this.sum, count: this.count }
      : { means, sum: this.sum, count: this.count, walk: this.walk.state() };
  }

  /**
   * Restores a {@link state}; `phi` recomputes the statistics. @throws InvalidInputError for a malformed state
   * (the trend is left as it was).
   */
  setState(s: unknown, phi: number): void {
    const t = s as Partial<Record<keyof BlockTrendState, unknown>> | null;
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (typeof t !== 'object' || t === null) throw new InvalidInputError('drift: state is not an object');
    if (!Array.isArray(t.means) || t.means.length > this.blocks || !t.means.every(fin))
      throw new InvalidInputError(`drift: means must be at most ${this.blocks} finite numbers`);
    if (!fin(t.sum)) throw new InvalidInputError('drift: sum must be finite');
    if (!(
      Number.isSafeInteger(t.count) &&
      (t.count as number) >= 0 &&
      (t.count as number) < this.blockSamples
    ))
      throw new InvalidInputError(`drift: count must be an integer in [0, ${this.blockSamples})`);
    // An older snapshot (no walk model) restores with a fresh one, which learns again before it is used.
    if (this.walk !== null) this.walk.setState(t.walk ?? { lag1: 0, lagL: 0, learned: 0 });
    const means = t.means as number[];
    this.ring.fill(0);
    this.origin = means.length > 0 ? means[means.length - 1]! : 0;
    for (let i = 0; i < means.length; i++) this.ring[i] = means[i]! - this.origin;
    this.filled = means.length;
    this.head = means.length % this.blocks;
    this.sum = t.sum;
    this.count = t.count as number;
    this.stats = this.filled < this.blocks ? NO_TREND : this.compute(phi);
  }
}
