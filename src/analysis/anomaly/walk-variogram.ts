/**
 * A model of benign level movement for the CUSUM's drift test (drift-trend.ts): the diffusion of a random walk in
 * the series' level, estimated from the variogram of the drift test's block means, and the spread of a slope
 * that such a walk explains over the drift test's window.
 *
 * Model (local level, Harvey 1989 §2.3.1): x_t = μ_t + ε_t, μ_t = μ_{t−1} + η_t, Var η = q per sample; ε the
 * noise (AR(1) allowed). Means of B consecutive samples, M_j, have the variogram
 *   V(L) = E[(M_{j+L} − M_j)²] = 2σ_B²(1 − ρ_B^L) + q·B·(L − 1/3),   L ≥ 1,
 * σ_B² the variance of a block mean of the noise and ρ_B its lag-1 block autocorrelation (drift-trend.ts
 * `blockMeanAutocorrelation`; the walk term is the continuous-time limit, exact to O(1/B²)). So the walk's
 * diffusion per block is q_B = q·B = (V(L) − V(1) − 2σ_B²(ρ_B − ρ_B^L))/(L − 1) (Matheron's variogram: a
 * stationary noise adds a constant, a walk a slope in the lag); σ²_η per sample is q_B/B.
 *
 * The noise's share is only subtracted: the block noise itself is judged by the Mann–Kendall test (drift-trend.ts),
 * so the walk's test asks only that the trend exceed what the walk explains.
 *
 * Robust estimation: V(1) and V(L) are read from exponentially weighted means of ln d² (d the lag-1 and lag-L
 * differences of the newest block mean), V = exp(mean + γ + ln 2) for Gaussian d (E[ln χ²₁] = −(γ + ln 2)); a
 * single large difference (a spike, a step) moves a mean of logarithms by its log, not its square. The means are
 * learned (a running mean over the first `halfLife` blocks, then exponentially weighted) only while the drift
 * chart is in control, so a leak's ramp does not teach the model its own slope.
 *
 * Use: Sen's slope of the window's block means is judged against the slopes the walk explains over the same
 * horizon, Z_walk = slope / √(1.03·q_B·W(n)), W(n) the variance of the least-squares slope of a unit-diffusion
 * walk observed at n points ({@link walkSlopeVariance}); 1.03 is the variance of Sen's slope over the
 * least-squares slope's for a walk, n = 12 (2·10⁵ simulated Gaussian walks; 1.13 for white noise). Measured and
 * not kept: the noise's slope variance added to the walk's (a parametric slope test on the block noise, stricter
 * than the Mann–Kendall test on the slow second-level leaks: two leaks of 0.005 σ per sample lost).
 * State: three float32 numbers (12 bytes). Pure, no I/O.
 * @see G. Matheron, "Principles of geostatistics", Economic Geology 58 (1963) 1246–1266 (the variogram)
 * @see A. C. Harvey, "Forecasting, Structural Time Series Models and the Kalman Filter", Cambridge 1989 (local level)
 * @see P. K. Sen, "Estimates of the regression coefficient based on Kendall's tau", JASA 63 (1968) 1379–1389
 */
import { InvalidInputError } from '../../errors.ts';

/** Euler–Mascheroni γ + ln 2: −E[ln χ²₁]. */
const LOG_CHI2_OFFSET = 0.5772156649015329 + Math.LN2;
/** Smallest d² entering the logarithm (sample units²; bounds the log of a zero difference). */
const MIN_D2 = 1e-30;
/** Var(Sen slope) / Var(least-squares slope) for a random walk, n = 12 (simulated, module comment). */
const SEN_WALK = 1.03;

/** Learned state of a {@link WalkVariogram}. */
export interface WalkVariogramState {
  /** EW mean of ln d² at lag 1 and at the long lag (finite). */
  readonly lag1: number;
  readonly lagL: number;
  /** Blocks learned, up to the half-life (integer ≥ 0). */
  readonly learned: number;
}

/**
 * Variance of the least-squares slope (per step) of a random walk of unit diffusion per step observed at n equally
 * spaced points: Σ_{k=1}^{n−1} (Σ_{i≥k} c_i)², c_i = (i − (n − 1)/2)/Σ(i − (n − 1)/2)². Pure; 0 for n < 2.
 */
export function walkSlopeVariance(n: number): number {
  if (!(n >= 2)) return 0;
  const m = (n - 1) / 2;
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (i - m) * (i - m);
  let v = 0;
  let tail = 0;
  for (let k = n - 1; k >= 1; k--) {
    tail += (k - m) / sxx;
    v += tail * tail;
  }
  return v;
}

