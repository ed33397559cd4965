/**
 * Capacity planning from a utilisation series: 30/60/90-day forecasts with prediction intervals, days to the
 * warning (80 %), critical (90 %) and full (100 %) levels, a scale-out recommendation and a node estimate.
 * Pure: (series, options, now) → result; no clocks, no I/O.
 *
 * Evidence gates (a forecast over 30–90 days from minutes of data is noise extrapolated):
 * - at least `minPoints` samples (default 100) spanning at least `minHistoryMs` (default 1 day: one full daily
 *   cycle, so a trend is not a piece of the cycle) — otherwise `insufficient-data` saying what is missing;
 * - the trend is used only when its `level` confidence interval, widened for autocorrelated residuals
 *   (trend-test.ts, Santer et al. 2000), excludes zero; otherwise the plan forecasts the level (slope 0) and says
 *   the trend is not significant;
 * - forecasts, bounds and the current value stay in the resource's physical range [0, `maxPct`] (100 % of
 *   capacity by default; the catalog's range of a percent unit); `full` is `maxPct`.
 *
 * Successor of NovaCron's planner (capacity_planner.go, see docs/capacity-forecasting.md), which fitted OLS over
 * the sample index assuming 1-minute spacing, returned nil below 100 points and had no intervals. Here:
 * - Model `linear`: OLS on the real timestamps (linear.ts), t prediction intervals.
 * - Model `seasonal` (when the data spans ≥ 2 seasons; default season 1 day, step 1 hour): the same OLS trend
 *   plus additive Holt-Winters without trend, ETS(A,N,A) (holt-winters.ts), on the OLS residuals resampled to
 *   the fixed grid (resample.ts). Mean = trend(t) + HW(h); variance = OLS mean variance s²(1/n + Δx²/Sxx) +
 *   ETS(A,N,A) forecast variance. Why not Holt-Winters' own trend: its local slope, extrapolated over 90 days,
 *   gave −171 % and +1 200 % on NAB CPU series (measured); the global OLS slope is what the original planned
 *   with, and HW adds the daily cycle and the level's drift. `result.model` says which model was used.
 * - Days to a threshold, measured from the reference time `max(now, last sample)`, on a grid of `stepMs`
 *   (linear interpolation between grid points):
 *     `expected`     = earliest time the point forecast reaches the threshold;
 *     `conservative` = earliest time the UPPER bound of the `level` prediction interval reaches it
 *                      (what the recommendation uses — plan for the plausible bad case);
 *     `optimistic`   = earliest time the LOWER bound reaches it.
 *   `null` = not reached within `maxDays`. The bounds are for a single future observation (sample), so with
 *   noisy data the conservative day can be 0 although the mean is far below the threshold: spikes already reach it.
 * - Recommendation from the conservative days to critical: < 30 scale out now, < 60 within a month, < 90 next
 *   quarter; else `adequate` if the growth is > 0, `no-growth` otherwise (the original's five tiers).
 * - Nodes to add (as the original): ⌈(F90 − current)/100 × nodes⌉ with F90 the 90-day forecast (mean, lower and
 *   upper bound), current = the model's fitted value at the reference time, clamped at ≥ 0.
 */
import { InvalidInputError } from '../../errors.ts';
import type { HoltWintersParams } from './holt-winters.ts';
import { fitHoltWinters } from './holt-winters.ts';
import { DAY_MS, fitLinear, linearMean } from './linear.ts';
import { crossing, linearProjector, seasonalProjector, type Point, type Projector } from './projection.ts';
import { resampleFixedStep } from './resample.ts';
import { levelFit, trendSignificance, type TrendSignificance } from './trend-test.ts';
import { checkLevel, checkSeries } from './validate.ts';
import { DEFAULT_CAPACITY_EVIDENCE } from '../../model/insight-settings.ts';
import { formatDuration } from '../../model/duration.ts';

/** Forecast horizons in days. */
export const CAPACITY_HORIZON_DAYS = [30, 60, 90] as const;
/** Defaults of {@link CapacityOptions}. */
export const CAPACITY_DEFAULTS = {
  warningPct: 80,
  criticalPct: 90,
  minPoints: DEFAULT_CAPACITY_EVIDENCE.minPoints,
  minHistoryMs: DEFAULT_CAPACITY_EVIDENCE.minHistoryMs,
  maxPct: 100,
  seasonMs: DAY_MS,
  stepMs: 3_600_000,
  level: 0.95,
  maxDays: 365,
  maxGridPoints: 100_000,
} as const;

