/**
 * The distance metric of KNN-CAD (knn-cad.ts): M = (XᵀX)⁻¹ of the uncentred lag-vector matrix X of the training
 * items, and the item transform y = |Λ|^½ Vᵀ a of M = V Λ Vᵀ that turns the quadratic form (a − b)ᵀ M (a − b)
 * into a (signed) sum of squares. Pure; uses ml-matrix for the inverse and the eigen-decomposition.
 * @see E. Burnaev and V. Ishimtsev, arXiv:1608.04585 (2016); numenta/NAB `nab/detectors/knncad/knncad_detector.py`.
 */
import { EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';

/** The item transform of a metric M: y = |Λ|^½ Vᵀ a, and whether all eigenvalues are positive. */
export interface Transform {
  /** Row-major L×L: row i = sqrt|λᵢ| vᵢᵀ. */
  readonly w: Float64Array;
  /** sign λᵢ (+1 / −1 / 0). */
  readonly sign: Float64Array;
  readonly positive: boolean;
}

/** The transform of M = I (before the first metric). */
export function identityTransform(lag: number): Transform {
  const w = new Float64Array(lag * lag);
  for (let i = 0; i < lag; i++) w[i * lag + i] = 1;
  return { w, sign: new Float64Array(lag).fill(1), positive: true };
}

/** Builds the transform of a (not necessarily symmetric) metric M given row-major; null if not finite. */
export function transformOf(m: Float64Array, lag: number): Transform | null {
  const sym = new Matrix(lag, lag);
  for (let i = 0; i < lag; i++) {
    for (let j = 0; j < lag; j++) sym.set(i, j, 0.5 * (m[i * lag + j]! + m[j * lag + i]!));
  }
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const w = new Float64Array(lag * lag);
  const sign = new Float64Array(lag);
  let positive = true;
  for (let i = 0; i < lag; i++) {
    const l = lambda[i]!;
    if (!Number.isFinite(l)) return null;
    sign[i] = l > 0 ? 1 : l < 0 ? -1 : 0;
    if (!(l > 0)) positive = false;
    const s = Math.sqrt(Math.abs(l));
    for (let j = 0; j < lag; j++) {
      const x = s * v.get(j, i);
      if (!Number.isFinite(x)) return null;
      w[i * lag + j] = x;
    }
  }
  return { w, sign, positive };
}

/**
 * M = (XᵀX)⁻¹ of the `count` lag vectors (length `lag`) whose first values are samples `first`, `first + 1`, …
 * (0-based) of the ring `raw`; X is not centred. Row-major L×L, or null when XᵀX is singular or the inverse
 * is not finite.
 */
export function inverseGram(
  raw: Float64Array,
  first: number,
  count: number,
  lag: number,
): Float64Array | null {
  const rawCap = raw.length;
  const item = new Float64Array(lag);
  const g = new Float64Array(lag * lag);
  for (let id = first; id < first + count; id++) {
    for (let j = 0; j < lag; j++) item[j] = raw[(id + j) % rawCap]!;
    for (let a = 0; a < lag; a++) {
      const xa = item[a]!;
      const row = a * lag;
      for (let b = a; b < lag; b++) g[row + b]! += xa * item[b]!;
    }
  }
  const gm = new Matrix(lag, lag);
  for (let a = 0; a < lag; a++) {
    for (let b = a; b < lag; b++) {
      gm.set(a, b, g[a * lag + b]!);
      gm.set(b, a, g[a * lag + b]!);
    }
  }
  let inv: Matrix;
  try {
    inv = inverse(gm);
  } catch {
    return null;
  }
  const m = Float64Array.from(inv.to1DArray());
  for (const x of m) if (!Number.isFinite(x)) return null;
  return m;
}
