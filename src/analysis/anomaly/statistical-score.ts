/**
 * How the statistical (z-score) detector (statistical.ts) turns a deviation along the bad direction into its
 * verdict's score, confidence and severity. Pure.
 */
import { erfc } from '../../math/erfc.ts';
import type { Severity } from '../../model/dwcp.ts';

/**
 * Anomaly score of a deviation `z >= 0` measured along the bad direction: `1 - 2 Q(z) = erf(z / sqrt 2)`, the
 * probability mass of a standard normal within +-z. In [0, 1), monotone non-decreasing in z, 0.9973 at 3 sigma,
 * saturating to exactly 1 beyond ~8.3 sigma (double precision). Negative or NaN z gives 0.
 */
export function scoreOfDeviation(z: number): number {
  if (!(z > 0)) return 0;
  const s = 1 - erfc(z * Math.SQRT1_2);
  return s < 0 ? 0 : s > 1 ? 1 : s;
}

/**
 * Confidence of a deviation `z >= 0` along the bad direction (seed 000 / inventory 4.1):
 * `min(1, 0.8 + 0.2 (z - thr) / thr)` when `z >= thr`, else 0.
 */
export function confidenceOf(z: number, threshold: number): number {
  if (!(z >= threshold)) return 0;
  const c = 0.8 + (0.2 * (z - threshold)) / threshold;
  return c > 1 ? 1 : c;
}

/** Severity of |z| (seed 000 / inventory 4.1): > 5 critical, > 4 high, > 3 medium, else low. */
export function severityOf(absZ: number): Severity {
  if (absZ > 5) return 'critical';
  if (absZ > 4) return 'high';
  if (absZ > 3) return 'medium';
  return 'low';
}
