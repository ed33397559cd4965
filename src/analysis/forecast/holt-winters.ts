/**
 * Additive Holt-Winters (triple exponential smoothing) on a regularly spaced series, with prediction
 * intervals. Pure, no I/O. Irregular series: resample first (resample.ts).
 *
 * Component form (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" (FPP3), §8.3), season
 * length m, k = ⌊(h − 1)/m⌋:
 *   ℓ_t = α(y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + b_{t−1})
 *   b_t = β*(ℓ_t − ℓ_{t−1}) + (1 − β*)b_{t−1}
 *   s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1 − γ)s_{t−m}
 *   ŷ_{t+h|t} = ℓ_t + h·b_t + s_{t+h−m(k+1)}
 * with 0 ≤ α ≤ 1, 0 ≤ β* ≤ 1, 0 ≤ γ ≤ 1 − α (FPP3 §8.3). This is ETS(A,A,A) with β = αβ* (FPP3 §8.5).
 *
 * Initialisation (classical, from the first two seasons; cf. FPP3 §8.6 / Hyndman et al. 2008 §2.6.1):
 * A_j = mean of season j (j = 1, 2); b_0 = (A_2 − A_1)/m; the state before y_0 is ℓ = A_1 − b_0·(m + 1)/2,
 * b = b_0, and s_i = ½ Σ_{j=1,2} (y_{(j−1)m+i} − A_j − b_0·(i − (m − 1)/2)) for i = 0..m−1 (detrended seasonal
 * deviations, which sum to 0).
 *
 * Parameters: given, or fitted by minimising the in-sample one-step SSE: a 16-point grid, then Nelder-Mead
 * (bounded iterations) on logistic-transformed (α, β*, γ/(1 − α)), which keeps every trial inside the bounds.
 *
 * Intervals: the analytic ETS(A,A,A) forecast variance (FPP3 §8.7, Table 8.8; Hyndman, Koehler, Ord & Snyder,
 * "Forecasting with Exponential Smoothing", 2008, Table 6.1, class 1):
 *   σ_h² = σ²[1 + (h − 1){α² + αβh + β²h(2h − 1)/6} + γk{2α + γ + βm(k + 1)}],
 * with σ² = SSE/(n − 3) of the one-step errors and normal quantiles (Gaussian innovations assumed).
 */
import { InvalidInputError } from '../../errors.ts';
import type { IntervalForecast } from './linear.ts';
import { nelderMead } from './nelder-mead.ts';
import { normalQuantile } from '../../math/normal.ts';
import { checkLevel } from './validate.ts';

/** Largest season length accepted (one week of 1-minute samples). */
export const MAX_SEASON_LENGTH = 10_080;
/** Largest forecast horizon in steps (bounds loops over h). */
export const MAX_HORIZON_STEPS = 1_000_000;
/** Default Nelder-Mead iteration bound. */
export const DEFAULT_HW_ITERATIONS = 150;

/** Smoothing parameters; `beta` is β* of the component form (ETS β = α·β*). */
export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

/** Options of {@link fitHoltWinters}. */
export interface HoltWintersOptions {
  /** Season length m in samples, integer ≥ 2. */
  readonly seasonLength: number;
  /** Fixed parameters; when omitted they are fitted (all three together). */
  readonly params?: HoltWintersParams;
  /** Nelder-Mead iteration bound (default {@link DEFAULT_HW_ITERATIONS}, ≤ 10 000). */
  readonly maxIterations?: number;
  /**
   * false = no trend component, ETS(A,N,A): b ≡ 0 (initial trend 0, β* = 0; only α and γ are fitted). Use it on
   * detrended data, e.g. residuals from an OLS trend. Default true.
   */
  readonly trend?: boolean;
}

/** Level, trend and the last m seasonal states. */
export interface HoltWintersState {
  readonly level: number;
  readonly trend: number;
  /** season[i] is the latest seasonal state of phase i, where phase = (time index) mod m. */
  readonly season: Float64Array;
}

