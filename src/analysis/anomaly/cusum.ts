/**
 * CUSUM trend detector: Page's cumulative sum on robustly standardised residuals, for slow leaks and small
 * sustained shifts that stay below a point detector's band for a long time.
 * Options, their defaults, h from ARL₀ and their validation are in cusum-options.ts (re-exported here).
 *
 * Method. E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115, in the tabular
 * (two one-sided sums) form of D. C. Montgomery, "Introduction to Statistical Quality Control" (§9.1):
 *
 *   z  = clip((x − μ)/σ, ±clip)                       (robust standardised residual)
 *   S⁺ ← max(0, S⁺ + z − k),   S⁻ ← max(0, S⁻ − z − k)
 *
 * and S ≥ h signals. k is the reference value, half the shift δ = 2k (in σ) the chart is tuned to detect
 * quickest (Page 1954; Lorden 1971 optimality). h is not hand-tuned: it is solved from a target in-control
 * average run length ARL₀ with Siegmund's approximation for Gaussian increments,
 * ARL₀ ≈ (e^{2kb} − 2kb − 1)/(2k²), b = h + 1.166 (D. Siegmund, "Sequential Analysis", Springer 1985, §X.2;
 * Montgomery eq. 9.11). Real residuals are heavier-tailed and autocorrelated, so the true ARL₀ is shorter; the
 * clip bounds what one sample can add (a one-sample blip of any size adds at most clip − k, so it can never
 * reach h alone) and bench:detect measures the false-alarm rate that results.
 *
 * Baseline (what "in control" is): the robust additive Holt-Winters baseline of seasonal-baseline.ts (Huber
 * level and scale with half-life `baselineHalfLife` samples; with `periodMs`, seasonal offsets of `bins` phase
 * bins, so that a daily cycle is not taken for a trend). The half-life is long compared with the shifts the chart
 * should see (a leak must not be learned before it is found). Restart (Page 1954): once S has stayed ≥ h for
 * `restartSamples` samples, the baseline is re-anchored by the mean residual of the current excursion (the
 * samples since S last left 0, an estimate of the shift) and S starts again from 0, so a shift that is real and
 * stays is accepted instead of paging for hours. With `restartInside`, a restart that falls due on a sample back
 * inside the band only restarts the sums: the excursion has ended, so it was a burst, not a new level — moving the
 * baseline by the burst's mean made the next in-control samples an excursion the other way, which paged (a 4-sample
 * 50 σ spike on a clean daily sine: a second anomaly 7 samples later). Not in a seasonal baseline's first period:
 * there the level has to follow the daily cycle it cannot yet tell from an excursion.
 *
 * Autocorrelation: operational residuals are positively autocorrelated, and a CUSUM on correlated increments
 * false-alarms far more often than its ARL₀ says (the sum's variance grows by (1 + φ)/(1 − φ) for AR(1)). The
 * chart therefore runs on whitened residuals u = (z − φ̂·z₋₁)/√(1 − φ̂²), φ̂ ∈ [0, 0.95] the EW lag-1
 * autocorrelation of the clipped residuals — the residual chart of L. C. Alwan & H. V. Roberts, "Time-series
 * modeling for statistical process control", J. Business & Economic Statistics 6 (1988) 87–95 (Montgomery §10.4)
 * with an AR(1) model. A step of δ then moves u by δ·√((1 − φ)/(1 + φ)).
 *
 * Centred autocorrelation (`centred`): by default φ̂ = c₁/c₀ with the moments taken around 0, so a residual that
 * stays off 0 — a slow leak the baseline lags behind — reads as autocorrelation: φ̂ climbs towards 0.95 during the
 * ramp and the whitening shrinks the very excursion the chart should sum (measured on the labelled corpus: φ̂
 * 0.08 → 0.84 over a 9 σ leak on white noise, the leak never found). With `centred` the moments are taken around
 * the residual's own EW mean m̂ (same half-life), r₁ = Σ(z − m̂)(z₋₁ − m̂)/Σ(z − m̂)² — the sample autocorrelation
 * of G. E. P. Box, G. M. Jenkins & G. C. Reinsel, "Time Series Analysis", 4th ed. (2008) §2.1.4 — so φ̂ measures
 * the noise's serial correlation and a persistent offset is left to the sums.
 *
 * Seasonal warm-up gate: with a seasonal baseline the chart judges a sample only once its bin was seen in two
 * earlier periods (during the first period, when no profile exists, against the level); before that its sums stay
 * at 0, since a profile learned in the first period against a still-moving level is biased and a CUSUM would
 * accumulate the bias.
 *
 * Gate: a vote needs S ≥ h **and** the current sample outside the band μ ± bandSigma·σ along the bad direction
 * (default bandSigma = 2k = δ): the detector never pages on a distribution change whose samples stay inside the
 * band it reports. Score s = S/(S + h) (½ at h), capped just below ½ while the gate is closed. S is capped at
 * `maxSumFactor`·h so that it drains within (maxSumFactor − 1)·h/k in-control samples after a shift ends or has
 * been learned. Pure, streaming, O(bins) state.
 */
