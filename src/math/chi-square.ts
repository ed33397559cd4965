/**
 * The χ² distribution's quantile (used for the acceptance threshold of the relative-entropy detector). Pure.
 *
 * @see E. B. Wilson & M. M. Hilferty, "The distribution of chi-square", PNAS 17 (1931) 684–688 (start value).
 * @see M. Abramowitz & I. A. Stegun, "Handbook of Mathematical Functions" (1964), 26.4.19 (χ² CDF as P(k/2, x/2)).
 */
import { InvalidInputError } from '../errors.ts';
import { logGamma, regularizedGamma } from './gamma.ts';
import { normalQuantile } from './normal.ts';

/**
 * The p-quantile of the χ² distribution with `dof` degrees of freedom: the x with P(dof/2, x/2) = p, e.g.
 * χ²₀.₉₉(4) = 13.2767…, χ²₀.₉₅(1) = 3.8415….
 *
 * Method: start from the Wilson–Hilferty cube-root normal approximation, then safeguarded Newton steps on the
 * regularized gamma function (the derivative is the χ² density), falling back to bisection inside a maintained
 * bracket; for p > ½ the equation is solved on the upper tail Q = 1 − p so that quantiles near 1 keep full
 * accuracy. At most 200 steps.
 * @throws InvalidInputError for p outside (0, 1) or dof not finite and > 0.
 * @see Wilson & Hilferty, PNAS 17 (1931) 684–688; Abramowitz & Stegun 26.4.19.
 */
export function chiSquareQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidInputError(`chiSquareQuantile: p must be in (0, 1), got ${p}`);
  if (!(Number.isFinite(dof) && dof > 0))
    throw new InvalidInputError(`chiSquareQuantile: dof must be > 0, got ${dof}`);
  const a = dof / 2;
  const upper = p > 0.5;
  const target = upper ? 1 - p : p;
  // f(x) increases with x: P(a, x/2) − p, or (1 − p) − Q(a, x/2).
  const f = (x: number): number => {
    const g = regularizedGamma(a, x / 2);
    return upper ? target - g.q : g.p - target;
  };
  const logDensityConst = -a * Math.LN2 - logGamma(a);
  const density = (x: number): number => Math.exp(logDensityConst + (a - 1) * Math.log(x) - x / 2);

  const z = normalQuantile(p);
  const k = 2 / (9 * dof);
  let x = dof * Math.pow(Math.max(1 - k + z * Math.sqrt(k), 1e-3), 3);
  if (!(x > 0) || !Number.isFinite(x)) x = dof;
  // Bracket [lo, hi] with f(lo) < 0 < f(hi).
  let lo = 0;
  let hi = Math.max(2 * x, 1);
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) break;
  }
  for (let i = 0; i < 200; i++) {
    const fx = f(x);
    if (fx === 0) return x;
    if (fx < 0) lo = x;
    else hi = x;
    const dens = density(x);
    let next = dens > 0 && Number.isFinite(dens) ? x - fx / dens : Number.NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, x) || next === lo || next === hi) return next;
    x = next;
  }
  return x;
}
