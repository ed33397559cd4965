/**
 * The CUSUM's excursion anchor (cusum.ts option `excursionAnchor`): after an excursion the chart did not report — a
 * slow leak the whitening hid — the baseline's level lags the series for a day or more (half-life 600 samples), and
 * while it lags the chart's estimates learn the lag as noise (σ̂) and as correlation (φ̂ climbs towards 0.95 and
 * whitens the next step away). Two parts, both driven by the excursion gate (cusum-excursion.ts: Page's sums on the
 * unwhitened residuals confirm an excursion at h and end it when both are back at 0):
 *
 * 1. φ̂ held: while a confirmed excursion lasts, the whitening's moments do not learn (cusum-whitening.ts), so an
 *    offset cannot raise φ̂ — the phase-I principle of Montgomery §10.4 (the AR model is fitted on in-control data).
 * 2. Re-anchor on the excursion's end: the residuals of the confirmed excursion feed a fast and a slow EW mean (σ
 *    units; half-lives H and 4H samples, H = ⌈h/k⌉, the samples the chart needs to sum a 2k shift to h). Once the
 *    excursion has stopped moving — |fast − slow| ≤ k/4 (a ramp of slope s σ/sample keeps them ≈ 4.3·H·s apart),
 *    |fast| ≥ k and both on one side — and the chart's sum on that side is below h/2 (a shift it sees is its to
 *    report), the level is moved by the fast mean, as Page's restart does, without a vote: the lag ends instead of
 *    being absorbed.
 *
 * Allowance for benign weekly returns (weekend level changes that come back): (a) an excursion confirmed within the
 * weekly calendar's tolerance (1/24 period) of a period boundary — where a weekend begins and ends — does not hold φ̂:
 * it is judged as the chart judges it without the anchor, which absorbs part of such a step as correlation; (b) the
 * last re-anchor's size is kept, and a confirmed excursion whose fast mean undoes it (opposite sign, within k of its
 * size) is re-anchored on at once, without waiting for the plateau. Both give way to the chart: it is never held
 * back from a vote, and no re-anchor happens while its sum on the excursion's side is at h/2 or more. (Writing the
 * re-anchors to the weekly step calendar, as restarts are, was measured instead and paged more:
 * docs/anomaly-detection.md.)
 *
 * State: four float32 numbers (16 bytes): the fast and slow means (σ), the last re-anchor (sample units, 0 none) and
 * the excursion's phase (0 none, 1 confirmed, 2 confirmed at a period boundary).
 * @see E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115 (the restart).
 * @see D. C. Montgomery, "Introduction to Statistical Quality Control", §10.4 (phase-I fit of the AR model).
 */
import { InvalidInputError } from '../../errors.ts';
import { atPeriodBoundary } from './step-calendar.ts';

/**
 * The anchor's state in a snapshot: fast and slow EW means (σ), the last re-anchor (sample units, 0 none) and the
 * excursion's phase (0 none, 1 confirmed, 2 confirmed at a period boundary).
 */
export interface ExcursionAnchorState {
  readonly fast: number;
  readonly slow: number;
  readonly last: number;
  readonly phase: number;
}

/** Fast/slow means of a confirmed excursion, the plateau test and the return allowance. */
export class ExcursionAnchor {
  /** [fast, slow, last, phase]: float32, as the state's size says. */
  private readonly m = new Float32Array(4);
  private readonly aFast: number;
  private readonly aSlow: number;

  /**
   * @param k the chart's reference value (σ units, > 0); @param h its decision interval (σ, > 0); @param periodMs
   * the seasonal period (ms; undefined: no boundaries, every confirmed excursion holds φ̂).
   * @throws InvalidInputError for k or h not finite and > 0.
   */
  constructor(
    private readonly k: number,
    h: number,
    private readonly periodMs?: number,
  ) {
    if (!(Number.isFinite(k) && k > 0 && Number.isFinite(h) && h > 0))
      throw new InvalidInputError(`cusum anchor: k and h must be finite and > 0, got ${k}, ${h}`);
    const half = Math.ceil(h / k);
    this.aFast = 1 - Math.pow(0.5, 1 / half);
    this.aSlow = 1 - Math.pow(0.5, 1 / (4 * half));
  }

  /**
   * The gate's confirmation for the sample at `timestampMs` (after the gate's update, before the whitening learns):
   * outside a confirmed excursion the means restart from 0; its first confirmed sample fixes whether it began at a
   * period boundary. Returns whether φ̂ is held (confirmed, not at a boundary).
   */
  begin(confirmed: boolean, timestampMs: number): boolean {
    const m = this.m;
    if (!confirmed) m[0] = m[1] = m[3] = 0;
    else if (m[3] === 0)
      m[3] = this.periodMs !== undefined && atPeriodBoundary(timestampMs, this.periodMs) ? 2 : 1;
    return m[3] === 1;
  }

  /**
   * Adds the sample's standardised residual `z` (σ units, unclipped; non-finite ignored) and returns the shift to
   * re-anchor the level by, in σ units (0: none; only inside a confirmed excursion, see {@link begin}).
   * `chartAt(side)`: the chart's sum is at h/2 or more on that side (1 up, −1 down; it may report that excursion:
   * no re-anchor). `sigma` (sample units, > 0): the current σ̂, to compare with the last re-anchor.
   */
  update(z: number, chartAt: (side: number) => boolean, sigma: number): number {
    const m = this.m;
    if (m[3] === 0 || !Number.isFinite(z)) return 0;
    m[0] = m[0]! + this.aFast * (z - m[0]!);
    m[1] = m[1]! + this.aSlow * (z - m[1]!);
    const fast = m[0]!;
    const slow = m[1]!;
    const side = fast > 0 ? 1 : -1;
    if (!(Math.abs(fast) >= this.k) || chartAt(side)) return 0;
    const last = m[2]! / sigma;
    const undoes = last * fast < 0 && Math.abs(fast + last) <= this.k;
    const plateau = slow * fast > 0 && Math.abs(fast - slow) <= this.k / 4;
    if (!undoes && !plateau) return 0;
    m[0] = m[1] = 0;
    m[2] = fast * sigma;
    return fast;
  }

  /** Approximate bytes of state (four float32). */
  bytes(): number {
    return 16;
  }

  state(): ExcursionAnchorState {
    return { fast: this.m[0]!, slow: this.m[1]!, last: this.m[2]!, phase: this.m[3]! };
  }

  /** Replaces the state. @throws InvalidInputError (naming `who`) for malformed state; nothing changes then. */
  setState(s: unknown, who: string): void {
    const t = s as Partial<Record<keyof ExcursionAnchorState, unknown>> | null;
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const phase = t?.phase;
    if (
      typeof t !== 'object' ||
      t === null ||
      !fin(t.fast) ||
      !fin(t.slow) ||
      !fin(t.last) ||
      !(phase === 0 || phase === 1 || phase === 2)
    )
      throw new InvalidInputError(
        `${who}: cannot restore snapshot: anchor must have finite fast, slow and last and phase 0, 1 or 2`,
      );
    this.m[0] = t.fast;
    this.m[1] = t.slow;
    this.m[2] = t.last;
    this.m[3] = phase;
  }

  /** An anchor with nothing learned (a snapshot without one restores with it). */
  static readonly FRESH: ExcursionAnchorState = Object.freeze({ fast: 0, slow: 0, last: 0, phase: 0 });
}