import { InvalidInputError } from '../../errors.ts';
import type { Severity } from '../../model/dwcp.ts';
import { NOT_JUDGED } from './detector.ts';
import type {
  DetectorContext,
  DetectorSnapshot,
  Expectation,
  PersistentDetector,
  Predictor,
  Verdict,
} from './detector.ts';
import { resolveCusumOptions, type CusumOptions, type ResolvedCusumOptions } from './cusum-options.ts';
import type { SeasonalBaselineState } from './seasonal-baseline-options.ts';
import { RobustSeasonalBaseline } from './seasonal-baseline.ts';

export {
  cusumThreshold,
  DEFAULT_CUSUM_OPTIONS,
  resolveCusumOptions,
  siegmundArl0,
  type CusumOptions,
  type ResolvedCusumOptions,
} from './cusum-options.ts';

const NAME = 'cusum';
/** Verdict while the seasonal profile of the sample's bin is not settled (judged, never anomalous, score 0). */
const WARMING_SEASON: Verdict = Object.freeze({ ...NOT_JUDGED, warmingUp: false });
const VERSION = 1;

/** Learned state in a snapshot. */
export interface CusumSnapshotState {
  readonly baseline: SeasonalBaselineState;
  readonly up: number;
  readonly down: number;
  /** Samples and summed residual (σ) of the current excursion of each sum, and samples at S ≥ h. */
  readonly upRun: number;
  readonly upSum: number;
  readonly downRun: number;
  readonly downSum: number;
  readonly hold: number;
  readonly lastAnomalous: boolean;
  /** Previous clipped residual and the EW second moments behind the lag-1 autocorrelation. */
  readonly prevZ: number;
  readonly c0: number;
  readonly c1: number;
  /** EW mean of the clipped residuals (with `centred`; 0 otherwise; absent in older snapshots). */
  readonly zMean?: number;
}

/** The CUSUM detector with its resolved options and current sums (for explanations and tests). */
export interface CusumDetector extends PersistentDetector, Predictor {
  readonly options: ResolvedCusumOptions;
  /** Current one-sided sums (σ units). */
  sums(): { readonly up: number; readonly down: number };
}

/**
 * Creates a CUSUM detector for one series (method in the module comment). Verdict: `expected` = baseline (the
 * seasonal profile's for the sample's phase when seasonal), band expected ∓ bandSigma·σ, `deviation` = the
 * sample's signed z (unclipped), `score` = S/(S + h) along the bad direction (both: the larger sum), `anomalous` ⇔
 * S ≥ h and the sample outside the band along that direction; severity medium/high/critical at S ≥ h, 1.5h, 2h.
 * The first `warmupSamples` samples and non-finite input return {@link NOT_JUDGED}. State: ~12 numbers + 20 bytes
 * per bin (≈ 1.2 KB with 48 bins).
 * @throws InvalidInputError for invalid options ({@link resolveCusumOptions}).
 */
export function createCusumDetector(
  ctx: DetectorContext = { kind: 'generic' },
  options: Partial<CusumOptions> = {},
): CusumDetector {
  return new CusumImpl(resolveCusumOptions(ctx, options));
}

