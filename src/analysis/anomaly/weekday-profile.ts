/**
 * Weekday offsets of a seasonal baseline (seasonal-baseline.ts `weekly`): the level of each of the 7 periods of a
 * week (d = ⌊t/period⌋ mod 7; a weekday with a daily period) against the level of the days around it, learned
 * from whole-day means of the daily-deseasonalised series — never from the baseline's level or its residuals.
 *
 * Why not from the residuals: a detector built on the baseline re-anchors the level when a sustained shift is
 * signalled (Page's restart), so on a weekly series the first weekend's drop moves the level, the residuals of the
 * rest of the weekend are ≈ 0, and an offset learned from them stays ≈ 0: every weekend boundary was read as a new
 * shift again (measured on the labelled corpus: most false alarms of weekly series, all at a weekend boundary).
 * The mean of a day of y = x − s[b] (the sample less its daily offset) does not depend on where the level was.
 *
 * Method: the classical decomposition of the day means (Makridakis, Wheelwright & Hyndman, "Forecasting: methods
 * and applications", 3rd ed. 1998, ch. 4; Hyndman & Athanasopoulos, FPP3 §3.4) with Tukey's running median of 7
 * in place of the centred moving average (J. W. Tukey, "Exploratory Data Analysis", 1977, ch. 7): when day c ends,
 * the offset estimate of day e = c − 3 is m_e − median(m_{e−3..e+3}) (at least 5 of those 7 days seen). A weekly
 * pattern is periodic in 7, so a centred window of 7 days holds every weekday once and its median is the level of
 * the majority of days; the median of a linear drift is its centre, and a level shift (a step) leaves the median
 * of the days on either side exact (a running median follows steps, a moving average smears them over 7 days; a
 * step inside a window that also holds the weekend still biases it). An estimate counts only when it is an
 * outlier of its window by the Hampel identifier, |m_e − med| > 3·1.4826·MAD (F. R. Hampel, JASA 69 (1974)
 * 383–393; R. K. Pearson, "Outliers in process modeling and identification", IEEE TCST 10 (2002) 55–63) and at
 * least 1 σ of the series (smaller day-level effects move no band), else 0: a random walk's day-to-day wander is
 * not a weekly pattern. The first estimate of a
 * weekday is taken as it is (a pattern seen once is known); later ones are blended with a half-life of
 * `halfLifeWeeks` weeks. Only days whose samples span at least 90 % of the period count (a partial first day's mean
 * is biased by the daily cycle when its profile is not yet known).
 *
 * Measured (a weekly series, daily sine and a −3 σ weekend, CUSUM of the live setting): votes at every weekend
 * boundary before, at the first weekend's only with these offsets, and a +3 σ weekday step is still found. On the
 * labelled corpus, where the weekend also scales the daily amplitude and steps are frequent, it did not lower the
 * false alarms (docs/anomaly-detection.md, "Weekend boundaries"), so no live setting turns it on.
 *
 * Pure; memory: 7 offsets, 7 estimate counts, 7 day means and σ with their period numbers, one open day (≈ 300 B of numbers).
 */
import { InvalidInputError } from '../../errors.ts';

/** Days of a week; the window of the running median. */
const WEEK = 7;
/** Fewest days of a centred window that give an estimate (a 2-day weekend is then still a minority). */
const MIN_WINDOW_DAYS = 5;
/** Fraction of the period a day's samples must span for its mean to count. */
const MIN_DAY_SPAN = 0.9;
/** Hampel identifier: an estimate counts when it exceeds this many robust σ of its window (Hampel 1974). */
const HAMPEL_SIGMA = 3;
/** Smallest weekday effect modelled, in σ of the series. */
const MIN_EFFECT = 1;
/** MAD → σ for Gaussian data. */
const MAD_TO_SIGMA = 1.4826;

/** Stored state of the weekday offsets (arrays of 7; period numbers −1 when none). */
export interface WeekdayProfileState {
  /** Offset per weekday (0 until estimated). */
  readonly offsets: readonly number[];
  /** Estimates blended into each offset (0: not known; the offset is not applied). */
  readonly estimates: readonly number[];
  /** Mean of y of the last 7 whole days, slot = period number mod 7, and the period number each holds. */
  readonly means: readonly number[];
  readonly meanPeriods: readonly number[];
  /** Mean σ of the series over each of those days. */
  readonly sigmas: readonly number[];
  /** The open day: [period number (−1 none), first and last sample time ms, sum of y, count, sum of σ]. */
  readonly open: readonly number[];
}

/** Weekday offsets learned from whole-day means (module comment). */
export class WeekdayProfile {
  private readonly offsets = new Float64Array(WEEK);
  private readonly estimates = new Uint32Array(WEEK);
  private readonly means = new Float64Array(WEEK);
  private readonly meanPeriods = new Float64Array(WEEK).fill(-1);
  private openPeriod = -1;
  private openFirstTs = 0;
  private openLastTs = 0;
  private openSum = 0;
  private openN = 0;
  private openSigma = 0;
  /** Mean σ of the baseline over each whole day (ring as `means`). */
  private readonly sigmas = new Float64Array(WEEK);
  private readonly blend: number;

  /** @param periodMs the period (a day) in ms; @param halfLifeWeeks half-life of later estimates, in weeks (> 0). */
  constructor(
    private readonly periodMs: number,
    halfLifeWeeks: number,
  ) {
    this.blend = 1 - Math.pow(2, -1 / halfLifeWeeks);
  }

  /** The offset of period number `period` (0 while its weekday is not known). */
  offset(period: number): number {
    const d = ((period % WEEK) + WEEK) % WEEK;
    return this.estimates[d]! > 0 ? this.offsets[d]! : 0;
  }

