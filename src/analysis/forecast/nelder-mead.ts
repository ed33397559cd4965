/**
 * Nelder-Mead simplex minimisation with a hard iteration bound. Pure.
 *
 * Method: Nelder & Mead (1965), "A simplex method for function minimization", Computer Journal 7(4), with the
 * standard coefficients reflection 1, expansion 2, contraction ½, shrink ½ as analysed by Lagarias, Reeds,
 * Wright & Wright (1998), SIAM J. Optim. 9(1). Unconstrained: callers map bounded parameters through a
 * transform (e.g. the logistic function).
 */
import { InvalidInputError } from '../../errors.ts';

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex edge along each axis (default 1). */
  readonly step?: number;
  /** Iteration bound (default 200, at most 10 000). */
  readonly maxIterations?: number;
  /** Stop when the spread of f over the simplex is ≤ tolerance·(|f_best| + 1e-12) (default 1e-8). */
  readonly tolerance?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  readonly x: number[];
  readonly fx: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/**
 * Minimises `f` from `x0`. Non-finite f values are treated as +Infinity. At most
 * `maxIterations·(dim + 2) + dim + 1` evaluations.
 * @throws InvalidInputError for an empty or non-finite start or bad options.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const dim = x0.length;
  const step = options.step ?? 1;
  const maxIterations = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-8;
  if (dim === 0 || x0.some((v) => !Number.isFinite(v)))
    throw new InvalidInputError('nelderMead: start must be a non-empty finite vector');
  if (
    !(step > 0) ||
    !Number.isInteger(maxIterations) ||
    maxIterations < 0 ||
    maxIterations > 10_000 ||
    !(tol >= 0)
  ) {
    throw new InvalidInputError(
      'nelderMead: step must be > 0, maxIterations an integer in [0, 10000], tolerance ≥ 0',
    );
  }
  let evaluations = 0;
  const ev = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < dim; i++) {
    const p = x0.slice();
    p[i] = p[i]! + step;
    pts.push(p);
  }
  const fs = pts.map(ev);
  let iterations = 0;
  let converged = false;
  const order = (): void => {
    const idx = fs.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]!);
    const p2 = idx.map((i) => pts[i]!);
    const f2 = idx.map((i) => fs[i]!);
    for (let i = 0; i <= dim; i++) {
      pts[i] = p2[i]!;
      fs[i] = f2[i]!;
    }
  };
  const combine = (a: readonly number[], b: readonly number[], t: number): number[] =>
    a.map((ai, i) => ai + t * (b[i]! - ai));
  order();
  while (iterations < maxIterations) {
    if (Math.abs(fs[dim]! - fs[0]!) <= tol * (Math.abs(fs[0]!) + 1e-12)) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) centroid[j] = centroid[j]! + pts[i]![j]! / dim;
    const worst = pts[dim]!;
    const xr = combine(centroid, worst, -1);
    const fr = ev(xr);
    if (fr < fs[0]!) {
      const xe = combine(centroid, worst, -2);
      const fe = ev(xe);
      if (fe < fr) {
        pts[dim] = xe;
        fs[dim] = fe;
      } else {
        pts[dim] = xr;
        fs[dim] = fr;
      }
    } else if (fr < fs[dim - 1]!) {
      pts[dim] = xr;
      fs[dim] = fr;
    } else {
      const outside = fr < fs[dim]!;
      const xc = outside ? combine(centroid, worst, -0.5) : combine(centroid, worst, 0.5);
      const fc = ev(xc);
      if (fc < (outside ? fr : fs[dim]!)) {
        pts[dim] = xc;
        fs[dim] = fc;
      } else {
        for (let i = 1; i <= dim; i++) {
          pts[i] = combine(pts[0]!, pts[i]!, 0.5);
          fs[i] = ev(pts[i]!);
        }
      }
    }
    order();
  }
  return { x: pts[0]!, fx: fs[0]!, iterations, evaluations, converged };
}