class CusumImpl implements CusumDetector {
  readonly name = NAME;
  readonly options: ResolvedCusumOptions;
  private readonly base: RobustSeasonalBaseline;
  private readonly dir: number;
  private readonly cap: number;
  private up = 0;
  private down = 0;
  private upRun = 0;
  private upSum = 0;
  private downRun = 0;
  private downSum = 0;
  private hold = 0;
  private lastAnomalous = false;
  /** Previous clipped residual and EW moments for the lag-1 autocorrelation. */
  private prevZ = 0;
  private c0 = 1;
  private c1 = 0;
  /** EW mean of the clipped residuals (`centred`). */
  private zMean = 0;

  constructor(o: ResolvedCusumOptions) {
    this.options = o;
    this.base = new RobustSeasonalBaseline({
      levelHalfLife: o.baselineHalfLife,
      bins: o.periodMs === undefined ? 0 : o.bins,
      ...(o.periodMs !== undefined ? { periodMs: o.periodMs } : {}),
      seasonHalfLifePeriods: o.seasonHalfLifePeriods,
      weekly: o.weekly,
      seasonalScale: o.seasonalScale,
      huber: o.huber,
      warmupSamples: o.warmupSamples,
      relativeSigmaFloor: o.relativeSigmaFloor,
      absoluteSigmaFloor: o.absoluteSigmaFloor,
    });
    this.dir = o.direction === 'up' ? 1 : o.direction === 'down' ? -1 : 0;
    this.cap = o.maxSumFactor * o.h;
  }

  update(value: number, timestampMs: number): Verdict {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return NOT_JUDGED;
    const base = this.base;
    base.at(timestampMs);
    if (!base.mature) {
      base.learn(value, timestampMs);
      return NOT_JUDGED;
    }
    const o = this.options;
    if (!base.settled) {
      // Seasonal warm-up gate: the profile of this bin was not yet learned against a settled level.
      base.learn(value, timestampMs);
      this.up = this.down = this.upRun = this.downRun = this.upSum = this.downSum = this.hold = 0;
      this.lastAnomalous = false;
      return WARMING_SEASON;
    }
    const expected = base.expected;
    const sigma = base.sigma;
    const z = (value - expected) / sigma;
    const zr = z > o.clip ? o.clip : z < -o.clip ? -o.clip : z;
    const phi = this.c1 > 0 ? Math.min(0.95, this.c1 / this.c0) : 0;
    let zc = (zr - phi * this.prevZ) / Math.sqrt(1 - phi * phi);
    zc = zc > o.clip ? o.clip : zc < -o.clip ? -o.clip : zc;
    const wa = 1 / o.baselineHalfLife;
    if (o.centred) {
      // Moments around the residual's own EW mean (Box, Jenkins & Reinsel §2.1.4): an offset is not correlation.
      this.zMean += wa * (zr - this.zMean);
      const d = zr - this.zMean;
      this.c0 += wa * (d * d - this.c0);
      this.c1 += wa * (d * (this.prevZ - this.zMean) - this.c1);
    } else {
      this.c0 += wa * (zr * zr - this.c0);
      this.c1 += wa * (zr * this.prevZ - this.c1);
    }
    this.prevZ = zr;
    const up = this.up + zc - o.k;
    if (up > 0) {
      this.up = up > this.cap ? this.cap : up;
      this.upRun++;
      this.upSum += zr;
    } else {
      this.up = 0;
      this.upRun = 0;
      this.upSum = 0;
    }
    const down = this.down - zc - o.k;
    if (down > 0) {
      this.down = down > this.cap ? this.cap : down;
      this.downRun++;
      this.downSum += zr;
    } else {
      this.down = 0;
      this.downRun = 0;
      this.downSum = 0;
    }
    let s: number;
    let zDir: number;
    let side: number;
    if (this.dir > 0 || (this.dir === 0 && this.up >= this.down)) {
      s = this.up;
      zDir = z;
      side = 1;
    } else {
      s = this.down;
      zDir = -z;
      side = -1;
    }
    const h = o.h;
    const gate = zDir >= o.bandSigma;
    const anomalous = s >= h && gate;
    let score = s / (s + h);
    if (!gate && score >= 0.5) score = 0.4999;
    const severity: Severity = !anomalous
      ? 'low'
      : s >= 2 * h
        ? 'critical'
        : s >= 1.5 * h
          ? 'high'
          : 'medium';
    const verdict: Verdict = {
      anomalous,
      score,
      expected,
      lower: expected - o.bandSigma * sigma,
      upper: expected + o.bandSigma * sigma,
      deviation: z,
      confidence: score,
      severity,
      warmingUp: false,
      resolved: this.lastAnomalous && !anomalous,
    };
    this.lastAnomalous = anomalous;
    base.learn(value, timestampMs);
    // Restart after a held signal: accept the excursion's mean as the new level.
    this.hold = s >= h ? this.hold + 1 : 0;
    if (this.hold >= o.restartSamples) {
      const run = side > 0 ? this.upRun : this.downRun;
      const sum = side > 0 ? this.upSum : this.downSum;
      if (run > 0 && base.seasonKnown && (gate || !o.restartInside || base.firstPeriod))
        base.shift((sum / run) * sigma);
      this.up = this.down = this.upRun = this.downRun = this.upSum = this.downSum = this.hold = 0;
    }
    return verdict;
  }

