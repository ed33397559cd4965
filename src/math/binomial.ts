/**
 * Binomial upper tail P(X ≥ k) for X ~ Binomial(n, p), through the regularized incomplete beta function.
 * Pure, no I/O.
 *
 * Identity: P(X ≥ k) = I_p(k, n − k + 1) for integer 1 ≤ k ≤ n (Abramowitz & Stegun 26.5.24 with 6.6.4). The
 * right-hand side is defined for real k and n as well, which lets event counts that are not whole numbers (a
 * counter increase after a reset, a time-weighted count) be tested the same way.
 *
 * @see M. Abramowitz & I. A. Stegun, "Handbook of Mathematical Functions" (1964), 26.5.24 and 6.6.4.
 * @see C. J. Clopper & E. S. Pearson, "The use of confidence or fiducial limits illustrated in the case of the
 *   binomial", Biometrika 26 (1934): the same tail gives the exact one-sided test of a proportion.
 */
import { InvalidInputError } from '../errors.ts';
import { incompleteBeta } from './beta.ts';

/**
 * P(X ≥ k) for X ~ Binomial(n, p): 1 for k ≤ 0, 0 for k > n, else I_p(k, n − k + 1).
 * @param k observed count (real, ≥ 0 meaningful; ≤ 0 gives 1)
 * @param n trials (real, ≥ 0)
 * @param p success probability in [0, 1]
 * @throws InvalidInputError for a non-finite k or n, n < 0, or p outside [0, 1] (or NaN).
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isFinite(k) || !Number.isFinite(n) || n < 0)
    throw new InvalidInputError(`binomialUpperTail needs finite k and n >= 0, got k=${k}, n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new InvalidInputError(`binomialUpperTail needs p in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return incompleteBeta(k, n - k + 1, p);
}
