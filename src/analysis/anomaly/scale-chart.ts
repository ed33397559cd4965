/**
 * The CUSUM detector's scale chart (cusum.ts, module comment "Scale chart"): an upper CUSUM on a variance-stabilised
 * statistic of the residual that signals when the residuals' spread grows, even while their mean stays inside the
 * band — the variance changes the level and trend charts see only as scattered single samples.
 *
 * Statistic. The successive difference of the residuals, d = r_t − r_{t−1} (sample units), is insensitive to the
 * level: a level error of hours (a weekend, a step not yet re-anchored, a seasonal bin not yet learned) cancels in
 * it, and d's scale is proportional to the noise's (von Neumann's mean square successive difference). The chart sums
 * y = ln d², the log of its square: a change of the noise's σ by a factor c moves y by exactly 2·ln c whatever the
 * noise's distribution, and the spread of y does not depend on σ (for Gaussian noise y is ln χ²₁, sd π/√2; this is
 * the log-variance statistic of the CUSUMs for scale, Hawkins & Olwell 1998 ch. 6). y is standardised by its own
 * in-control mean and standard deviation (exponentially weighted with the baseline's half-life in pairs, learned only while
 * the sum is below h), u = (y − ȳ)/ŝ clipped to ±clip, and summed: S ← min(cap, max(0, S + u − k)).
 *
 * k and h. The chart is tuned for a doubling of σ under Gaussian noise: the shift of y is 2·ln 2, in sd units
 * 2·ln 2/(π/√2) = 0.624, so k = ln 2/(π/√2) ≈ 0.312 (Page 1954: half the shift). h is solved from the CUSUM's
 * stated in-control run length ARL₀ with Siegmund's approximation for unit-variance increments (cusum-options.ts
 * `cusumThreshold`; ARL₀ = 10⁷ samples → h ≈ 22.0). ln χ²₁ has a lighter upper tail than a Gaussian, so for Gaussian
 * noise the stated ARL₀ is conservative; for heavier-tailed noise ŝ is larger and the chart is tuned for a larger
 * factor than 2. A change by c adds ≈ 2·ln c/ŝ − k per sample: c = 4 reaches h in about 23 samples.
 *
 * The chart never votes alone: the CUSUM reports its signal only on a sample outside its band (expected ± bandSigma
 * σ), so a spread change that stays inside the band pages nothing however long it lasts, and one that leaves it pages
 * only once it has been sustained long enough for S to reach h. Upward only: a smaller spread is no harm signal.
 * State: five float32 numbers (sum, ȳ, ŝ², pairs learned up to one half-life, the pair's first residual). Pure, no I/O.
 * @see D. M. Hawkins, D. H. Olwell, "Cumulative Sum Charts and Charting for Quality Improvement", Springer 1998,
 *   ch. 6 (CUSUMs for scale)
 * @see J. von Neumann, R. H. Kent, H. R. Bellinson, B. I. Hart, "The mean square successive difference",
 *   Ann. Math. Statist. 12 (1941) 153–162
 * @see E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115
 */
import { InvalidInputError } from '../../errors.ts';
import { cusumThreshold } from './cusum-options.ts';

/** Standard deviation of ln χ²₁ (ln of a squared standard Gaussian): π/√2. */
export const LOG_CHI2_SD = Math.PI / Math.SQRT2;
/** Reference value of the scale chart in sd units: half the shift of ln d² that a doubling of σ makes. */
export const SCALE_K = Math.LN2 / LOG_CHI2_SD;
/** Euler–Mascheroni constant γ: E[ln χ²₁] = −(γ + ln 2). */
const EULER_GAMMA = 0.5772156649015329;
/** Smallest d² relative to σ² that enters the logarithm (bounds the statistic's lower tail). */
const MIN_RATIO = 1e-6;
/** Residuals are bounded to ±this many σ before they are differenced (finite float32 state; u is clipped anyway). */
const MAX_Z = 1e9;

const bounded = (z: number): number => (z > MAX_Z ? MAX_Z : z < -MAX_Z ? -MAX_Z : z);

