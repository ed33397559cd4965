/**
 * Options and learned state of the robust seasonal baseline (seasonal-baseline.ts): their types, and the checks
 * that options and a stored state are valid before the baseline uses them. Pure: no clocks, no I/O.
 */
import { InvalidInputError } from '../../errors.ts';
import type { WeekdayProfileState } from './weekday-profile.ts';

/** Options of the robust seasonal baseline (`RobustSeasonalBaseline`, seasonal-baseline.ts). */
export interface SeasonalBaselineOptions {
  /** Half-life of the level and scale in samples (≥ 2). */
  readonly levelHalfLife: number;
  /** Phase bins per period (0 = no seasonality; ≤ 64). */
  readonly bins: number;
  /** Period in ms (integer in [1000, 1e11]); required when bins > 0. */
  readonly periodMs?: number;
  /** Half-life of the seasonal offsets in periods (> 0); of the weekday offsets in weeks. */
  readonly seasonHalfLifePeriods: number;
  /** Add day-of-week offsets (needs bins > 0). */
  readonly weekly?: boolean;
  /** Judge each settled bin at max(σ, its own σ) (heteroscedastic seasonality; needs bins > 0). Default false. */
  readonly seasonalScale?: boolean;
  /**
   * With `seasonalScale`: each bin visit contributes its residuals' spread around the visit's own mean (the noise
   * in that hour) instead of their mean absolute value (the noise plus the level's error in that hour). Default false.
   */
  readonly seasonalSpread?: boolean;
  /** Huber clip in σ (> 0). */
  readonly huber: number;
  /** Samples averaged before the baseline is mature (≥ 2). */
  readonly warmupSamples: number;
  readonly relativeSigmaFloor: number;
  readonly absoluteSigmaFloor: number;
}

/** Largest number of bins. */
export const MAX_BASELINE_BINS = 64;

/** Learned state of a baseline (JSON-safe). */
export interface SeasonalBaselineState {
  readonly n: number;
  readonly level: number;
  readonly absDev: number;
  /** Samples learned in bins with history, and their mean absolute residual. */
  readonly nKnown: number;
  readonly absDevKnown: number;
  readonly stepMs: number;
  readonly lastTs: number;
  readonly firstTs: number;
  readonly offsets: readonly number[];
  /** Mean absolute residual per bin (the seasonal scale); absent in snapshots from before it existed. */
  readonly binAbsDev?: readonly number[];
  /**
   * The bin visit being averaged for the seasonal scale: [bin, period, sum of |residual|, count] and, since the
   * visit's spread is kept (`seasonalSpread`), [..., sum of residuals, sum of squares]; absent as binAbsDev.
   */
  readonly visit?: readonly number[];
  readonly visits: readonly number[];
  readonly lastCycle: readonly number[];
  /**
   * Weekday offsets learned from the residuals (states written before they were learned from day means; ignored on
   * restore, the offsets are learned again).
   */
  readonly dayOffsets?: readonly number[];
  readonly dayVisits?: readonly number[];
  readonly dayLastWeek?: readonly number[];
  /** Weekday offsets learned from day means (weekday-profile.ts; with `weekly`). */
  readonly week?: WeekdayProfileState;
  /**
   * Whether the first period's bin means were normalised into level and offsets, and the samples of the current
   * first-period bin visit: [done 0/1, count]. Absent in snapshots from before the classical initialisation
   * (restored as done: such a baseline learned its first period the earlier way).
   */
  readonly init?: readonly number[];
}

/**
 * Validates baseline options. @throws InvalidInputError naming `who` for any value out of its range.
 */
