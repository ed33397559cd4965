/**
 * A fitted exponential tail above a tracked quantile: the alarm threshold of a level member from a stated per-sample
 * false-alarm rate instead of a fixed multiple of the quantile, with the tail's scale taken at an upper confidence
 * bound, so that the threshold is as conservative as the few exceedances a short history has make it need to be.
 *
 * Model (peaks over threshold; Pickands 1975, Balkema & de Haan 1974, with shape 0): above the tracked p-quantile q
 * of |z| the excesses |z| − q are exponential with scale β, so P(|z| > t) = (1 − p)·exp(−(t − q)/β) and the
 * threshold of per-sample rate α is t(α) = q + β·ln((1 − p)/α). β is estimated by the mean of the excesses over q —
 * a running mean over the first exceedances, then an exponentially weighted one at `rate` (the tracker's memory of
 * about (2 − rate)/rate exceedances) — and, because k exceedances estimate it with the sampling error of a gamma
 * mean (2k·β̂/β ~ χ²₂ₖ), taken at its one-sided upper confidence bound β̂·2k/χ²₂ₖ(1 − c) (Cox & Hinkley 1974 §7.2;
 * Lawless 2003 §3.2 for the exponential mean). A history with few exceedances gets a wider threshold; with many the
 * bound approaches β̂.
 *
 * Measured in docs/anomaly-detection.md, "Short histories and gaps": not turned on (the live tuning keeps the
 * threshold max(5 σ, 2·q̂₀.₉₉)).
 * Pure, O(1) state (two numbers).
 * @see J. Pickands, "Statistical inference using extreme order statistics", Annals of Statistics 3 (1975) 119–131.
 * @see S. Coles, "An Introduction to Statistical Modeling of Extreme Values" (Springer 2001), §4.3 (threshold excesses).
 * @see D. R. Cox & D. V. Hinkley, "Theoretical Statistics" (Chapman & Hall 1974), §7.2 (confidence limits).
 */
import { InvalidInputError } from '../../errors.ts';
import { chiSquareQuantile } from '../../math/chi-square.ts';

/** Confidence of the upper bound on the tail's scale (one-sided). */
export const TAIL_SCALE_CONFIDENCE = 0.95;

/** Learned state (snapshots). */
export interface TailFitState {
  /** Mean excess over the tracked quantile (finite, ≥ 0). */
  readonly mean: number;
  /** Effective number of exceedances behind it (0 before the first; ≤ (2 − rate)/rate). */
  readonly count: number;
}

/**
 * The threshold of per-sample false-alarm rate `alpha` for an exponential tail of scale `beta` above the
 * p-quantile `q` (module comment): q + beta·ln((1 − p)/alpha). Units of q and beta (σ). Pure.
 * @throws InvalidInputError for p outside (0, 1), alpha outside (0, 1 − p), or a non-finite or negative q / beta.
 */
export function exponentialTailThreshold(q: number, beta: number, p: number, alpha: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidInputError(`tail fit: p must be in (0, 1), got ${p}`);
  if (!(alpha > 0 && alpha < 1 - p))
    throw new InvalidInputError(`tail fit: alpha must be in (0, ${1 - p}), got ${alpha}`);
  if (!(Number.isFinite(q) && q >= 0 && Number.isFinite(beta) && beta >= 0))
    throw new InvalidInputError(`tail fit: q and beta must be finite and >= 0, got ${q}, ${beta}`);
  return q + beta * Math.log((1 - p) / alpha);
}

/**
 * The one-sided upper confidence bound of an exponential mean estimated by `mean` from `count` observations:
 * mean·2k/χ²₂ₖ(1 − confidence) (module comment). `count` may be fractional (an effective count). Pure.
 * @throws InvalidInputError for count ≤ 0, confidence outside (0, 1) or a non-finite or negative mean.
 */
export function exponentialMeanUpperBound(mean: number, count: number, confidence: number): number {
  if (!(Number.isFinite(count) && count > 0))
    throw new InvalidInputError(`tail fit: count must be finite and > 0, got ${count}`);
  if (!(confidence > 0 && confidence < 1))
    throw new InvalidInputError(`tail fit: confidence must be in (0, 1), got ${confidence}`);
  if (!(Number.isFinite(mean) && mean >= 0))
    throw new InvalidInputError(`tail fit: mean must be finite and >= 0, got ${mean}`);
  const dof = 2 * count;
  return (mean * dof) / chiSquareQuantile(1 - confidence, dof);
}

/** The running mean excess over a tracked quantile and its upper bound (module comment). Memory: three numbers. */
export class TailFit {
  private mean = 0;
  private count = 0;
  /** The upper bound of the scale, recomputed when an exceedance arrives (NaN before the first). */
  private upper = Number.NaN;
  private readonly maxCount: number;

  /**
   * @param rate weight of a new excess once the running mean has reached its memory, in (0, 1): the tracked
   *   quantile's own step, so both forget at the same pace.
   * @throws InvalidInputError for a rate outside (0, 1).
   */
  constructor(readonly rate: number) {
    if (!(rate > 0 && rate < 1)) throw new InvalidInputError(`tail fit: rate must be in (0, 1), got ${rate}`);
    this.maxCount = (2 - rate) / rate;
  }

  /** Exceedances seen (effective count). */
  get exceedances(): number {
    return this.count;
  }

  /** Takes one excess over the tracked quantile (> 0; anything else is ignored). */
  observe(excess: number): void {
    if (!(Number.isFinite(excess) && excess > 0)) return;
    const k = this.count + 1 > this.maxCount ? this.maxCount : this.count + 1;
    const w = 1 / k > this.rate ? 1 / k : this.rate;
    this.mean += w * (excess - this.mean);
    this.count = k;
    this.upper = exponentialMeanUpperBound(this.mean, k, TAIL_SCALE_CONFIDENCE);
  }

  /**
   * The threshold of per-sample rate `alpha` above the p-quantile `q` with the scale at its upper bound; null before
   * the first exceedance (no tail seen: the caller keeps its own rule).
   */
  threshold(q: number, p: number, alpha: number): number | null {
    if (this.count === 0) return null;
    return exponentialTailThreshold(q, this.upper, p, alpha);
  }

  /** The state to snapshot. */
  state(): TailFitState {
    return { mean: this.mean, count: this.count };
  }

  /**
   * Restores a state from {@link state}; `undefined` (a snapshot written without the fit) starts afresh.
   * @throws InvalidInputError for a malformed state (the message is prefixed with `what`).
   */
  setState(s: unknown, what: string): void {
    if (s === undefined) {
      this.mean = 0;
      this.count = 0;
      this.upper = Number.NaN;
      return;
    }
    const t = s as Partial<Record<keyof TailFitState, unknown>> | null;
    if (typeof t !== 'object' || t === null)
      throw new InvalidInputError(`${what}: tail fit is not an object`);
    const { mean, count } = t;
    if (!(typeof mean === 'number' && Number.isFinite(mean) && mean >= 0))
      throw new InvalidInputError(`${what}: tail fit mean must be a finite number >= 0`);
    if (!(typeof count === 'number' && Number.isFinite(count) && count >= 0 && count <= this.maxCount))
      throw new InvalidInputError(`${what}: tail fit count must be in [0, ${this.maxCount}]`);
    this.mean = mean;
    this.count = count;
    this.upper = count > 0 ? exponentialMeanUpperBound(mean, count, TAIL_SCALE_CONFIDENCE) : Number.NaN;
  }
}