/** A fitted model: final state after the last observation (index n − 1). */
export interface HoltWintersFit extends HoltWintersState {
  readonly seasonLength: number;
  readonly params: HoltWintersParams;
  /** Number of observations. */
  readonly n: number;
  /** Sum of squared one-step errors over all n observations. */
  readonly sse: number;
  /** σ = √(SSE/(n − 3)). */
  readonly sigma: number;
  /** One-step fitted values ŷ_{t|t−1}, t = 0..n−1 (for residual diagnostics). */
  readonly fitted: Float64Array;
  /** Nelder-Mead iterations used (0 for fixed parameters). */
  readonly iterations: number;
}

function checkParams(p: HoltWintersParams): void {
  const ok = (v: number): boolean => Number.isFinite(v) && v >= 0 && v <= 1;
  if (!ok(p.alpha) || !ok(p.beta) || !ok(p.gamma) || p.gamma > 1 - p.alpha + 1e-12) {
    throw new InvalidInputError(
      `Holt-Winters needs 0 ≤ α, β* ≤ 1 and 0 ≤ γ ≤ 1 − α, got α=${p.alpha}, β*=${p.beta}, γ=${p.gamma}`,
    );
  }
}

function checkInput(values: ArrayLike<number>, m: number): void {
  if (!Number.isInteger(m) || m < 2 || m > MAX_SEASON_LENGTH) {
    throw new InvalidInputError(
      `Holt-Winters season length must be an integer in [2, ${MAX_SEASON_LENGTH}], got ${m}`,
    );
  }
  if (values.length < 2 * m)
    throw new InvalidInputError(
      `Holt-Winters needs at least 2 seasons (${2 * m} samples), got ${values.length}`,
    );
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new InvalidInputError(`Holt-Winters: value ${i} is not finite (${values[i]})`);
  }
}

/**
 * The initial state (before y_0) from the first two seasons, as described in the module comment.
 * @throws InvalidInputError when m is not an integer in [2, {@link MAX_SEASON_LENGTH}], fewer than 2m values,
 * or a non-finite value.
 */
export function holtWintersInitialState(values: ArrayLike<number>, seasonLength: number): HoltWintersState {
  const m = seasonLength;
  checkInput(values, m);
  let a1 = 0;
  let a2 = 0;
  for (let i = 0; i < m; i++) {
    a1 += values[i]!;
    a2 += values[m + i]!;
  }
  a1 /= m;
  a2 /= m;
  const b0 = (a2 - a1) / m;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const drift = b0 * (i - (m - 1) / 2);
    season[i] = (values[i]! - a1 - drift + (values[m + i]! - a2 - drift)) / 2;
  }
  return { level: a1 - (b0 * (m + 1)) / 2, trend: b0, season };
}

/**
 * Runs the recursions over `values` from `init` with fixed parameters. Returns the final state, the one-step
 * SSE and (when `fitted` is given, length ≥ n) the one-step forecasts. O(n) time, O(m) memory.
 */
export function runHoltWinters(
  values: ArrayLike<number>,
  seasonLength: number,
  params: HoltWintersParams,
  init: HoltWintersState,
  fitted?: Float64Array,
): HoltWintersState & { sse: number } {
  const m = seasonLength;
  const { alpha, beta, gamma } = params;
  const season = Float64Array.from(init.season);
  let level = init.level;
  let trend = init.trend;
  let sse = 0;
  for (let t = 0; t < values.length; t++) {
    const y = values[t]!;
    const phase = t % m;
    const sOld = season[phase]!;
    const yhat = level + trend + sOld;
    if (fitted) fitted[t] = yhat;
    const e = y - yhat;
    sse += e * e;
    const prevLevel = level;
    level = alpha * (y - sOld) + (1 - alpha) * (prevLevel + trend);
    season[phase] = gamma * (y - prevLevel - trend) + (1 - gamma) * sOld;
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
  }
  return { level, trend, season, sse };
}

const logistic = (u: number): number => 1 / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log(p / (1 - p));
const toParams = (u: readonly number[]): HoltWintersParams => {
  const alpha = logistic(u[0]!);
  return { alpha, beta: logistic(u[1]!), gamma: (1 - alpha) * logistic(u[2]!) };
};

