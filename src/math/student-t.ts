/**
 * Student's t distribution: upper tail and quantile (for prediction intervals). Pure, no I/O.
 *
 * Identity: P(T_ν > t) = ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 (Abramowitz & Stegun 26.7.1 with 26.5.27).
 * Quantiles invert the upper tail by bisection on a bracket (bounded iterations): ~100 tail evaluations per
 * quantile, monotone and accurate to ~1e-12 relative; callers compute a handful per fit, not per sample.
 *
 * @see M. Abramowitz & I. A. Stegun, "Handbook of Mathematical Functions" (1964), 26.7.1, 26.5.27.
 * @see W. H. Press et al., "Numerical Recipes", 3rd ed. (2007), §6.14 (Student's t via the incomplete beta).
 */
import { InvalidInputError } from '../errors.ts';
import { incompleteBeta } from './beta.ts';
import { normalQuantile } from './normal.ts';

/** Above this many degrees of freedom the t quantile is the normal quantile (difference < 1e-6 at 99.9 %). */
export const T_NORMAL_DOF = 1e7;

function checkDof(dof: number): void {
  if (!(dof > 0)) throw new InvalidInputError(`Student t needs dof > 0, got ${dof}`);
}

/**
 * Upper tail P(T > t) of Student's t with `dof` = ν > 0 degrees of freedom (ν need not be an integer).
 * @returns a probability in [0, 1]; NaN for NaN t.
 * @throws InvalidInputError when dof ≤ 0 or NaN.
 * @see Abramowitz & Stegun 26.7.1, 26.5.27.
 */
export function studentTUpperTail(t: number, dof: number): number {
  checkDof(dof);
  if (Number.isNaN(t)) return NaN;
  const tail = 0.5 * incompleteBeta(dof / 2, 0.5, dof / (dof + t * t));
  return t >= 0 ? tail : 1 - tail;
}

/** Solves tail(q) = target for q ≥ 0 where tail is decreasing with tail(0) = ½; bisection, ≤ 1 200 steps. */
function invertTail(tail: (q: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 1000 && tail(hi) > target; i++) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (tail(mid) > target) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-13 * hi) break;
  }
  return 0.5 * (lo + hi);
}

/**
 * Quantile t_{p,ν} of Student's t with `dof` = ν > 0 degrees of freedom (ν need not be an integer); for
 * ν > {@link T_NORMAL_DOF} the normal quantile. E.g. p = 0.975, ν = 10 → 2.2281388519649.
 * @throws InvalidInputError when p is not in (0, 1) or dof ≤ 0.
 * @see Abramowitz & Stegun 26.7.1; bisection on {@link studentTUpperTail}.
 */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidInputError(`probability must be in (0, 1), got ${p}`);
  checkDof(dof);
  if (dof > T_NORMAL_DOF) return normalQuantile(p);
  if (p === 0.5) return 0;
  const tail = (t: number): number => studentTUpperTail(t, dof);
  if (p < 0.5) return -invertTail(tail, p);
  return invertTail(tail, 1 - p);
}