/** The variogram of one series' block means at lags 1 and L (see the module comment). */
export class WalkVariogram {
  /** ln-variogram means at lag 1 and L, blocks learned. */
  private readonly s = new Float32Array(3);

  /**
   * @param lag the long lag L in blocks (integer ≥ 2): the drift test's window less one block
   * @param halfLife half-life of the means in blocks (≥ 2); also the blocks learned before the model is used
   * @throws InvalidInputError for values out of range
   */
  constructor(
    readonly lag: number,
    private readonly halfLife: number,
  ) {
    if (!(Number.isInteger(lag) && lag >= 2))
      throw new InvalidInputError(`walk variogram: lag must be an integer >= 2, got ${lag}`);
    if (!(Number.isFinite(halfLife) && halfLife >= 2))
      throw new InvalidInputError(`walk variogram: halfLife must be finite and >= 2, got ${halfLife}`);
  }

  /** Whether a half-life of blocks has been learned (the model is used only then). */
  get ready(): boolean {
    return this.s[2]! >= this.halfLife;
  }

  /**
   * Learns one completed block: `d1` the newest block mean less the one before, `dL` less the one `lag` blocks
   * before (sample units).
   */
  learn(d1: number, dL: number): void {
    const s = this.s;
    const n = s[2]!;
    const w = 1 / (n < this.halfLife ? n + 1 : this.halfLife);
    s[0] = s[0]! + w * (Math.log(Math.max(d1 * d1, MIN_D2)) - s[0]!);
    s[1] = s[1]! + w * (Math.log(Math.max(dL * dL, MIN_D2)) - s[1]!);
    if (n < this.halfLife) s[2] = n + 1;
  }

  /**
   * The walk's diffusion per block q_B (sample units², ≥ 0; module comment), given the block means' lag-1 noise
   * autocorrelation ρ_B ∈ [0, 1); NaN until {@link ready}.
   */
  diffusion(rhoB: number): number {
    if (!this.ready) return Number.NaN;
    const s = this.s;
    const v1 = Math.exp(s[0]! + LOG_CHI2_OFFSET);
    const vL = Math.exp(s[1]! + LOG_CHI2_OFFSET);
    const r = Math.min(Math.max(rhoB, 0), 0.99);
    // The noise's share of V(L) − V(1) is 2σ_B²(ρ_B − ρ_B^L), with 2σ_B² ≈ V(1)/(1 − ρ_B) (the walk's ⅔·q_B neglected).
    const noiseGap = (v1 / (1 - r)) * (r - Math.pow(r, this.lag));
    return Math.max(0, (vL - v1 - noiseGap) / (this.lag - 1));
  }

  /**
   * Z of a Sen slope (per block, sample units) over `n` block means against the slopes the walk alone explains,
   * slope/√(1.03·q_B·W(n)) (module comment); NaN until {@link ready}, ±∞ when no diffusion was measured (the
   * Mann–Kendall test then judges alone).
   */
  slopeZ(slope: number, n: number, rhoB: number): number {
    const q = this.diffusion(rhoB);
    if (Number.isNaN(q)) return Number.NaN;
    return slope / Math.sqrt(SEN_WALK * q * walkSlopeVariance(n));
  }

  /** Approximate bytes of state (three float32 numbers). */
  bytes(): number {
    return 12;
  }

  /** The learned state (plain data, for the CUSUM's snapshot). */
  state(): WalkVariogramState {
    return { lag1: this.s[0]!, lagL: this.s[1]!, learned: this.s[2]! };
  }

  /**
   * Restores a {@link state}. @throws InvalidInputError naming the first bad field (nothing changes then).
   */
  setState(st: unknown): void {
    const t = st as Partial<Record<keyof WalkVariogramState, unknown>> | null;
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (typeof t !== 'object' || t === null)
      throw new InvalidInputError('walk variogram: state is not an object');
    if (!fin(t.lag1) || !fin(t.lagL))
      throw new InvalidInputError('walk variogram: lag1 and lagL must be finite');
    if (!(
      Number.isInteger(t.learned) &&
      (t.learned as number) >= 0 &&
      (t.learned as number) <= this.halfLife
    ))
      throw new InvalidInputError(`walk variogram: learned must be an integer in [0, ${this.halfLife}]`);
    this.s[0] = t.lag1;
    this.s[1] = t.lagL;
    this.s[2] = t.learned as number;
  }
}
