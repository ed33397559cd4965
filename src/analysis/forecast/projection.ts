/**
 * Projections of a fitted capacity model onto a time grid, and threshold crossings on them (capacity.ts). Pure.
 * - linear: OLS mean ± t quantile × prediction standard error (linear.ts);
 * - seasonal: OLS trend + Holt-Winters ETS(A,N,A) on its residuals, variance = trend-mean variance
 *   s²(1/n + Δx²/Sxx) + the ETS(A,N,A) forecast variance (holt-winters.ts).
 */
import { normalQuantile } from '../../math/normal.ts';
import { studentTQuantile } from '../../math/student-t.ts';
import { holtWintersMean, holtWintersVarianceFactor, type HoltWintersFit } from './holt-winters.ts';
import { DAY_MS, linearMean, linearPredictionStdError, type LinearFit } from './linear.ts';

/** A projected value with its prediction interval at `tMs`. */
export interface Point {
  readonly tMs: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

/** A model reduced to "value and interval at grid index k" for the scans. */
export interface Projector {
  /** Grid point k ≥ 0 (k = 0 at or just after the reference time). */
  at(k: number): Point;
  /** Point at (or nearest grid point to) a time ≥ reference. */
  atTime(tMs: number): Point;
  readonly stepMs: number;
}

/** Projector of an OLS fit with t prediction intervals at `level`; grid origin `refMs`. */
export function linearProjector(fit: LinearFit, refMs: number, stepMs: number, level: number): Projector {
  const q = studentTQuantile(0.5 + level / 2, fit.dof);
  const atTime = (tMs: number): Point => {
    const mean = linearMean(fit, tMs);
    const half = q * linearPredictionStdError(fit, tMs);
    return { tMs, mean, lower: mean - half, upper: mean + half };
  };
  return { at: (k) => atTime(refMs + k * stepMs), atTime, stepMs };
}

/** Projector of an OLS trend plus Holt-Winters on its residuals, normal intervals at `level`. */
export function seasonalProjector(
  lin: LinearFit,
  fit: HoltWintersFit,
  lastGridMs: number,
  refMs: number,
  stepMs: number,
  level: number,
): Projector {
  const z = normalQuantile(0.5 + level / 2);
  const h0 = Math.max(0, Math.ceil((refMs - lastGridMs) / stepMs - 1e-9));
  /** h = 0 is the smoothed state at the last grid point (variance factor 1, i.e. one sample's noise). */
  const atStep = (h: number): Point => {
    const tMs = lastGridMs + h * stepMs;
    const mean = linearMean(lin, tMs) + holtWintersMean(fit, h);
    // Trend-mean variance s²(1/n + (x0 − x̄)²/Sxx) (the "1 +" term is the residual noise, which the seasonal
    // model's own σ² covers) plus the ETS(A,N,A) forecast variance of the residual series.
    const dx = (tMs - lin.meanTimeMs) / DAY_MS;
    const trendVar = lin.residualStdError ** 2 * (1 / lin.n + (dx * dx) / lin.sxxDays2);
    const hwVar = fit.sigma ** 2 * (h === 0 ? 1 : holtWintersVarianceFactor(fit.params, fit.seasonLength, h));
    const half = z * Math.sqrt(trendVar + hwVar);
    return { tMs, mean, lower: mean - half, upper: mean + half };
  };
  return {
    at: (k) => atStep(h0 + k),
    atTime: (tMs) => atStep(Math.max(0, Math.round((tMs - lastGridMs) / stepMs))),
    stepMs,
  };
}

/** Earliest time (days after ref) the chosen curve reaches `thr`, interpolated between grid points. */
export function crossing(
  points: readonly Point[],
  pick: (p: Point) => number,
  thr: number,
  refMs: number,
): number | null {
  for (let k = 0; k < points.length; k++) {
    const v = pick(points[k]!);
    if (v >= thr) {
      if (k === 0) return Math.max(0, (points[0]!.tMs - refMs) / DAY_MS);
      const prev = points[k - 1]!;
      const pv = pick(prev);
      const frac = (thr - pv) / (v - pv);
      const t = prev.tMs + frac * (points[k]!.tMs - prev.tMs);
      return Math.max(0, (t - refMs) / DAY_MS);
    }
  }
  return null;
}