  sums(): { readonly up: number; readonly down: number } {
    return { up: this.up, down: this.down };
  }

  /** The baseline's expectation with the ±bandSigma·σ band; null while warming up. */
  predict(timestampMs: number): Expectation | null {
    if (!this.base.mature || !Number.isFinite(timestampMs)) return null;
    this.base.at(timestampMs);
    const w = this.options.bandSigma * this.base.sigma;
    return { expected: this.base.expected, lower: this.base.expected - w, upper: this.base.expected + w };
  }

  stateBytes(): number {
    return 128 + this.base.bytes();
  }

  snapshot(): DetectorSnapshot {
    const state: CusumSnapshotState = {
      baseline: this.base.state(),
      up: this.up,
      down: this.down,
      upRun: this.upRun,
      upSum: this.upSum,
      downRun: this.downRun,
      downSum: this.downSum,
      hold: this.hold,
      lastAnomalous: this.lastAnomalous,
      prevZ: this.prevZ,
      c0: this.c0,
      c1: this.c1,
      zMean: this.zMean,
    };
    return { detector: NAME, version: VERSION, state };
  }

  restore(s: DetectorSnapshot): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`cusum detector: cannot restore snapshot: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) bad('not an object');
    if (s.detector !== NAME || s.version !== VERSION)
      bad(`snapshot is for ${String(s.detector)} v${String(s.version)}`);
    const t = s.state as Partial<Record<keyof CusumSnapshotState, unknown>> | null;
    if (typeof t !== 'object' || t === null) return bad('state is not an object');
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    for (const k of ['up', 'down'] as const) {
      const v = t[k];
      if (!(fin(v) && v >= 0 && v <= this.cap)) bad(`${k} must be in [0, ${this.cap}]`);
    }
    for (const k of ['upRun', 'downRun', 'hold'] as const) {
      const v = t[k];
      if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
        bad(`${k} must be a safe integer >= 0`);
    }
    if (!fin(t.upSum) || !fin(t.downSum)) bad('upSum and downSum must be finite');
    if (!fin(t.prevZ) || !fin(t.c1) || !(fin(t.c0) && t.c0 > 0)) bad('prevZ, c0 (> 0) and c1 must be finite');
    if (typeof t.lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
    if (t.zMean !== undefined && !fin(t.zMean)) bad('zMean must be finite');
    const before = this.base.state();
    this.base.setState(t.baseline, 'cusum detector');
    try {
      const st = t as CusumSnapshotState;
      this.up = st.up;
      this.down = st.down;
      this.upRun = st.upRun;
      this.upSum = st.upSum;
      this.downRun = st.downRun;
      this.downSum = st.downSum;
      this.hold = st.hold;
      this.lastAnomalous = st.lastAnomalous;
      this.prevZ = st.prevZ;
      this.c0 = st.c0;
      this.c1 = st.c1;
      this.zMean = st.zMean ?? 0;
    } catch (e) {
      this.base.setState(before, 'cusum detector');
      throw e;
    }
  }
}