/** Which model to use; `auto` picks `seasonal` with ≥ 2 seasons of data, else `linear`. */
export type CapacityModelChoice = 'auto' | 'linear' | 'seasonal';

/** Options of {@link planCapacity}; every field is optional (see {@link CAPACITY_DEFAULTS}). */
export interface CapacityOptions {
  /** When given (> 0), values are raw usage and utilisation = value/capacity × 100; else values are % already. */
  readonly capacity?: number;
  /** Current node count (positive integer) for the scale-out estimate; without it `scaleOut` is null. */
  readonly nodes?: number;
  readonly warningPct?: number;
  readonly criticalPct?: number;
  /** Fewer samples than this → `insufficient-data` (default 100, as the original). */
  readonly minPoints?: number;
  /** Shorter history (first to last sample) than this → `insufficient-data` (default 1 day). */
  readonly minHistoryMs?: number;
  /** Physical maximum of the utilisation, % (default 100); forecasts and bounds are clamped to [0, maxPct]. */
  readonly maxPct?: number;
  /** Season length in ms (default 1 day); must be a multiple of `stepMs`. */
  readonly seasonMs?: number;
  /** Grid step for the seasonal model and the threshold scan, ms (default 1 hour). */
  readonly stepMs?: number;
  /** Prediction-interval level in (0, 1) (default 0.95). */
  readonly level?: number;
  /** Days scanned for threshold crossings (default 365, at most 3650). */
  readonly maxDays?: number;
  readonly model?: CapacityModelChoice;
  /** Bound on the seasonal model's grid (default 100 000 points; older data is dropped). */
  readonly maxGridPoints?: number;
}

