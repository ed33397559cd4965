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
 * Autocorrelation (cusum-whitening.ts): the chart runs on residuals whitened with an AR(1) model, φ̂ the EW lag-1
 * autocorrelation of the clipped residuals (Alwan & Roberts 1988), around 0 or, with `centred`, around their own EW
 * mean (Box, Jenkins & Reinsel §2.1.4), so that a persistent offset is not read as correlation.
 *
 * Drift chart (`drift`, drift-chart.ts): centred sums that vote only while the Mann–Kendall trend of the
 * deseasonalised block means is significant and persists (drift-trend.ts: a ramp passes, a step that stopped moving
 * does not), quiet in a direction already reported until its trend ends; never moves the baseline. With `shiftTest`
 * (block-shift.ts; off: measured, not adopted) it also votes on one shift of its block means.
 *
 * Weekly steps (`weeklySteps`, step-calendar.ts): every restart is written to a calendar; a restart that was undone
 * later (a weekend) and recurs one week later at the same time of week, same sign, mean within 2k σ of the first,
 * is expected: the chart re-anchors on all of it at once without a vote (the drift chart latched that way too).
 * Anything else still votes (docs/anomaly-detection.md, "Weekend boundaries"). With `firstWeekSteps` a first-week
 * excursion that began at a period boundary is re-anchored on without a vote and recorded (step-calendar.ts).
 *
 * Scale chart (`scale`, scale-chart.ts): an upper CUSUM on ln d² of disjoint pairs' residual differences (level
 * errors cancel), k for a doubling of σ, h from `arl0`; it votes only on a sample outside the band (bad direction)
 * and never moves the baseline. With `scaleSigma` the drift chart standardises by the scale chart's level-insensitive
 * σ (scale-chart.ts `noiseSigma`) instead of the baseline's mean absolute residual; measured, off in the live tuning.
 *
 * Excursion hold (`excursionHold`, cusum-excursion.ts): Page's sums on the unwhitened residuals confirm an excursion
 * the whitened chart may not see; while it lasts (or, mode `alarm`, only once the chart voted on it) the baseline's
 * noise scale does not learn, so the excursion does not inflate the σ that should find the next anomaly. With
 * `excursionAnchor` (cusum-anchor.ts) the same gate holds φ̂ while a confirmed excursion lasts and re-anchors the
 * level, without a vote, once the excursion has stopped moving (or undoes the last such re-anchor).
 *
 * Decision interval from the series' own tails (`calibrateH`, cusum-tail.ts): on a count series (every value a
 * non-negative integer) h is raised per side until e^{θ*·(h + 1.166)} — θ* the root of the whitened increments'
 * moment generating function, 2k for Gaussian ones — is the run length `arl0` states. Bursty counts page less.
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
import { RobustSeasonalBaseline } from './seasonal-baseline.ts';
import { DriftChart } from './drift-chart.ts';
import { checkCusumState, type CusumSnapshotState } from './cusum-snapshot.ts';
import { WeeklyStepCalendar } from './step-calendar.ts';
import { IncrementTail } from './cusum-tail.ts';
import { ScaleChart } from './scale-chart.ts';
import { cusumVerdict } from './cusum-verdict.ts';
import { ExcursionGate } from './cusum-excursion.ts';
import { ExcursionAnchor } from './cusum-anchor.ts';
import { CusumWhitening } from './cusum-whitening.ts';

export type { CusumSnapshotState, DriftChartState } from './cusum-snapshot.ts';

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

/** x limited to ±clip. */
const clipped = (x: number, clip: number): number => (x > clip ? clip : x < -clip ? -clip : x);