/** Learned state of the scale chart (in a CUSUM snapshot). */
export interface ScaleChartState {
  /** Upper sum (sd units, in [0, cap]). */
  readonly sum: number;
  /** In-control mean of ln d² (finite). */
  readonly mean: number;
  /** In-control variance of ln d² (> 0). */
  readonly variance: number;
  /** Pairs learned, up to the half-life (integer ≥ 0). */
  readonly learned: number;
  /** Standardised residual of the current pair's first sample (σ, finite). */
  readonly first: number;
}

/** The scale chart of one series (see the file header). */
export class ScaleChart {
  /** The state of a chart that has learned nothing (an older snapshot without a scale chart restores to it). */
  static readonly FRESH: ScaleChartState = Object.freeze({
    sum: 0,
    mean: 0,
    variance: LOG_CHI2_SD * LOG_CHI2_SD,
    learned: 0,
    first: 0,
  });
  /** Decision interval (sd units), from ARL₀. */
  readonly h: number;
  private readonly cap: number;
  /** sum, ȳ, ŝ², pairs learned, the pair's first residual. */
  private readonly s = new Float32Array(5);

  /**
   * @param arl0 stated in-control run length in samples (≥ 10)
   * @param halfLife half-life of ȳ and ŝ² in pairs (≥ 2); also the pairs learned before the chart judges
   * @param clip the standardised statistic is clipped to ±clip (> k)
   * @param maxSumFactor the sum is capped at maxSumFactor·h (≥ 1)
   * @throws InvalidInputError for values out of range
   */
  constructor(
    arl0: number,
    private readonly halfLife: number,
    private readonly clip: number,
    maxSumFactor: number,
  ) {
    if (!(halfLife >= 2 && Number.isFinite(halfLife)))
      throw new InvalidInputError(`scale chart: halfLife must be finite and >= 2, got ${halfLife}`);
    if (!(clip > SCALE_K && Number.isFinite(clip)))
      throw new InvalidInputError(`scale chart: clip must be finite and > ${SCALE_K}, got ${clip}`);
    // Float32 values, so that a sum at its cap compares equal to h.
    this.h = Math.fround(cusumThreshold(SCALE_K, arl0));
    this.cap = Math.fround(Math.max(1, maxSumFactor) * this.h);
    this.s[2] = LOG_CHI2_SD * LOG_CHI2_SD;
  }

  /** Current sum (sd units). */
  get sum(): number {
    return this.s[0]!;
  }

  /** Whether the sum is at h or above (on the samples between two pairs, the last pair's answer). */
  get signalling(): boolean {
    return this.s[0]! >= this.h;
  }

  /**
   * The first sample of a pair: keeps its standardised residual (σ, unclipped) for {@link update}.
   */
  pairStart(z: number): void {
    this.s[4] = bounded(z);
  }

  /**
   * The second sample of a pair: learns and (when `judge`) updates the sum with d = z − the pair's first residual;
   * returns whether the sum is at h or above. Pairs are disjoint (every other sample), so that successive increments
   * are independent: overlapping differences share a sample, and their ln d² are positively correlated (≈ 0.2 for
   * Gaussian noise), which shortens the in-control run length far below the stated one (measured: one run of 10⁵
   * Gaussian samples in 9 reached h, for a stated 10⁷). The residuals are unclipped: two residuals at a clip make
   * d = 0, and the plateau of a leak beyond the clip taught ȳ a floor value for hours.
   * @param z the standardised residual of the pair's second sample (σ units, unclipped)
   * @param sigma the baseline's σ (sample units, > 0), so that the statistic is in sample units
   * @param judge false while the chart only learns (the CUSUM's warm-up gates): the sum stays 0
   */
  update(z: number, sigma: number, judge: boolean): boolean {
    const s = this.s;
    const diff = bounded(z) - s[4]!;
    const d2 = diff * diff;
    const y = Math.log(d2 > MIN_RATIO ? d2 : MIN_RATIO) + 2 * Math.log(sigma);
    const learned = s[3]!;
    let mean = s[1]!;
    const sd = Math.sqrt(s[2]!);
    let u = learned === 0 ? 0 : (y - mean) / sd;
    u = u > this.clip ? this.clip : u < -this.clip ? -this.clip : u;
    let sum = 0;
    if (judge && learned >= this.halfLife) {
      sum = s[0]! + u - SCALE_K;
      sum = sum > 0 ? (sum < this.cap ? sum : this.cap) : 0;
    }
    s[0] = sum;
    if (sum < this.h) {
      // In control: learn ȳ and ŝ² (running mean over the first half-life, then exponentially weighted).
      const w = 1 / (learned < this.halfLife ? learned + 1 : this.halfLife);
      const dy = learned === 0 ? 0 : u * sd;
      mean += w * dy;
      s[1] = learned === 0 ? y : mean;
      if (learned > 0) s[2] = s[2]! + w * (dy * dy * (1 - w) - s[2]!);
      if (learned < this.halfLife) s[3] = learned + 1;
    }
    return sum >= this.h;
  }

