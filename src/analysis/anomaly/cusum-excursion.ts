/**
 * The CUSUM's excursion gate (cusum.ts option `excursionHold`): while a confirmed excursion lasts (mode
 * `excursion`), or while one the chart has voted on lasts (mode `alarm`), the baseline's noise scale does not learn
 * (seasonal-baseline.ts `holdScale`), so an excursion does not inflate the in-control σ that should find the next
 * one — the principle the chart's tail histogram already follows (cusum-tail.ts).
 *
 * Why a gate of its own: the main chart's sums cannot say when an excursion lasts. They run on whitened residuals,
 * and a sustained offset raises the (uncentred) lag-1 autocorrelation towards 0.95, so during a leak's plateau the
 * whitened increments stay below k and the sums return to 0 while the residual is still 3 σ̂ off. Meanwhile the
 * baseline's Huber scale (residuals clipped at huber·σ̂) learns min(|r|, 3σ̂) with a target above its own value, so
 * σ̂ grows exponentially (e-folding ≈ half-life / (ln 2 · 2.76)) for as long as the level lags — measured on a
 * labelled corpus series, 1.12 → 2.99× the noise's σ within a day of a missed 9.8 σ leak, and still 2.34× three days
 * later, when a 7.1 σ level shift came and was missed.
 *
 * The gate is Page's tabular CUSUM (E. S. Page, Biometrika 41 (1954) 100–115) on the unwhitened residuals z of the
 * chart, clipped at ±clip, with the chart's k and h: E⁺ ← max(0, E⁺ + z − k), E⁻ ← max(0, E⁻ − z − k), each capped
 * at `cap`. An excursion is confirmed when a sum reaches h and lasts until both sums are back at 0. A one-sample
 * blip adds at most clip − k < h, so it is never an excursion; in control a confirmation is rare (autocorrelated
 * noise confirms more often than the Gaussian ARL₀ says, but the samples it withholds are then few: the sums drain
 * by k per in-control sample) and the samples before a confirmation are learned as before, so the in-control scale
 * is all but unbiased. After the chart re-anchors the baseline (its restart) the gate starts again from 0: σ is
 * re-learned from the residuals after the change only.
 */
import { InvalidInputError } from '../../errors.ts';

/**
 * When the scale is held: never (`off`), while a confirmed excursion lasts (`excursion`), or while a confirmed
 * excursion on which the chart has voted lasts (`alarm`: an open alarm's samples only).
 */
export type ExcursionHold = 'off' | 'excursion' | 'alarm';

/** The gate's state in a snapshot: the two sums, whether an excursion is confirmed and whether it was voted on. */
export interface ExcursionGateState {
  readonly up: number;
  readonly down: number;
  readonly held: boolean;
  readonly voted: boolean;
}

/** Two one-sided sums on unwhitened residuals and the confirmed-excursion latch. State: 2 numbers and a flag. */
export class ExcursionGate {
  private up = 0;
  private down = 0;
  private heldNow = false;
  private voted = false;

  /**
   * @param mode when the scale is held ({@link ExcursionHold}; `off`: never, the gate only confirms), @param k reference value (σ units, > 0),
   * @param h decision interval (σ, > 0), @param clip residual clip (σ, > k), @param cap each sum's cap (σ, ≥ h).
   */
  constructor(
    private readonly mode: ExcursionHold,
    private readonly k: number,
    private readonly h: number,
    private readonly clip: number,
    private readonly cap: number,
  ) {}

  /** Whether the scale must not learn the current sample (after {@link update} and {@link verdict}). */
  get held(): boolean {
    return this.heldNow && (this.mode === 'excursion' || (this.mode === 'alarm' && this.voted));
  }

  /** Whether a confirmed excursion lasts (a sum reached h and they are not both back at 0), in any mode. */
  get confirmed(): boolean {
    return this.heldNow;
  }

  /** Adds the sample's standardised residual `z` (σ units; non-finite ignored). */
  update(z: number): void {
    if (!Number.isFinite(z)) return;
    const c = this.clip;
    const zc = z > c ? c : z < -c ? -c : z;
    const u = this.up + zc - this.k;
    const d = this.down - zc - this.k;
    this.up = u > 0 ? (u < this.cap ? u : this.cap) : 0;
    this.down = d > 0 ? (d < this.cap ? d : this.cap) : 0;
    if (this.up >= this.h || this.down >= this.h) this.heldNow = true;
    else if (this.up === 0 && this.down === 0) this.heldNow = this.voted = false;
  }

  /**
   * The chart's verdict on the sample: a vote during a confirmed excursion opens the alarm (mode `alarm`). Returns
   * {@link held}.
   */
  verdict(anomalous: boolean): boolean {
    if (anomalous && this.heldNow) this.voted = true;
    return this.held;
  }

  /** Starts again from 0 (after the chart re-anchored the baseline on the excursion). */
  reset(): void {
    this.up = this.down = 0;
    this.heldNow = this.voted = false;
  }

  /** Approximate bytes of state (two numbers and two flags). */
  bytes(): number {
    return 24;
  }

  state(): ExcursionGateState {
    return { up: this.up, down: this.down, held: this.heldNow, voted: this.voted };
  }

  /** Replaces the state. @throws InvalidInputError (naming `who`) for malformed state; nothing changes then. */
  setState(s: unknown, who: string): void {
    const t = s as Partial<Record<keyof ExcursionGateState, unknown>> | null;
    const ok = (v: unknown): v is number =>
      typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= this.cap;
    if (
      typeof t !== 'object' ||
      t === null ||
      !ok(t.up) ||
      !ok(t.down) ||
      typeof t.held !== 'boolean' ||
      typeof t.voted !== 'boolean'
    )
      throw new InvalidInputError(
        `${who}: cannot restore snapshot: excursion must have up and down in [0, ${this.cap}] and booleans held and voted`,
      );
    this.up = t.up;
    this.down = t.down;
    this.heldNow = t.held;
    this.voted = t.voted;
  }

  /**
   * The gate of a chart with these options (its k, h, clip and cap maxSumFactor·h); null with `excursionHold` off
   * and no `excursionAnchor` (cusum-anchor.ts, which needs only its confirmation).
   */
  static forChart(o: {
    readonly excursionHold: ExcursionHold;
    readonly excursionAnchor: boolean;
    readonly k: number;
    readonly h: number;
    readonly clip: number;
    readonly maxSumFactor: number;
  }): ExcursionGate | null {
    const m = o.excursionHold;
    if (m === 'off' && !o.excursionAnchor) return null;
    return new ExcursionGate(m, o.k, o.h, o.clip, o.maxSumFactor * o.h);
  }

  /** A gate with nothing learned (a snapshot without a gate restores with it). */
  static readonly FRESH: ExcursionGateState = Object.freeze({ up: 0, down: 0, held: false, voted: false });
}