/** Utilisation series: Unix-ms timestamps (sorted (non-decreasing)) and values (≥ 0). */
export interface CapacitySeries {
  readonly timestampsMs: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** A forecast at `days` after the reference time, in %. */
export interface HorizonForecast {
  readonly days: number;
  readonly atMs: number;
  /** Point forecast, clamped to [0, maxPct] (utilisation can be neither negative nor above capacity). */
  readonly mean: number;
  /** Lower bound of the `level` prediction interval, clamped to [0, maxPct]. */
  readonly lower: number;
  /** Upper bound, clamped to [0, maxPct]. */
  readonly upper: number;
}

/** Days from the reference time until a threshold is reached; null = not within `maxDays`. */
export interface ThresholdCrossing {
  readonly thresholdPct: number;
  readonly expected: number | null;
  readonly conservative: number | null;
  readonly optimistic: number | null;
}

export type CapacityAction =
  'scale-out-now' | 'scale-out-within-month' | 'scale-out-next-quarter' | 'adequate' | 'no-growth';

export interface CapacityRecommendation {
  readonly action: CapacityAction;
  readonly message: string;
  /** The conservative days to critical the action is based on (null = not within maxDays). */
  readonly basedOnDays: number | null;
}

/** Result when there is too little data; never null. `reason` says what is missing. */
export interface InsufficientCapacityData {
  readonly status: 'insufficient-data';
  readonly points: number;
  readonly requiredPoints: number;
  /** First to last sample, ms. */
  readonly spanMs: number;
  readonly requiredSpanMs: number;
  readonly reason: string;
}

/** Fields of every capacity plan. Percentages are utilisation in % of capacity. */
interface CapacityPlanBase {
  readonly status: 'ok';
  readonly modelReason: string;
  readonly level: number;
  /** max(now, last sample), Unix ms: the origin of `days`. */
  readonly referenceMs: number;
  readonly points: number;
  readonly spanDays: number;
  /** Last observed utilisation, %. */
  readonly lastPct: number;
  /** Model value at the reference time, %. */
  readonly currentPct: number;
  /** Trend the forecasts use, % per day: the OLS slope when significant, else 0. */
  readonly growthPctPerDay: number;
  /** The OLS slope's confidence interval (autocorrelation-corrected) and whether it excludes zero. */
  readonly trend: TrendSignificance;
  readonly forecasts: readonly HorizonForecast[];
  readonly warning: ThresholdCrossing;
  readonly critical: ThresholdCrossing;
  readonly full: ThresholdCrossing;
  readonly recommendation: CapacityRecommendation;
  /** Additional nodes from the 90-day forecast (mean / lower / upper), or null without `options.nodes`. */
  readonly scaleOut: {
    readonly nodes: number;
    readonly expected: number;
    readonly low: number;
    readonly high: number;
  } | null;
  /** The OLS trend (every model starts from it). */
  readonly linear: {
    readonly slopePctPerDay: number;
    readonly residualStdError: number;
    readonly r2: number;
  };
}

/** Holt-Winters fit on the residuals of the OLS trend (seasonal model). */
export interface HoltWintersFitSummary {
  readonly params: HoltWintersParams;
  readonly sigma: number;
  readonly seasonLength: number;
  readonly stepMs: number;
}

/** A capacity plan, discriminated by `model`: the OLS trend alone, or with Holt-Winters on its residuals. */
export type CapacityPlan =
  | (CapacityPlanBase & { readonly model: 'linear' })
  | (CapacityPlanBase & { readonly model: 'seasonal'; readonly holtWinters: HoltWintersFitSummary });

function recommend(days: number | null, trend: TrendSignificance): CapacityRecommendation {
  const why = trend.significant ? '' : ` (no significant trend: ${trendText(trend)}; the level is forecast)`;
  if (days !== null && days < 30)
    return {
      action: 'scale-out-now',
      message: `URGENT: scale out now (critical level within 30 days)${why}`,
      basedOnDays: days,
    };
  if (days !== null && days < 60)
    return {
      action: 'scale-out-within-month',
      message: `WARNING: plan a scale-out within the next month${why}`,
      basedOnDays: days,
    };
  if (days !== null && days < 90)
    return {
      action: 'scale-out-next-quarter',
      message: `NOTICE: plan a scale-out for the next quarter${why}`,
      basedOnDays: days,
    };
  if (trend.significant && trend.slopePerDay > 0)
    return {
      action: 'adequate',
      message: 'Monitor: capacity adequate for the next 90 days',
      basedOnDays: days,
    };
  if (trend.significant)
    return { action: 'no-growth', message: 'No action needed: utilisation is falling', basedOnDays: days };
  return { action: 'no-growth', message: `No action needed: no significant growth${why}`, basedOnDays: days };
}

/** `the 95 % interval of the trend [-1.2, 3.4] %/day includes 0`. */
function trendText(t: TrendSignificance): string {
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));
  return `the ${Math.round(t.level * 100)} % interval of the trend [${f(t.lowerPerDay)}, ${f(t.upperPerDay)}] %/day includes 0`;
}

function checkOptions(o: CapacityOptions): void {
  const pos = (v: number | undefined, name: string): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new InvalidInputError(`capacity option ${name} must be a finite number > 0, got ${v}`);
  };
  pos(o.capacity, 'capacity');
  pos(o.seasonMs, 'seasonMs');
  pos(o.stepMs, 'stepMs');
  pos(o.warningPct, 'warningPct');
  pos(o.criticalPct, 'criticalPct');
  if (o.nodes !== undefined && !(Number.isInteger(o.nodes) && o.nodes > 0))
    throw new InvalidInputError(`nodes must be a positive integer, got ${o.nodes}`);
  if (o.minPoints !== undefined && !(Number.isInteger(o.minPoints) && o.minPoints >= 3)) {
    throw new InvalidInputError(`minPoints must be an integer ≥ 3, got ${o.minPoints}`);
  }
  if (o.minHistoryMs !== undefined && !(Number.isFinite(o.minHistoryMs) && o.minHistoryMs >= 0)) {
    throw new InvalidInputError(`minHistoryMs must be a duration ≥ 0 ms, got ${o.minHistoryMs}`);
  }
  pos(o.maxPct, 'maxPct');
  if (o.maxDays !== undefined && !(Number.isFinite(o.maxDays) && o.maxDays >= 90 && o.maxDays <= 3650)) {
    throw new InvalidInputError(`maxDays must be in [90, 3650], got ${o.maxDays}`);
  }
  if (o.level !== undefined) checkLevel(o.level);
  if (o.model !== undefined && o.model !== 'auto' && o.model !== 'linear' && o.model !== 'seasonal') {
    throw new InvalidInputError(`model must be auto, linear or seasonal, got ${String(o.model)}`);
  }
}