  /**
   * Adds y (the sample less its daily offset, the offsets taken with mean 0) seen at `t` in period number
   * `period`; closes the open day first when `period` is a later one (and estimates the day 3 periods before it).
   */
  add(y: number, sigma: number, t: number, period: number): void {
    if (period !== this.openPeriod) {
      if (period < this.openPeriod) return;
      this.close();
      this.openPeriod = period;
      this.openFirstTs = t;
      this.openSum = 0;
      this.openN = 0;
      this.openSigma = 0;
    }
    this.openSigma += sigma;
    this.openSum += y;
    this.openN++;
    this.openLastTs = t;
  }

  private close(): void {
    const c = this.openPeriod;
    if (c < 0 || this.openN === 0) return;
    if (this.openLastTs - this.openFirstTs < MIN_DAY_SPAN * this.periodMs - 1) return;
    const slot = c % WEEK;
    this.means[slot] = this.openSum / this.openN;
    this.sigmas[slot] = this.openSigma / this.openN;
    this.meanPeriods[slot] = c;
    this.estimate(c - 3, c);
  }

  /** Estimates the offset of day `e` from the day means of the centred window e−3..e+3 (all ≤ `last`). */
  private estimate(e: number, last: number): void {
    const es = ((e % WEEK) + WEEK) % WEEK;
    if (this.meanPeriods[es] !== e) return;
    // Once a day: the window's arrays are allocated here rather than kept in the state.
    const xs = new Float64Array(WEEK);
    const ys = new Float64Array(WEEK);
    let n = 0;
    for (let j = 0; j < WEEK; j++) {
      const p = this.meanPeriods[j]!;
      if (p >= e - 3 && p <= last) {
        xs[n] = p - e;
        ys[n++] = this.means[j]!;
      }
    }
    if (n < MIN_WINDOW_DAYS) return;
    const { residual: dev, mad } = medianResidual(xs, ys, n);
    if (Number.isNaN(dev)) return;
    const floor = Math.max(HAMPEL_SIGMA * MAD_TO_SIGMA * mad, MIN_EFFECT * this.sigmas[es]!);
    const est = Math.abs(dev) > floor ? dev : 0;
    const d = ((e % WEEK) + WEEK) % WEEK;
    if (this.estimates[d] === 0) {
      // A weekday effect that is not an outlier of its first window is not known yet: wait for another week.
      if (est === 0) return;
      this.offsets[d] = est;
    } else this.offsets[d]! += this.blend * (est - this.offsets[d]!);
    if (this.estimates[d]! < 0xffffffff) this.estimates[d]! += 1;
  }

  state(): WeekdayProfileState {
    return {
      offsets: Array.from(this.offsets),
      estimates: Array.from(this.estimates),
      means: Array.from(this.means),
      meanPeriods: Array.from(this.meanPeriods),
      sigmas: Array.from(this.sigmas),
      open: [this.openPeriod, this.openFirstTs, this.openLastTs, this.openSum, this.openN, this.openSigma],
    };
  }

  /** Replaces the state. @throws InvalidInputError (naming `who`) for a malformed state; nothing changes then. */
  setState(s: unknown, who: string): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`${who}: cannot restore weekday offsets: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) return bad('not an object');
    const t = s as Partial<Record<keyof WeekdayProfileState, unknown>>;
    const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const arr = (v: unknown, len: number, ok: (x: unknown) => boolean): v is number[] =>
      Array.isArray(v) && v.length === len && v.every(ok);
    const count = (x: unknown): boolean =>
      Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff;
    const period = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= -1;
    if (!arr(t.offsets, WEEK, fin)) bad('offsets must be 7 finite numbers');
    if (!arr(t.estimates, WEEK, count)) bad('estimates must be 7 counts');
    if (!arr(t.means, WEEK, fin)) bad('means must be 7 finite numbers');
    if (!arr(t.meanPeriods, WEEK, period)) bad('meanPeriods must be 7 integers >= -1');
    if (!arr(t.sigmas, WEEK, (x) => fin(x) && x >= 0)) bad('sigmas must be 7 finite numbers >= 0');
    const o = t.open;
    if (!(arr(o, 6, fin) && period(o[0]) && count(o[4]) && o[5]! >= 0))
      bad('open must be [period, first ms, last ms, sum, count, sum of sigma >= 0]');
    const st = t as WeekdayProfileState;
    this.offsets.set(st.offsets);
    this.estimates.set(st.estimates);
    this.means.set(st.means);
    this.meanPeriods.set(st.meanPeriods);
    this.sigmas.set(st.sigmas);
    const open = st.open;
    this.openPeriod = open[0]!;
    this.openFirstTs = open[1]!;
    this.openLastTs = open[2]!;
    this.openSum = open[3]!;
    this.openN = open[4]!;
    this.openSigma = open[5]!;
  }

  /** Approximate bytes of the state: the open day's 6 numbers and 7 × (offset, count, mean, period, σ). */
  bytes(): number {
    return 48 + WEEK * (8 + 4 + 8 + 8 + 8);
  }
}

/**
 * The residual of the point at x = 0 against the median of the first `n` values ys, and the MAD of all of them
 * around that median.
 */
function medianResidual(xs: Float64Array, ys: Float64Array, n: number): { residual: number; mad: number } {
  const r = new Float64Array(n);
  let at0 = Number.NaN;
  for (let i = 0; i < n; i++) {
    r[i] = ys[i]!;
    if (xs[i] === 0) at0 = ys[i]!;
  }
  const med = median(r, n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(ys[i]! - med);
  return { residual: at0 - med, mad: median(r, n) };
}

/** Median of the first `n` values of `a` (reorders them). */
function median(a: Float64Array, n: number): number {
  const v = a.subarray(0, n).sort();
  return n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}
