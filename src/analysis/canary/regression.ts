/**
 * Regression detection for the v1 → v3 rollout (seed 000 "Regression Detection"): a metric that is more than
 * 10 % worse on v3 (throughput, latency, CPU, memory or compression ratio) is a regression, with severity by
 * degradation: low (10–15 %], medium (15–20 %], high (20–30 %], critical > 30 % (the original tracker's bands,
 * novacron-inventory §5). Unlike the original, a regression needs statistical support: by default the
 * Mann-Whitney test must reject equality at the judge's confidence, and the degradation is the Hodges-Lehmann
 * shift relative to the baseline median, not a difference of EMAs or of two p95 point values. Pure.
 */
import { InvalidInputError } from '../../errors.ts';
import type { Severity } from '../../model/dwcp.ts';

/** Degradation thresholds in percent; a degradation must exceed `threshold` to count at all. */
export interface SeverityBands {
  readonly threshold: number;
  readonly medium: number;
  readonly high: number;
  readonly critical: number;
}

/** Seed 000 / inventory §5 bands: > 10 regression, > 15 medium, > 20 high, > 30 critical. */
export const DEFAULT_SEVERITY_BANDS: SeverityBands = Object.freeze({
  threshold: 10,
  medium: 15,
  high: 20,
  critical: 30,
});

/** Checks that the bands are finite, ≥ 0 and non-decreasing (InvalidInputError otherwise). */
export function validateSeverityBands(b: SeverityBands): void {
  const vals = [b.threshold, b.medium, b.high, b.critical];
  if (
    !vals.every((v) => Number.isFinite(v) && v >= 0) ||
    !(b.threshold <= b.medium && b.medium <= b.high && b.high <= b.critical)
  ) {
    throw new InvalidInputError(
      `severity bands must be finite, >= 0 and ordered threshold <= medium <= high <= critical, got ${vals.join(', ')}`,
    );
  }
}

/**
 * Severity of a degradation in percent (+ = worse): null when ≤ threshold (also for NaN), low when ≤ medium,
 * medium when ≤ high, high when ≤ critical, critical above. Boundaries belong to the lower band (15 % is low,
 * 15.01 % is medium), as in the original `> 15` comparisons.
 */
export function regressionSeverity(
  degradationPercent: number,
  bands: SeverityBands = DEFAULT_SEVERITY_BANDS,
): Severity | null {
  if (!(degradationPercent > bands.threshold)) return null;
  if (degradationPercent > bands.critical) return 'critical';
  if (degradationPercent > bands.high) return 'high';
  if (degradationPercent > bands.medium) return 'medium';
  return 'low';
}

/** What regression detection needs of a metric comparison (a `MetricJudgement` satisfies it). */
export interface RegressionInput {
  readonly metric: string;
  /** + = worse, percent of the baseline median. */
  readonly degradationPercent: number;
  readonly significant: boolean;
  readonly pValue: number;
  readonly baselineMedian: number;
  readonly canaryMedian: number;
}

/** A detected regression (v1 and v3 values are filled, unlike the original's). */
export interface Regression {
  readonly metric: string;
  readonly severity: Severity;
  readonly degradationPercent: number;
  readonly pValue: number;
  readonly v1Value: number;
  readonly v3Value: number;
}

export interface RegressionOptions {
  readonly bands: SeverityBands;
  /** Require the Mann-Whitney test to be significant (default true). */
  readonly requireSignificance: boolean;
}

export const REGRESSION_DEFAULTS: RegressionOptions = Object.freeze({
  bands: DEFAULT_SEVERITY_BANDS,
  requireSignificance: true,
});

/**
 * Regressions among `inputs`: every metric whose degradation exceeds the threshold (and is significant unless
 * `requireSignificance` is false), with its severity. Order follows the input. Throws InvalidInputError for bad
 * bands.
 */
export function detectRegressions(
  inputs: readonly RegressionInput[],
  options: Partial<RegressionOptions> = {},
): readonly Regression[] {
  const opts: RegressionOptions = { ...REGRESSION_DEFAULTS, ...options };
  validateSeverityBands(opts.bands);
  const out: Regression[] = [];
  for (const d of inputs) {
    if (opts.requireSignificance && !d.significant) continue;
    const severity = regressionSeverity(d.degradationPercent, opts.bands);
    if (severity === null) continue;
    out.push({
      metric: d.metric,
      severity,
      degradationPercent: d.degradationPercent,
      pValue: d.pValue,
      v1Value: d.baselineMedian,
      v3Value: d.canaryMedian,
    });
  }
  return out;
}
