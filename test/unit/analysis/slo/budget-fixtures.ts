/** Times, SLOs and assertions shared by the error-budget tests. */
import assert from 'node:assert/strict';
import { type BudgetReport, type BudgetVerdict } from '../../../../src/analysis/slo/budget.ts';
import type { Slo } from '../../../../src/analysis/slo/definition.ts';
import { sloTemplate } from '../../../../src/analysis/slo/definition.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = 1_700_000_000_000;

export function near(actual: number | null, expected: number, eps = 1e-9): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);
}

/** The report as a verdict (met / violated), failing the test otherwise. */
export function verdict(r: BudgetReport): BudgetVerdict {
  if (r.status !== 'met' && r.status !== 'violated')
    assert.fail(`expected a verdict, got ${r.status}: ${r.missing.join('; ')}`);
  return r;
}

/** Verdicts without the measured-time gate (tests of the budget arithmetic on short windows of data). */
export const NOW_GATE = { minObservedMs: 0 };

export const availability: Slo = sloTemplate('availability')!; // ratio, 0.999, 30d
export const latency: Slo = sloTemplate('latency-p99')!; // threshold p99 < 0.5 s, 0.99, 30d
export const slo999Time: Slo = { ...latency, objective: 0.999 };