export function validateBaselineOptions(o: SeasonalBaselineOptions, who: string): void {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`${who}: ${msg}`);
  };
  if (!(Number.isFinite(o.levelHalfLife) && o.levelHalfLife >= 2))
    bad(`levelHalfLife must be finite and >= 2, got ${o.levelHalfLife}`);
  if (!(Number.isInteger(o.bins) && o.bins >= 0 && o.bins <= MAX_BASELINE_BINS))
    bad(`bins must be an integer in [0, ${MAX_BASELINE_BINS}], got ${o.bins}`);
  if (
    o.bins > 0 &&
    !(o.periodMs !== undefined && Number.isInteger(o.periodMs) && o.periodMs >= 1000 && o.periodMs <= 1e11)
  ) {
    bad(`periodMs must be an integer in [1000, 1e11] when bins > 0, got ${String(o.periodMs)}`);
  }
  if (!(Number.isFinite(o.seasonHalfLifePeriods) && o.seasonHalfLifePeriods > 0))
    bad(`seasonHalfLifePeriods must be finite and > 0, got ${o.seasonHalfLifePeriods}`);
  if (!(o.huber > 0)) bad(`huber must be > 0, got ${o.huber}`);
  if (!(Number.isInteger(o.warmupSamples) && o.warmupSamples >= 2 && o.warmupSamples <= 1e6))
    bad(`warmupSamples must be an integer in [2, 1e6], got ${o.warmupSamples}`);
  if (!(Number.isFinite(o.relativeSigmaFloor) && o.relativeSigmaFloor >= 0))
    bad('relativeSigmaFloor must be finite and >= 0');
  if (!(Number.isFinite(o.absoluteSigmaFloor) && o.absoluteSigmaFloor > 0))
    bad('absoluteSigmaFloor must be finite and > 0');
}

/**
 * Checks a stored baseline state against a baseline of `B` bins (the weekday offsets are checked by
 * weekday-profile.ts).
 * @returns the state, typed. @throws InvalidInputError (naming `who`) for a malformed state.
 */
export function checkBaselineState(s: unknown, who: string, B: number): SeasonalBaselineState {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`${who}: cannot restore baseline: ${msg}`);
  };
  if (typeof s !== 'object' || s === null) return bad('not an object');
  const t = s as Partial<Record<keyof SeasonalBaselineState, unknown>>;
  const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!(typeof t.n === 'number' && Number.isSafeInteger(t.n) && t.n >= 0))
    bad('n must be a safe integer >= 0');
  if (!fin(t.level)) bad('level must be finite');
  if (!(fin(t.absDev) && t.absDev >= 0)) bad('absDev must be finite and >= 0');
  if (!(typeof t.nKnown === 'number' && Number.isSafeInteger(t.nKnown) && t.nKnown >= 0))
    bad('nKnown must be a safe integer >= 0');
  if (!(fin(t.absDevKnown) && t.absDevKnown >= 0)) bad('absDevKnown must be finite and >= 0');
  if (!(fin(t.stepMs) && t.stepMs >= 0)) bad('stepMs must be finite and >= 0');
  if (!fin(t.lastTs)) bad('lastTs must be finite');
  if (!fin(t.firstTs)) bad('firstTs must be finite');
  const arr = (v: unknown, ok: (x: unknown) => boolean): boolean =>
    Array.isArray(v) && v.length === B && v.every(ok);
  if (!arr(t.offsets, fin)) bad(`offsets must be ${B} finite numbers`);
  if (t.binAbsDev !== undefined && !arr(t.binAbsDev, (x) => fin(x) && x >= 0))
    bad(`binAbsDev must be ${B} finite numbers >= 0`);
  const vs = t.visit;
  if (vs !== undefined) {
    const [vb, , vsum, vn] = Array.isArray(vs) ? (vs as unknown[]) : [];
    const ok =
      Array.isArray(vs) &&
      (vs.length === 4 || (vs.length === 6 && (vs[5] as number) >= 0)) &&
      vs.every(fin) &&
      Number.isInteger(vb) &&
      (vb as number) >= -1 &&
      (vb as number) < B &&
      (vsum as number) >= 0 &&
      Number.isInteger(vn) &&
      (vn as number) >= 0;
    if (!ok) bad('visit must be [bin, period, sum >= 0, count >= 0] or that and [signed sum, squares >= 0]');
  }
  if (!arr(t.visits, (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff))
    bad(`visits must be ${B} counts`);
  if (!arr(t.lastCycle, fin)) bad(`lastCycle must be ${B} finite numbers`);
  const ini = t.init;
  if (
    ini !== undefined &&
    !(
      Array.isArray(ini) &&
      ini.length === 2 &&
      (ini[0] === 0 || ini[0] === 1) &&
      Number.isSafeInteger(ini[1]) &&
      (ini[1] as number) >= 0
    )
  ) {
    bad('init must be [0 or 1, count >= 0]');
  }
  return t as SeasonalBaselineState;
}
