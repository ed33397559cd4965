/**
 * GET /api/slo: error budgets of the SLOs over the stored series of the window. Mirrors the report of
 * src/analysis/slo/budget.ts (compliance, error budget, violation intervals, multiwindow burn rates).
 *
 * @see https://sre.google/workbook/implementing-slos/ (error budgets)
 * @see https://sre.google/workbook/alerting-on-slos/ (multiwindow, multi-burn-rate alerts)
 */
import { z } from 'zod';
import { AnalysisWindowSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** A run of contiguous bad steps; times Unix ms. */
export const ViolationIntervalSchema = z.strictObject({
  startMs: z.number(),
  endMs: z.number(),
  durationMs: z.number().nonnegative(),
  steps: z.number().int().nonnegative(),
  /** Worst measured value in the run, or null when the steps carry no value. */
  worstValue: z.number().nullable(),
  /** True when the run is still going on. */
  open: z.boolean(),
});

const BurnRateWindowSchema = z.strictObject({
  windowMs: z.number().positive(),
  badFraction: z.number().nullable(),
  burnRate: z.number().nullable(),
  steps: z.number().int().nonnegative(),
});

/** One multiwindow burn-rate alert condition and whether it fires. */
export const BurnRateAlertSchema = z.strictObject({
  severity: z.enum(['page', 'ticket']),
  longWindowMs: z.number().positive(),
  shortWindowMs: z.number().positive(),
  factor: z.number().positive(),
  budgetConsumed: z.number(),
  long: BurnRateWindowSchema,
  short: BurnRateWindowSchema,
  firing: z.boolean(),
});

/** Compliance and error budget of one SLO over its window. */
export const BudgetReportSchema = z.strictObject({
  slo: z.string(),
  objective: z.number(),
  windowMs: z.number().positive(),
  windowStartMs: z.number(),
  nowMs: z.number(),
  kind: z.enum(['events', 'time']),
  /** good / valid over the window; null without data. */
  compliance: z.number().nullable(),
  status: z.enum(['met', 'violated', 'no-data']),
  good: z.number(),
  bad: z.number(),
  valid: z.number(),
  /** Measured time / window (0..1). */
  coverage: z.number(),
  /** In the unit of the SLI: events, or ms of bad time. */
  budget: z.strictObject({
    unit: z.enum(['events', 'ms']),
    total: z.number(),
    consumed: z.number(),
    remaining: z.number(),
    consumedFraction: z.number().nullable(),
    remainingFraction: z.number().nullable(),
  }),
  violations: listOf(ViolationIntervalSchema),
  violationsTruncated: z.boolean(),
  violationTimeMs: z.number().nonnegative(),
  burnRates: listOf(BurnRateAlertSchema),
  alerts: z.strictObject({ page: z.boolean(), ticket: z.boolean() }),
});
export type BudgetReport = z.infer<typeof BudgetReportSchema>;

const SloIdentity = {
  name: z.string(),
  description: z.string().nullable(),
  objective: z.number(),
  windowMs: z.number().positive(),
};

/**
 * One SLO: evaluated (with its budget report) or not evaluated, because its SLI cannot be derived from the
 * stored data (with the reason). Discriminated by `evaluated`.
 */
export const SloStatusSchema = z.discriminatedUnion('evaluated', [
  z.strictObject({ ...SloIdentity, evaluated: z.literal(true), reason: z.null(), report: BudgetReportSchema }),
  z.strictObject({ ...SloIdentity, evaluated: z.literal(false), reason: z.string(), report: z.null() }),
]);
export type SloStatus = z.infer<typeof SloStatusSchema>;

/** `data` of GET /api/slo. */
export const SloOverviewSchema = z.strictObject({
  /** SLI evaluation step, ms. */
  stepMs: z.number().positive(),
  window: AnalysisWindowSchema,
  slos: listOf(SloStatusSchema),
  warnings: WarningsSchema,
});
export type SloOverview = z.infer<typeof SloOverviewSchema>;

/** Body of GET /api/slo. */
export const SloResponseSchema = successOf(SloOverviewSchema);
export type SloResponse = z.infer<typeof SloResponseSchema>;
