/**
 * The CUSUM chart's verdict from the sum that stands for it (cusum.ts): score s = S/(S + h) (½ at the decision
 * interval h), capped just below ½ while the band gate is closed, and a severity from how far S lies beyond h
 * (medium at h, high at 1.5·h, critical at 2·h — Page 1954's decision interval read as evidence; see cusum.ts).
 */
import type { Severity } from '../../model/dwcp.ts';
import type { Verdict } from './detector.ts';

/** What the chart decided for one sample (units: the sums in σ of the whitened residual; values in sample units). */
export interface CusumDecision {
  /** The sum that stands for the verdict (main, drift or scale chart), ≥ 0. */
  readonly sum: number;
  /** Its decision interval (> 0). */
  readonly h: number;
  /** Whether the sample lies outside the band along the bad direction. */
  readonly gate: boolean;
  readonly anomalous: boolean;
  /** The baseline's expectation (sample units). */
  readonly expected: number;
  /** Half-width of the band (sample units): bandSigma·σ. */
  readonly halfBand: number;
  /** The sample's standardised residual (σ). */
  readonly deviation: number;
  /** Whether the previous sample was anomalous (this one then resolves the anomaly when it is not). */
  readonly wasAnomalous: boolean;
}

/**
 * The verdict for one judged sample.
 * @param d the chart's decision (see {@link CusumDecision}); no errors thrown.
 * @returns a judged verdict (`warmingUp` false), score and confidence in [0, 1).
 * @see E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115.
 */
export function cusumVerdict(d: CusumDecision): Verdict {
  let score = d.sum / (d.sum + d.h);
  if (!d.gate && score >= 0.5) score = 0.4999;
  const severity: Severity = !d.anomalous
    ? 'low'
    : d.sum >= 2 * d.h
      ? 'critical'
      : d.sum >= 1.5 * d.h
        ? 'high'
        : 'medium';
  return {
    anomalous: d.anomalous,
    score,
    expected: d.expected,
    lower: d.expected - d.halfBand,
    upper: d.expected + d.halfBand,
    deviation: d.deviation,
    confidence: score,
    severity,
    warmingUp: false,
    resolved: d.wasAnomalous && !d.anomalous,
  };
}