/** The CUSUM detector with its resolved options and current sums (for explanations and tests). */
export interface CusumDetector extends PersistentDetector, Predictor {
  readonly options: ResolvedCusumOptions;
  /** Current one-sided sums (σ units) and, with `scale`, the scale chart's sum (sd units of ln d²). */
  sums(): { readonly up: number; readonly down: number; readonly scale?: number };
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
  /** The whitening's previous residual and moments (cusum-whitening.ts). */
  private readonly white: CusumWhitening;
  /** Drift chart (`drift`, drift-chart.ts); null without it. */
  private readonly drift: DriftChart | null;
  /** Time each current excursion began (the sample after its sum last left 0), and the weekly step calendar. */
  private upStartTs = 0;
  private downStartTs = 0;
  /** Unclipped summed residual (σ) of each current excursion: the step's size for the weekly calendar. */
  private upRaw = 0;
  private downRaw = 0;
  private readonly steps: WeeklyStepCalendar | null;
  /** Decision intervals from the residuals' own tails (`calibrateH`, cusum-tail.ts). */
  private readonly tail: IncrementTail | null;
  /** Scale chart (`scale`, scale-chart.ts); null without it. */
  private readonly scale: ScaleChart | null;
  /** Excursion gate (`excursionHold`, cusum-excursion.ts); null without it. */
  private readonly gate: ExcursionGate | null;
  /** Excursion anchor (`excursionAnchor`, cusum-anchor.ts); null without it. */
  private readonly anchor: ExcursionAnchor | null;

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
    this.tail = o.calibrateH ? IncrementTail.forChart(o) : null;
    this.cap = o.maxSumFactor * (this.tail?.maxH() ?? o.h);
    this.drift = o.drift ? new DriftChart(o) : null;
    this.scale = o.scale ? new ScaleChart(o.arl0, o.baselineHalfLife, o.clip, 1) : null;
    this.gate = ExcursionGate.forChart(o);
    this.anchor = o.excursionAnchor ? new ExcursionAnchor(o.k, o.h, o.periodMs) : null;
    this.white = new CusumWhitening(o.centred, o.baselineHalfLife);
    this.steps =
      o.weeklySteps && o.periodMs !== undefined ? new WeeklyStepCalendar(o.periodMs, o.firstWeekSteps) : null;
  }

  update(value: number, timestampMs: number): Verdict {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return NOT_JUDGED;
    const base = this.base;
    base.at(timestampMs);
    base.holdScale = false;
    if (!base.mature) {
      base.learn(value, timestampMs);
      return NOT_JUDGED;
    }
    const o = this.options;
    if (!base.settled) {
      // Seasonal warm-up gate: the profile of this bin was not yet learned against a settled level.
      base.learn(value, timestampMs);
      this.up = this.down = this.upRun = this.downRun = this.upSum = this.downSum = this.hold = 0;
      this.upRaw = this.downRaw = 0;
      this.lastAnomalous = false;
      return WARMING_SEASON;
    }
    if (!base.firstPeriod) this.steps?.judged(timestampMs);
    const expected = base.expected;
    const sigma = base.sigma;
    const z = (value - expected) / sigma;
    const zr = z > o.clip ? o.clip : z < -o.clip ? -o.clip : z;
    // Excursion hold: the noise scale does not learn the samples of a confirmed excursion (cusum-excursion.ts).
    this.gate?.update(z);
    const zc = this.white.whiten(zr, o.clip);
    const zPrev = this.white.prevZ;
    // With the anchor, φ̂ does not learn a confirmed excursion (cusum-anchor.ts).
    this.white.learn(zr, this.anchor?.begin(this.gate!.confirmed, timestampMs) ?? false);
    const inControl = this.up === 0 && this.down === 0;
    const hUp = this.hOf(1);
    const hDown = this.hOf(-1);
    const up = this.up + zc - o.k;
    if (up > 0) {
      if (this.upRun === 0) this.upStartTs = timestampMs;
      this.up = Math.min(up, o.maxSumFactor * hUp);
      this.upRun++;
      this.upSum += zr;
      this.upRaw += z;
    } else {
      this.up = 0;
      this.upRun = 0;
      this.upSum = this.upRaw = 0;
    }
    const down = this.down - zc - o.k;
    if (down > 0) {
      if (this.downRun === 0) this.downStartTs = timestampMs;
      this.down = Math.min(down, o.maxSumFactor * hDown);
      this.downRun++;
      this.downSum += zr;
      this.downRaw += z;
    } else {
      this.down = 0;
      this.downRun = 0;
      this.downSum = this.downRaw = 0;
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
    let h = side > 0 ? hUp : hDown;
    let gate = zDir >= o.bandSigma;
    let anomalous = s >= h && gate;
    // A step the weekly calendar expects (step-calendar.ts) is re-anchored on at once, without a vote.
    const expectedStep = anomalous && this.expectedStep(side, sigma);
    if (expectedStep) anomalous = gate = false;
    let bandWidth = sigma;
    const mainSide = side;
    const mainSum = s;
    const mainGate = gate;
    const drift = this.drift;
    if (drift !== null) {
      // An excursion the main chart reports is reported: the drift chart does not page on it again.
      if (anomalous || expectedStep) {
        drift.latched = side;
        drift.reportShift(side);
      }
      // With `scaleSigma` the drift chart judges its residuals against the scale chart's level-insensitive σ.
      const sd = this.driftSigma(expected, sigma);
      const r = sigma / sd;
      const zd = z * r;
      const dev = value - (expected - base.currentLevel);
      const d = drift.vote(clipped(zd, o.clip), clipped(zPrev * r, o.clip), zd, dev, this.hOfSide, sd);
      if (d !== 0 && !anomalous) {
        // The drift chart's vote: its sum (the shift test's |Z|) and band stand for the verdict.
        s = drift.shiftVoted ? Math.abs(drift.shiftZ) : d > 0 ? drift.up : drift.down;
        h = drift.shiftVoted ? drift.shiftThreshold : d > 0 ? hUp : hDown;
        bandWidth = sd;
        gate = true;
        anomalous = true;
      }
    }
    const scale = this.scale;
    // Disjoint pairs of samples (scale-chart.ts), unclipped residuals: one difference every other sample.
    let scaleSignal = false;
    if (scale !== null) {
      if (base.count % 2 === 0) scaleSignal = scale.update(z, sigma, true);
      else {
        scale.pairStart(z);
        scaleSignal = scale.signalling;
      }
    }
    if (scale !== null && scaleSignal && !anomalous) {
      // The scale chart's vote, on a sample outside the band along a bad direction only.
      const zs = z >= 0 ? 1 : -1;
      if ((this.dir === 0 || this.dir === zs) && zs * z >= o.bandSigma) {
        s = scale.sum;
        h = scale.h;
        gate = true;
        anomalous = true;
      }
    }
    const verdict = cusumVerdict({
      sum: s,
      h,
      gate,
      anomalous,
      expected,
      halfBand: o.bandSigma * bandWidth,
      deviation: z,
      wasAnomalous: this.lastAnomalous,
    });
    this.lastAnomalous = anomalous;
    // A vote inside a confirmed excursion opens its alarm (mode `alarm`); the scale then does not learn it.
    base.holdScale = this.gate?.verdict(anomalous) ?? false;
    this.tail?.add(value, zc, inControl);
    base.learn(value, timestampMs);
    // Restart after a held signal: accept the excursion's mean as the new level.
    this.hold = mainSum >= (mainSide > 0 ? hUp : hDown) ? this.hold + 1 : 0;
    if (expectedStep || this.hold >= o.restartSamples) {
      const run = mainSide > 0 ? this.upRun : this.downRun;
      const sum = mainSide > 0 ? this.upSum : this.downSum;
      if (run > 0 && base.seasonKnown && (expectedStep || mainGate || !o.restartInside || base.firstPeriod)) {
        // The calendar keeps the step's unclipped size; an expected step is re-anchored on by all of it.
        const raw = ((mainSide > 0 ? this.upRaw : this.downRaw) / run) * sigma;
        this.steps?.record(mainSide > 0 ? this.upStartTs : this.downStartTs, raw, base.deseasonalisedLevel);
        base.shift(expectedStep ? raw : (sum / run) * sigma);
      }
      this.restartSums();
    } else if (this.anchor !== null) {
      // The level re-anchored on an excursion the chart does not report, once it stopped moving (cusum-anchor.ts).
      const at = (sd: number): boolean => (sd > 0 ? this.up >= hUp / 2 : this.down >= hDown / 2);
      const d = this.anchor.update(z, at, sigma);
      if (d !== 0 && base.seasonKnown) {
        base.shift(d * sigma);
        this.restartSums();
      }
    }
    this.steps?.observe(timestampMs, base.deseasonalisedLevel);
    return verdict;
  }

  /** The sums, their runs and the excursion gate start again from 0 (a restart or a re-anchor). */
  private restartSums(): void {
    this.up = this.down = this.upRun = this.downRun = this.upSum = this.downSum = this.hold = 0;
    this.upRaw = this.downRaw = 0;
    this.gate?.reset();
  }

  /** The drift chart's σ (sample units): with `scaleSigma` the scale chart's, at or above the floors, once it has one. */
  private driftSigma(expected: number, baseSigma: number): number {
    const v = this.options.scaleSigma ? this.scale!.noiseSigma(this.drift!.phi) : Number.NaN;
    if (!(v >= 0)) return baseSigma;
    const o = this.options;
    return Math.max(v, o.relativeSigmaFloor * Math.abs(expected), o.absoluteSigmaFloor);
  }

  /** Decision interval of the upper (`side` 1) or lower sum: h, or the tail-calibrated one (`calibrateH`). */
  private hOf(side: number): number {
    return this.tail?.interval(side) ?? this.options.h;
  }

  /** {@link hOf} bound to this chart (the drift chart's decision intervals). */
  private readonly hOfSide = (side: number): number => this.hOf(side);

  /** Whether the excursion on `side` repeats a weekly step (within 2k σ) or is a first-week boundary step. */
  private expectedStep(side: number, sigma: number): boolean {
    if (this.steps === null) return false;
    const run = side > 0 ? this.upRun : this.downRun;
    if (run === 0) return false;
    const mean = ((side > 0 ? this.upRaw : this.downRaw) / run) * sigma;
    const start = side > 0 ? this.upStartTs : this.downStartTs;
    if (this.steps.expects(start, mean, this.options.bandSigma * sigma)) return true;
    return this.options.firstWeekSteps && this.steps.unseenBoundary(start);
  }

  sums(): { readonly up: number; readonly down: number; readonly scale?: number } {
    return this.scale === null
      ? { up: this.up, down: this.down }
      : { up: this.up, down: this.down, scale: this.scale.sum };
  }

  /** The baseline's expectation with the ±bandSigma·σ band; null while warming up. */
  predict(timestampMs: number): Expectation | null {
    if (!this.base.mature || !Number.isFinite(timestampMs)) return null;
    this.base.at(timestampMs);
    const w = this.options.bandSigma * this.base.sigma;
    return { expected: this.base.expected, lower: this.base.expected - w, upper: this.base.expected + w };
  }

  stateBytes(): number {
    return (
      160 +
      this.base.bytes() +
      (this.drift !== null ? this.drift.bytes() : 0) +
      (this.steps !== null ? this.steps.bytes() : 0) +
      (this.tail !== null ? this.tail.bytes() : 0) +
      (this.scale !== null ? this.scale.bytes() : 0) +
      (this.gate !== null ? this.gate.bytes() : 0) +
      (this.anchor !== null ? this.anchor.bytes() : 0)
    );
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
      prevZ: this.white.prevZ,
      c0: this.white.c0,
      c1: this.white.c1,
      zMean: this.white.zMean,
      upStartTs: this.upStartTs,
      downStartTs: this.downStartTs,
      upRaw: this.upRaw,
      downRaw: this.downRaw,
      ...(this.steps !== null ? { steps: this.steps.state() } : {}),
      ...(this.tail !== null ? { tail: this.tail.state() } : {}),
      ...(this.drift !== null ? { drift: this.drift.state() } : {}),
      ...(this.scale !== null ? { scale: this.scale.state() } : {}),
      ...(this.gate !== null ? { excursion: this.gate.state() } : {}),
      ...(this.anchor !== null ? { anchor: this.anchor.state() } : {}),
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
    const st = checkCusumState(s.state, this.cap, this.drift !== null);
    const before = this.base.state();
    const driftBefore = this.drift?.state();
    const stepsBefore = this.steps?.state();
    const tailBefore = this.tail?.state();
    const scaleBefore = this.scale?.state();
    const gateBefore = this.gate?.state();
    const anchorBefore = this.anchor?.state();
    this.base.setState(st.baseline, 'cusum detector');
    try {
      this.steps?.setState(st.steps ?? { steps: [] }, 'cusum detector');
      if (st.tail !== undefined) this.tail?.setState(st.tail, 'cusum detector');
      // An older snapshot (no scale chart) restores with a fresh one, which learns again before it judges.
      this.scale?.setState(st.scale ?? ScaleChart.FRESH, 'cusum detector');
      this.gate?.setState(st.excursion ?? ExcursionGate.FRESH, 'cusum detector');
      this.anchor?.setState(st.anchor ?? ExcursionAnchor.FRESH, 'cusum detector');
      this.up = st.up;
      this.down = st.down;
      this.upRun = st.upRun;
      this.upSum = st.upSum;
      this.downRun = st.downRun;
      this.downSum = st.downSum;
      this.hold = st.hold;
      this.lastAnomalous = st.lastAnomalous;
      this.white.prevZ = st.prevZ;
      this.white.c0 = st.c0;
      this.white.c1 = st.c1;
      this.white.zMean = st.zMean ?? 0;
      this.upStartTs = st.upStartTs ?? 0;
      this.downStartTs = st.downStartTs ?? 0;
      this.upRaw = st.upRaw ?? this.upSum;
      this.downRaw = st.downRaw ?? this.downSum;
      if (this.drift !== null && st.drift !== undefined) this.drift.setState(st.drift);
    } catch (e) {
      this.base.setState(before, 'cusum detector');
      if (driftBefore !== undefined) this.drift!.setState(driftBefore);
      if (stepsBefore !== undefined) this.steps!.setState(stepsBefore, 'cusum detector');
      if (tailBefore !== undefined) this.tail!.setState(tailBefore, 'cusum detector');
      if (scaleBefore !== undefined) this.scale!.setState(scaleBefore, 'cusum detector');
      if (gateBefore !== undefined) this.gate!.setState(gateBefore, 'cusum detector');
      if (anchorBefore !== undefined) this.anchor!.setState(anchorBefore, 'cusum detector');
      throw e;
    }
  }
}
