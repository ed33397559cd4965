/**
 * The live SLO evaluation of GET /api/slo and the insights exporter: for every configured SLO, its SLI series
 * from the stored samples (`slo-series.ts`) and the pure error-budget report (src/analysis/slo/budget.ts) with
 * the monitor's evidence gates (measured time before a verdict, burn-rate window coverage, significance).
 */
import { evaluateErrorBudget, type BudgetOptions } from '../analysis/slo/budget.ts';
import type { Slo } from '../analysis/slo/definition.ts';
import type { AnalysisWindow } from '../contract/common.ts';
import type { SloStatus } from '../contract/slo.ts';
import { sloSeries, type SeriesReader, type SloSeriesResult } from './slo-series.ts';

/** The gates of a verdict and of the burn-rate pairs (configuration `slo.*`); see {@link BudgetOptions}. */
export type SloEvidenceOptions = Pick<
  BudgetOptions,
  'minObservedMs' | 'minWindowCoverage' | 'alpha' | 'burnRatePairs'
>;

/** Violation intervals listed per SLO in the API (the total violation time still counts all). */
export const API_MAX_VIOLATIONS = 50;

/**
 * The status of one SLO from its SLI series result: `evaluated: false` with the reason when there is no series,
 * otherwise the error-budget report at `nowMs`.
 * @throws InvalidInputError from the engine for impossible data or options.
 */
export function sloStatus(
  slo: Slo,
  r: SloSeriesResult,
  evidence: SloEvidenceOptions,
  nowMs: number,
): SloStatus {
  const base = {
    name: slo.name,
    description: slo.description ?? null,
    objective: slo.objective,
    windowMs: slo.windowMs,
  };
  return r.series === null
    ? { ...base, evaluated: false, reason: r.reason, report: null }
    : {
        ...base,
        evaluated: true,
        reason: null,
        report: evaluateErrorBudget(
          { slo, series: r.series },
          { ...evidence, maxViolations: API_MAX_VIOLATIONS },
          nowMs,
        ),
      };
}

/**
 * Evaluates `slos` over `window` at `nowMs` with SLI steps of `stepMs`. SLOs whose SLI cannot be derived from
 * stored series come back `evaluated: false` with the reason; data repairs are added to `warnings`.
 * @param maxSeries the reader's series limit (histogram bucket reads scale it)
 * @throws StoreError from the reader; InvalidInputError from the engines for impossible data or options.
 */
export async function evaluateSlos(
  slos: readonly Slo[],
  read: SeriesReader,
  maxSeries: number,
  stepMs: number,
  window: AnalysisWindow,
  nowMs: number,
  evidence: SloEvidenceOptions,
  warnings: string[],
): Promise<SloStatus[]> {
  const out: SloStatus[] = [];
  for (const slo of slos) {
    const r = await sloSeries(slo, read, maxSeries, stepMs, window.startMs, nowMs);
    warnings.push(...r.warnings);
    out.push(sloStatus(slo, r, evidence, nowMs));
  }
  return out;
}
