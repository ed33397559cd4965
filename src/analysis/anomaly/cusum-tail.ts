/**
 * The CUSUM's decision interval from the series' own increment distribution (cusum.ts option `calibrateH`).
 *
 * Why. h is solved from the target in-control run length ARL₀ with Siegmund's approximation for N(0, 1)
 * increments (cusum-options.ts), whose run length grows as e^{θ*·b}, b = h + 1.166, with θ* = 2k the positive root
 * of the increments' moment generating function E[e^{θ(u − k)}] = 1 (Wald's identity; D. Siegmund, "Sequential
 * Analysis", Springer 1985, §X.2 — the same root is the adjustment coefficient of ruin theory). A series whose
 * whitened, clipped residuals u are heavier-tailed than Gaussian on one side (bursty counts: tweets or requests per
 * interval, which rise by tens of σ for half an hour and fall back) has a smaller root on that side, so the chart's
 * true ARL₀ is orders of magnitude shorter than the stated one. This module measures the root on each side from an
 * exponentially weighted histogram of u and rescales b so that e^{θ*·b} — the run length's dominant term — is what
 * the Gaussian interval promises: b' = b·θ_N/θ*, θ_N the root of the same histogram filled with N(0, 1) (so a
 * Gaussian series keeps its h exactly). The interval is never lowered (θ* ≥ θ_N leaves h as it is) and raised at
 * most {@link MAX_H_RATIO}-fold in b. Nothing here is fitted to a data set: the target is the ARL₀ the chart
 * already states.
 *
 * Where. Only on series inferred to be counts — every value so far a non-negative integer; one other value ends it
 * for good —, whose skew is structural (non-negative, bursty, scale growing with the level), so a heavy upper tail
 * is their in-control state. On other series the chart keeps the Gaussian h: measured on NAB, calibrating every
 * series lost 6 of 116 windows through the engine (73 → 67; CPU, network and request series).
 * The histogram learns a sample only while the chart is in control (both sums 0 before it): an excursion does not
 * raise the interval that should find it, and for independent residuals the condition does not bias the histogram.
 *
 * State: {@link TAIL_BINS} 32-bit weights (u rounded to the nearest ½ σ in [−clip, clip]), the two intervals and
 * the count flag; the histogram starts at the clipped N(0, 1) weights (a prior worth one baseline half-life of
 * samples). Pure.
 */

import { InvalidInputError } from '../../errors.ts';
import { normalCdf } from '../../math/normal.ts';

/** Bins of the histogram: u rounded to the nearest ½ σ over [−4, 4] (the CUSUM's clip). */
export const TAIL_BINS = 17;
const STEP = 0.5;
/**
 * The histogram's half-life in multiples of the baseline's: a tail probability of 10⁻³ needs ~10⁴ samples to be
 * estimated. Measured on N(0, 1) residuals (10⁵ samples): the largest interval 5.5 % above the Gaussian h at 10×
 * (6,000 samples for the default baseline), 21 % at 1×.
 */
export const TAIL_HALF_LIFE_FACTOR = 10;
/** Samples between two solutions of the roots (the histogram moves by < 1/half-life per sample: 4 % in 256). */
const SOLVE_EVERY = 256;
/** b is raised at most this many times (θ* ≥ θ_N / MAX_H_RATIO). */
export const MAX_H_RATIO = 4;
const SIEGMUND_OFFSET = 1.166;

/** Learned state of {@link IncrementTail} in a snapshot. */
export interface IncrementTailState {
  /** Histogram weights (exponentially weighted sample counts, prior included), {@link TAIL_BINS} of them. */
  readonly weights: readonly number[];
  /** Decision intervals of the upper and lower sums (σ). */
  readonly hUp: number;
  readonly hDown: number;
  /** Samples since the last solution. */
  readonly since: number;
  /** Whether every value so far was a non-negative integer (absent: true). */
  readonly counts?: boolean;
}

function gaussianWeights(clip: number): Float32Array {
  const w = new Float32Array(TAIL_BINS);
  const half = (TAIL_BINS - 1) / 2;
  const cdf = (x: number): number => (Number.isFinite(x) ? normalCdf(x) : x > 0 ? 1 : 0);
  for (let i = 0; i < TAIL_BINS; i++) {
    const c = (i - half) * STEP;
    const lo = i === 0 ? -Infinity : Math.max(-clip, c - STEP / 2);
    const hi = i === TAIL_BINS - 1 ? Infinity : Math.min(clip, c + STEP / 2);
    w[i] = cdf(hi) - cdf(lo);
  }
  return w;
}

/**
 * Positive root θ of Σ w_i·e^{θ·(side·c_i − k)} = 1 in (0, hi], c_i the bin centres; `hi` when the sum at `hi` is
 * still ≤ 1 (the root lies beyond it), 0 when the increments' mean is ≥ 0 (no root: out of control).
 */
function root(w: Float32Array, side: number, k: number, hi: number): number {
  const half = (TAIL_BINS - 1) / 2;
  const m = (theta: number): number => {
    let s = 0;
    for (let i = 0; i < TAIL_BINS; i++) s += w[i]! * Math.exp(theta * (side * (i - half) * STEP - k));
    return s;
  };
  let mean = 0;
  let total = 0;
  for (let i = 0; i < TAIL_BINS; i++) {
    mean += w[i]! * (side * (i - half) * STEP - k);
    total += w[i]!;
  }
  if (!(mean < 0)) return 0;
  if (m(hi) <= total) return hi;
  let lo = 0;
  let up = hi;
  for (let it = 0; it < 24; it++) {
    const mid = (lo + up) / 2;
    if (m(mid) > total) up = mid;
    else lo = mid;
  }
  return (lo + up) / 2;
}