/** `ms` as duration text in whole seconds below an hour, whole minutes above (`28s`, `3h25m`, `1d`). */
function span(ms: number): string {
  const unit = ms < 3_600_000 ? 1000 : 60_000;
  return formatDuration(Math.round(ms / unit) * unit);
}

/**
 * Plans capacity for one utilisation series. `nowMs` is the caller's clock (Unix ms).
 * Work: O(n) for the fit (Holt-Winters: O(grid·evaluations), grid ≤ maxGridPoints) plus O(maxDays·day/stepMs)
 * for the scans (8 760 points by default); memory O(n + grid + scan points).
 * @returns an {@link InsufficientCapacityData} (not null) below `minPoints` samples or `minHistoryMs` of
 * history, or when `model: 'seasonal'` is forced with less than 2 seasons; else a {@link CapacityPlan}.
 * @throws InvalidInputError for NaN/infinite values, negative utilisation, unsorted timestamps,
 * unequal lengths, capacity ≤ 0, a non-finite `nowMs`, warning ≥ critical, a season that is not a multiple of
 * the step, and other bad options.
 */
export function planCapacity(
  series: CapacitySeries,
  options: CapacityOptions,
  nowMs: number,
): CapacityPlan | InsufficientCapacityData {
  checkOptions(options);
  if (!Number.isFinite(nowMs)) throw new InvalidInputError(`now must be finite Unix ms, got ${nowMs}`);
  const d = CAPACITY_DEFAULTS;
  const warningPct = options.warningPct ?? d.warningPct;
  const criticalPct = options.criticalPct ?? d.criticalPct;
  const maxPct = options.maxPct ?? d.maxPct;
  if (!(warningPct < criticalPct))
    throw new InvalidInputError(`warningPct (${warningPct}) must be below criticalPct (${criticalPct})`);
  if (!(criticalPct <= maxPct))
    throw new InvalidInputError(`criticalPct (${criticalPct}) must not exceed maxPct (${maxPct})`);
  const stepMs = options.stepMs ?? d.stepMs;
  const seasonMs = options.seasonMs ?? d.seasonMs;
  const m = seasonMs / stepMs;
  if (!Number.isInteger(m) || m < 2)
    throw new InvalidInputError(
      `seasonMs (${seasonMs}) must be an integer multiple ≥ 2 of stepMs (${stepMs})`,
    );
  const level = options.level ?? d.level;
  const maxDays = options.maxDays ?? d.maxDays;
  const minPoints = options.minPoints ?? d.minPoints;
  const minHistoryMs = options.minHistoryMs ?? d.minHistoryMs;
  const choice = options.model ?? 'auto';
  const { timestampsMs } = series;
  checkSeries(timestampsMs, series.values, 'capacity series');
  const n = series.values.length;
  const scale = options.capacity === undefined ? 1 : 100 / options.capacity;
  const pct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = series.values[i]! * scale;
    if (v < 0)
      throw new InvalidInputError(
        `capacity series: utilisation must be ≥ 0, value ${i} is ${series.values[i]}`,
      );
    pct[i] = v;
  }
  const spanMs = n === 0 ? 0 : timestampsMs[n - 1]! - timestampsMs[0]!;
  const lacking: string[] = [];
  if (n < minPoints) lacking.push(`${n} samples; at least ${minPoints} needed`);
  if (spanMs < minHistoryMs)
    lacking.push(`${span(spanMs)} of history; at least ${span(minHistoryMs)} needed`);
  if (lacking.length > 0) {
    return {
      status: 'insufficient-data',
      points: n,
      requiredPoints: minPoints,
      spanMs,
      requiredSpanMs: minHistoryMs,
      reason: lacking.join('; '),
    };
  }
  const last = timestampsMs[n - 1]!;
  const refMs = Math.max(nowMs, last);
  const seasonal = spanMs >= 2 * seasonMs;
  if (choice === 'seasonal' && !seasonal) {
    return {
      status: 'insufficient-data',
      points: n,
      requiredPoints: minPoints,
      spanMs,
      requiredSpanMs: 2 * seasonMs,
      reason: `Holt-Winters needs 2 seasons (${(2 * seasonMs) / DAY_MS} days) of data; the series spans ${(spanMs / DAY_MS).toFixed(2)} days`,
    };
  }
  const useSeasonal = choice === 'seasonal' || (choice === 'auto' && seasonal);
  const scanPoints = Math.ceil((maxDays * DAY_MS) / stepMs) + 1;
  let projector: Projector;
  let modelReason: string;
  let extra:
    | { readonly model: 'linear' }
    | { readonly model: 'seasonal'; readonly holtWinters: HoltWintersFitSummary };
  const ols = fitLinear(timestampsMs, pct);
  const trend = trendSignificance(ols, timestampsMs, pct, level);
  // Without a significant trend the level is forecast: extrapolating an insignificant slope over 90 days is noise.
  const lin = trend.significant ? ols : levelFit(ols, pct);
  const growth = lin.slopePerDay;
  const linearInfo = { slopePctPerDay: ols.slopePerDay, residualStdError: ols.residualStdError, r2: ols.r2 };
  if (useSeasonal) {
    const resid = new Float64Array(n);
    for (let i = 0; i < n; i++) resid[i] = pct[i]! - linearMean(lin, timestampsMs[i]!);
    const grid = resampleFixedStep(timestampsMs, resid, {
      stepMs,
      maxPoints: options.maxGridPoints ?? d.maxGridPoints,
    });
    const fit = fitHoltWinters(grid.values, { seasonLength: m, trend: false });
    const lastGridMs = grid.startMs + (grid.values.length - 1) * stepMs;
    projector = seasonalProjector(lin, fit, lastGridMs, refMs, stepMs, level);
    modelReason =
      choice === 'auto' ? `auto: data spans ≥ 2 seasons (${(spanMs / DAY_MS).toFixed(1)} days)` : 'requested';
    extra = {
      model: 'seasonal',
      holtWinters: { params: fit.params, sigma: fit.sigma, seasonLength: m, stepMs },
    };
  } else {
    projector = linearProjector(lin, refMs, stepMs, level);
    modelReason =
      choice === 'auto'
        ? `auto: less than 2 seasons of data (${(spanMs / DAY_MS).toFixed(2)} days)`
        : 'requested';
    extra = { model: 'linear' };
  }
  const bound = (v: number): number => Math.min(maxPct, Math.max(0, v));
  const bounded = (p: Point): Point => ({
    tMs: p.tMs,
    mean: bound(p.mean),
    lower: bound(p.lower),
    upper: bound(p.upper),
  });
  const points: Point[] = new Array<Point>(scanPoints);
  for (let k = 0; k < scanPoints; k++) points[k] = bounded(projector.at(k));
  const cross = (thr: number): ThresholdCrossing => ({
    thresholdPct: thr,
    expected: crossing(points, (p) => p.mean, thr, refMs),
    conservative: crossing(points, (p) => p.upper, thr, refMs),
    optimistic: crossing(points, (p) => p.lower, thr, refMs),
  });
  const forecasts = CAPACITY_HORIZON_DAYS.map((days): HorizonForecast => {
    const p = bounded(projector.atTime(refMs + days * DAY_MS));
    return { days, atMs: p.tMs, mean: p.mean, lower: p.lower, upper: p.upper };
  });
  const current = bound(projector.atTime(refMs).mean);
  const critical = cross(criticalPct);
  const f90 = forecasts[2]!;
  const nodes = options.nodes;
  const add = (f: number): number =>
    nodes === undefined ? 0 : Math.max(0, Math.ceil(((f - current) / 100) * nodes - 1e-9));
  return {
    status: 'ok',
    modelReason,
    level,
    referenceMs: refMs,
    points: n,
    spanDays: spanMs / DAY_MS,
    lastPct: pct[n - 1]!,
    currentPct: current,
    growthPctPerDay: growth,
    trend,
    forecasts,
    warning: cross(warningPct),
    critical,
    full: cross(maxPct),
    recommendation: recommend(critical.conservative, trend),
    scaleOut:
      nodes === undefined
        ? null
        : { nodes, expected: add(f90.mean), low: add(f90.lower), high: add(f90.upper) },
    linear: linearInfo,
    ...extra,
  };
}