  /**
   * The noise's σ (sample units) read from the chart's in-control mean of ln d², or NaN while the chart has learned
   * fewer than a half-life of pairs or is out of control (its mean is frozen then, and a grown spread is its own
   * signal). For Gaussian noise d² = 2σ_d²·χ²₁, σ_d² = var(d)/2, and E[ln χ²₁] = −(γ + ln 2), so σ_d² = exp(ȳ + γ);
   * for AR(1) noise with lag-1 correlation φ, var(d) = 2σ²(1 − φ), so σ² = exp(ȳ + γ)/(1 − φ). A level error or a
   * slow ramp cancels in d, so neither inflates it. No correction for tails: heavier tails make it smaller than the
   * standard deviation much as they make a mean absolute deviation smaller (measured, unit-variance noise, φ ∈ {0,
   * 0.3, 0.6}, 2·10⁵ pairs: 1.00 Gaussian, 0.86–0.88 Laplace, 0.76–0.77 Student-t₃, against √(π/2)·E|e| = 1.00,
   * 0.89 and 0.80 for the baseline's σ).
   * @param phi the noise's lag-1 autocorrelation in [0, 1) (a level error must not raise it: a centred estimate)
   * @see J. von Neumann et al., "The mean square successive difference", Ann. Math. Statist. 12 (1941) 153–162
   */
  noiseSigma(phi: number): number {
    const s = this.s;
    if (s[3]! < this.halfLife || s[0]! >= this.h) return Number.NaN;
    return Math.sqrt(Math.exp(s[1]! + EULER_GAMMA) / (1 - phi));
  }

  /** Approximate bytes of state (five float32 numbers). */
  bytes(): number {
    return 20;
  }

  /** The learned state (plain data, for the CUSUM's snapshot). */
  state(): ScaleChartState {
    const s = this.s;
    return { sum: s[0]!, mean: s[1]!, variance: s[2]!, learned: s[3]!, first: s[4]! };
  }

  /**
   * Restores a state.
   * @throws InvalidInputError naming the first bad field (nothing changes then)
   */
  setState(st: ScaleChartState, who: string): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`${who}: cannot restore snapshot: scale.${msg}`);
    };
    if (typeof st !== 'object' || st === null) bad('must be an object');
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (!(fin(st.sum) && st.sum >= 0 && st.sum <= this.cap)) bad(`sum must be in [0, ${this.cap}]`);
    if (!fin(st.mean)) bad('mean must be finite');
    if (!(fin(st.variance) && st.variance > 0)) bad('variance must be finite and > 0');
    if (!(Number.isInteger(st.learned) && st.learned >= 0 && st.learned <= this.halfLife))
      bad(`learned must be an integer in [0, ${this.halfLife}]`);
    if (!fin(st.first)) bad('first must be finite');
    const s = this.s;
    s[0] = st.sum;
    s[1] = st.mean;
    s[2] = st.variance;
    s[3] = st.learned;
    s[4] = st.first;
  }
}