/** Exponentially weighted histogram of the whitened residuals and the decision intervals it implies (module comment). */
export class IncrementTail {
  private readonly w: Float32Array;
  private readonly alpha: number;
  private readonly k: number;
  private readonly clip: number;
  private readonly h: number;
  private readonly thetaUp: number;
  private readonly thetaDown: number;
  private since = 0;
  private hUp: number;
  private hDown: number;
  private counts = true;
  /** Largest total weight: the prior's plus a whole life of samples. */
  private readonly maxMass: number;

  /**
   * @param k the chart's reference value (σ); @param clip its clip (σ, residuals are in [−clip, clip]);
   * @param h its Gaussian decision interval (σ); @param halfLife the histogram's half-life in samples.
   */
  constructor(k: number, clip: number, h: number, halfLife: number, priorSamples: number) {
    this.k = k;
    this.clip = Math.min(clip, ((TAIL_BINS - 1) / 2) * STEP);
    this.h = h;
    this.alpha = 1 - Math.pow(0.5, 1 / halfLife);
    this.w = gaussianWeights(this.clip);
    for (let i = 0; i < TAIL_BINS; i++) this.w[i]! *= priorSamples;
    this.maxMass = priorSamples + 1 / this.alpha;
    this.thetaUp = root(this.w, 1, k, 8 * k);
    this.thetaDown = root(this.w, -1, k, 8 * k);
    this.hUp = this.hDown = h;
  }

  /**
   * The tail of a CUSUM chart with these options: its k, clip and Gaussian h; half-life
   * {@link TAIL_HALF_LIFE_FACTOR}× the baseline's, the N(0, 1) prior worth one baseline half-life of samples.
   */
  static forChart(o: {
    readonly k: number;
    readonly clip: number;
    readonly h: number;
    readonly baselineHalfLife: number;
  }): IncrementTail {
    const hl = o.baselineHalfLife;
    return new IncrementTail(o.k, o.clip, o.h, TAIL_HALF_LIFE_FACTOR * hl, hl);
  }

  /** The largest interval this can return (σ): b raised {@link MAX_H_RATIO}-fold. */
  maxH(): number {
    return (this.h + SIEGMUND_OFFSET) * MAX_H_RATIO - SIEGMUND_OFFSET;
  }

  /**
   * Decision interval of the upper (`side` 1) or lower (−1) sum (σ): ≥ the Gaussian h on a count series, the
   * Gaussian h once a value was not a non-negative integer.
   */
  interval(side: number): number {
    return !this.counts ? this.h : side > 0 ? this.hUp : this.hDown;
  }

  /**
   * One sample: its raw `value` (is the series still a count?) and whitened, clipped residual `u` (σ), learned only
   * when `inControl` (both sums were 0 before it, so an excursion does not raise the interval that should find it;
   * for independent residuals the condition does not bias the histogram).
   */
  add(value: number, u: number, inControl: boolean): void {
    if (!(value >= 0 && Number.isInteger(value))) this.counts = false;
    if (!inControl || !this.counts) return;
    const w = this.w;
    const a = this.alpha;
    for (let i = 0; i < TAIL_BINS; i++) w[i]! *= 1 - a;
    const half = (TAIL_BINS - 1) / 2;
    let b = Math.round(u / STEP) + half;
    b = b < 0 ? 0 : b > TAIL_BINS - 1 ? TAIL_BINS - 1 : b;
    w[b]! += 1;
    if (++this.since >= SOLVE_EVERY) this.solve();
  }

  private solve(): void {
    this.since = 0;
    this.hUp = this.scaled(root(this.w, 1, this.k, this.thetaUp), this.thetaUp);
    this.hDown = this.scaled(root(this.w, -1, this.k, this.thetaDown), this.thetaDown);
  }

  private scaled(theta: number, ref: number): number {
    const ratio = theta <= ref / MAX_H_RATIO ? MAX_H_RATIO : ref / theta;
    return ratio <= 1 ? this.h : (this.h + SIEGMUND_OFFSET) * ratio - SIEGMUND_OFFSET;
  }

  /** Approximate bytes of state. */
  bytes(): number {
    return 4 * TAIL_BINS + 28;
  }

  state(): IncrementTailState {
    return {
      weights: Array.from(this.w),
      hUp: this.hUp,
      hDown: this.hDown,
      since: this.since,
      counts: this.counts,
    };
  }

  /**
   * Restores {@link state}; nothing changes when it throws.
   * @throws InvalidInputError `${what}: cannot restore snapshot: …` naming the bad field.
   */
  setState(s: IncrementTailState, what: string): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`${what}: cannot restore snapshot: tail.${msg}`);
    };
    const max = this.maxH();
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (typeof s !== 'object' || s === null) bad('state is not an object');
    const ws: unknown = s.weights;
    const mass = this.maxMass;
    if (!Array.isArray(ws) || ws.length !== TAIL_BINS || !ws.every((v) => ok(v) && v >= 0 && v <= mass))
      bad(`weights must be ${TAIL_BINS} numbers in [0, ${mass}]`);
    for (const h of [s.hUp, s.hDown] as unknown[])
      if (!(ok(h) && h >= this.h - 1e-9 && h <= max + 1e-9))
        bad(`hUp and hDown must be in [${this.h}, ${max}]`);
    if (!(Number.isSafeInteger(s.since) && s.since >= 0 && s.since < SOLVE_EVERY))
      bad(`since must be an integer in [0, ${SOLVE_EVERY})`);
    if (s.counts !== undefined && typeof s.counts !== 'boolean') bad('counts must be a boolean');
    this.w.set(s.weights);
    this.hUp = s.hUp;
    this.hDown = s.hDown;
    this.since = s.since;
    this.counts = s.counts ?? true;
  }
}
