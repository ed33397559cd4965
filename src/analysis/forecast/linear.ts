/**
 * Ordinary least squares trend on real timestamps, with prediction intervals for a new observation.
 *
 * Unlike NovaCron's planner (slope over the sample index, assuming 1-minute spacing), x is the sample's own
 * time, so gaps and irregular spacing do not distort the slope. x is measured in days from the mean sample
 * time x̄ (centring keeps Sxx well conditioned for Unix-ms timestamps).
 *
 * Model y = β0 + β1·x + ε, ε iid N(0, σ²). With Sxx = Σ(x − x̄)², Sxy = Σ(x − x̄)(y − ȳ):
 * β̂1 = Sxy/Sxx, β̂0 = ȳ − β̂1·x̄, s² = SSE/(n − 2). The 100(1 − α) % prediction interval for a new
 * observation at x0 is ŷ(x0) ± t_{1−α/2, n−2} · s · √(1 + 1/n + (x0 − x̄)²/Sxx)
 * (Montgomery, Peck & Vining, "Introduction to Linear Regression Analysis", 5th ed., §2.5 "Prediction of new
 * observations"; see also the NIST/SEMATECH e-Handbook of Statistical Methods, ch. 4 "Process Modeling"). The
 * t quantile is computed exactly (see src/math/student-t.ts), not by the normal approximation.
 *
 * Caveat (measured in `npm run bench:forecast`): utilisation residuals are autocorrelated, which violates the
 * iid assumption; the interval is then too narrow at long horizons.
 */
import { InvalidInputError } from '../../errors.ts';
import { studentTQuantile } from '../../math/student-t.ts';
import { checkLevel, checkSeries } from './validate.ts';

/** Milliseconds per day. */
export const DAY_MS = 86_400_000;

/** A fitted OLS line. Times are Unix ms; slope is per day. */
export interface LinearFit {
  readonly n: number;
  /** Mean sample time x̄ (Unix ms); the line is ŷ(t) = meanValue + slopePerDay·(t − meanTimeMs)/DAY_MS. */
  readonly meanTimeMs: number;
  /** ȳ = fitted value at x̄. */
  readonly meanValue: number;
  /** β̂1 in value units per day. */
  readonly slopePerDay: number;
  /** Intercept β̂0 at t = 0 (Unix epoch); reported for completeness, large for real timestamps. */
  readonly interceptAtEpoch: number;
  /** Σ(x − x̄)² with x in days. */
  readonly sxxDays2: number;
  /** Residual standard error s = √(SSE/(n − 2)). */
  readonly residualStdError: number;
  /** n − 2. */
  readonly dof: number;
  /** Coefficient of determination (1 when SSE = 0; 0 when the values are constant). */
  readonly r2: number;
  /** First and last sample time. */
  readonly firstTimeMs: number;
  readonly lastTimeMs: number;
}

/** A point forecast with a prediction interval for a new observation. */
export interface IntervalForecast {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  /** Interval level in (0, 1), e.g. 0.95. */
  readonly level: number;
}

/**
 * Fits y on t by OLS. `timestampsMs` are Unix ms, sorted (non-decreasing, ≥ 2 distinct); needs n ≥ 3 (so
 * that n − 2 ≥ 1).
 * O(n) time, O(1) extra memory.
 * @throws InvalidInputError for unequal lengths, n < 3, non-finite values/timestamps, unsorted timestamps or
 * fewer than 2 distinct timestamps.
 */
export function fitLinear(timestampsMs: ArrayLike<number>, values: ArrayLike<number>): LinearFit {
  checkSeries(timestampsMs, values, 'linear fit');
  const n = values.length;
  if (n < 3) throw new InvalidInputError(`linear fit needs at least 3 samples, got ${n}`);
  // Two passes: means, then centred sums (numerically stable).
  const t0 = timestampsMs[0]!;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += (timestampsMs[i]! - t0) / DAY_MS;
    sy += values[i]!;
  }
  const xbar = sx / n;
  const ybar = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (timestampsMs[i]! - t0) / DAY_MS - xbar;
    const dy = values[i]! - ybar;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) throw new InvalidInputError('linear fit needs at least 2 distinct timestamps');
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = values[i]! - ybar - slope * ((timestampsMs[i]! - t0) / DAY_MS - xbar);
    sse += r * r;
  }
  const meanTimeMs = t0 + xbar * DAY_MS;
  return {
    n,
    meanTimeMs,
    meanValue: ybar,
    slopePerDay: slope,
    interceptAtEpoch: ybar - (slope * meanTimeMs) / DAY_MS,
    sxxDays2: sxx,
    residualStdError: Math.sqrt(sse / (n - 2)),
    dof: n - 2,
    r2: syy > 0 ? Math.max(0, 1 - sse / syy) : 0,
    firstTimeMs: t0,
    lastTimeMs: timestampsMs[n - 1]!,
  };
}

/** ŷ at time `atMs` (Unix ms). */
export function linearMean(fit: LinearFit, atMs: number): number {
  return fit.meanValue + (fit.slopePerDay * (atMs - fit.meanTimeMs)) / DAY_MS;
}

/**
 * Standard error of a new observation at `atMs`: s·√(1 + 1/n + (x0 − x̄)²/Sxx), x in days. It grows with
 * the distance from x̄, so intervals widen with the horizon.
 */
export function linearPredictionStdError(fit: LinearFit, atMs: number): number {
  const dx = (atMs - fit.meanTimeMs) / DAY_MS;
  return fit.residualStdError * Math.sqrt(1 + 1 / fit.n + (dx * dx) / fit.sxxDays2);
}

/**
 * Point forecast and two-sided `level` prediction interval (Student t, n − 2 dof) at time `atMs`.
 * @throws InvalidInputError when level is not in (0, 1) or atMs is not finite.
 */
export function predictLinear(fit: LinearFit, atMs: number, level = 0.95): IntervalForecast {
  checkLevel(level);
  if (!Number.isFinite(atMs)) throw new InvalidInputError(`forecast time must be finite, got ${atMs}`);
  const mean = linearMean(fit, atMs);
  const half = studentTQuantile(0.5 + level / 2, fit.dof) * linearPredictionStdError(fit, atMs);
  return { mean, lower: mean - half, upper: mean + half, level };
}