/**
 * Fits additive Holt-Winters to a regularly spaced series (≥ 2 seasons). O(n·evaluations) time (≤ ~16 +
 * 5·maxIterations SSE passes), O(n + m) memory.
 * @throws InvalidInputError for a bad season length, fewer than 2m values, non-finite values, parameters out
 * of bounds, or a bad iteration bound.
 */
export function fitHoltWinters(values: ArrayLike<number>, options: HoltWintersOptions): HoltWintersFit {
  const m = options.seasonLength;
  const withTrend = options.trend ?? true;
  const init0 = holtWintersInitialState(values, m);
  const init = withTrend
    ? init0
    : { level: init0.level + (init0.trend * (m + 1)) / 2, trend: 0, season: init0.season };
  const n = values.length;
  let params: HoltWintersParams;
  let iterations = 0;
  if (options.params) {
    checkParams(options.params);
    if (!withTrend && options.params.beta !== 0)
      throw new InvalidInputError('Holt-Winters without trend needs β* = 0');
    params = options.params;
  } else {
    const maxIterations = options.maxIterations ?? DEFAULT_HW_ITERATIONS;
    const map = (u: readonly number[]): HoltWintersParams =>
      withTrend ? toParams(u) : { ...toParams(u), beta: 0 };
    const sseOf = (u: readonly number[]): number => runHoltWinters(values, m, map(u), init).sse;
    let best: number[] = [0, 0, 0];
    let bestSse = Infinity;
    for (const a of [0.05, 0.2, 0.5, 0.8]) {
      for (const b of [0.01, 0.1]) {
        for (const g of [0.05, 0.3]) {
          const u = [logit(a), logit(b), logit(g)];
          const s = sseOf(u);
          if (s < bestSse) {
            bestSse = s;
            best = u;
          }
        }
      }
    }
    const nm = nelderMead(sseOf, best, { step: 1, maxIterations, tolerance: 1e-10 });
    params = nm.fx <= bestSse ? map(nm.x) : map(best);
    iterations = nm.iterations;
  }
  const fitted = new Float64Array(n);
  const run = runHoltWinters(values, m, params, init, fitted);
  return {
    seasonLength: m,
    params,
    n,
    level: run.level,
    trend: run.trend,
    season: run.season,
    sse: run.sse,
    sigma: Math.sqrt(run.sse / Math.max(1, n - 3)),
    fitted,
    iterations,
  };
}

/**
 * The ETS(A,A,A) variance multiplier σ_h²/σ² at horizon h ≥ 1 (module comment; β = αβ*).
 * @throws InvalidInputError for h not an integer in [1, {@link MAX_HORIZON_STEPS}].
 */
export function holtWintersVarianceFactor(
  params: HoltWintersParams,
  seasonLength: number,
  h: number,
): number {
  if (!Number.isInteger(h) || h < 1 || h > MAX_HORIZON_STEPS) {
    throw new InvalidInputError(
      `forecast horizon must be an integer in [1, ${MAX_HORIZON_STEPS}] steps, got ${h}`,
    );
  }
  const a = params.alpha;
  const b = params.alpha * params.beta;
  const g = params.gamma;
  const m = seasonLength;
  const k = Math.floor((h - 1) / m);
  return (
    1 + (h - 1) * (a * a + a * b * h + (b * b * h * (2 * h - 1)) / 6) + g * k * (2 * a + g + b * m * (k + 1))
  );
}

/** Point forecast ŷ_{n−1+h|n−1}, h ≥ 1 steps after the last observation. */
export function holtWintersMean(fit: HoltWintersFit, h: number): number {
  return fit.level + h * fit.trend + fit.season[(fit.n - 1 + h) % fit.seasonLength]!;
}

/**
 * Point forecast and `level` prediction interval h steps after the last observation (ETS(A,A,A) variance,
 * normal quantile).
 * @throws InvalidInputError for a bad h or level.
 */
export function forecastHoltWinters(fit: HoltWintersFit, h: number, level = 0.95): IntervalForecast {
  checkLevel(level);
  const v = holtWintersVarianceFactor(fit.params, fit.seasonLength, h);
  const mean = holtWintersMean(fit, h);
  const half = normalQuantile(0.5 + level / 2) * fit.sigma * Math.sqrt(v);
  return { mean, lower: mean - half, upper: mean + half, level };
}
