/**
 * Is a fitted OLS trend real? The confidence interval of the slope, widened for autocorrelated residuals, and
 * whether it excludes zero. Pure, no I/O.
 *
 * Utilisation samples taken seconds or minutes apart are strongly autocorrelated, so the OLS standard error of the
 * slope (which assumes independent residuals) is far too small and almost any wiggle reads as a "significant"
 * trend. The correction of Santer et al. (2000) replaces n by the effective sample size
 * n_e = n (1 − r₁)/(1 + r₁), r₁ the lag-1 autocorrelation of the residuals (in time order), in the residual
 * variance and the t quantile: s_e² = SSE/(n_e − 2), SE(b) = s_e/√Sxx, interval b ± t_{(1+level)/2, n_e−2}·SE(b).
 * With n_e ≤ 3 there is not enough independent information and the trend is not significant. An exact line
 * (residuals at rounding level) has an exact slope.
 *
 * @see B. D. Santer et al., "Statistical significance of trends and trend differences in layer-average
 *   atmospheric temperature time series", J. Geophys. Res. 105 (D6), 7337–7356 (2000), eq. 3–6.
 * @see D. S. Wilks, "Statistical Methods in the Atmospheric Sciences", 3rd ed. (2011), §5.2.4 (variance
 *   inflation for serially correlated data).
 */
import { studentTQuantile } from '../../math/student-t.ts';
import { linearMean, type LinearFit } from './linear.ts';
import { checkLevel } from './validate.ts';

/** The slope's confidence interval (value units per day) and what it rests on. */
export interface TrendSignificance {
  readonly slopePerDay: number;
  readonly lowerPerDay: number;
  readonly upperPerDay: number;
  readonly level: number;
  /** True when the interval excludes zero. */
  readonly significant: boolean;
  /** Lag-1 autocorrelation of the residuals (0 when undefined). */
  readonly lag1Autocorrelation: number;
  /** n (1 − r₁)/(1 + r₁), at most n. */
  readonly effectiveSamples: number;
}

/**
 * Tests the slope of `fit` (fitted on `timestampsMs`, `values`) at `level` (see the module comment).
 * @throws InvalidInputError for a level outside (0, 1).
 */
export function trendSignificance(
  fit: LinearFit,
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  level: number,
): TrendSignificance {
  checkLevel(level);
  const n = values.length;
  let sse = 0;
  let syy = 0;
  let lagProd = 0;
  let prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const r = values[i]! - linearMean(fit, timestampsMs[i]!);
    sse += r * r;
    syy += (values[i]! - fit.meanValue) ** 2;
    if (i > 0) lagProd += r * prev;
    prev = r;
  }
  // An exact line (residuals are rounding error only): their autocorrelation means nothing; the slope is exact.
  if (sse <= 1e-20 * syy) {
    const significant = fit.slopePerDay !== 0;
    return {
      slopePerDay: fit.slopePerDay,
      lowerPerDay: fit.slopePerDay,
      upperPerDay: fit.slopePerDay,
      level,
      significant,
      lag1Autocorrelation: 0,
      effectiveSamples: n,
    };
  }
  const r1 = sse > 0 ? Math.max(-1, Math.min(1, lagProd / sse)) : 0;
  // Negative autocorrelation would inflate n_e beyond n; the correction is only ever allowed to shrink it.
  const nEff = r1 > 0 ? (n * (1 - r1)) / (1 + r1) : n;
  const base = { slopePerDay: fit.slopePerDay, level, lag1Autocorrelation: r1, effectiveSamples: nEff };
  if (!(nEff > 3) || !(fit.sxxDays2 > 0)) {
    return {
      ...base,
      lowerPerDay: Number.NEGATIVE_INFINITY,
      upperPerDay: Number.POSITIVE_INFINITY,
      significant: false,
    };
  }
  const se = Math.sqrt(sse / (nEff - 2)) / Math.sqrt(fit.sxxDays2);
  const half = studentTQuantile(0.5 + level / 2, nEff - 2) * se;
  const lowerPerDay = fit.slopePerDay - half;
  const upperPerDay = fit.slopePerDay + half;
  return { ...base, lowerPerDay, upperPerDay, significant: lowerPerDay > 0 || upperPerDay < 0 };
}

/**
 * The level model used when the trend is not significant: the same data as `fit`, slope 0, the mean as the level,
 * s² = Σ(y − ȳ)²/(n − 1) and no slope uncertainty (Sxx = ∞), so prediction intervals are ȳ ± t·s·√(1 + 1/n).
 */
export function levelFit(fit: LinearFit, values: ArrayLike<number>): LinearFit {
  const n = values.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - fit.meanValue) ** 2;
  return {
    ...fit,
    slopePerDay: 0,
    interceptAtEpoch: fit.meanValue,
    sxxDays2: Number.POSITIVE_INFINITY,
    residualStdError: Math.sqrt(ss / (n - 1)),
    dof: n - 1,
    r2: 0,
  };
}
