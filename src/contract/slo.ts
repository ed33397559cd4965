/**
 * GET /api/slo: error budgets of the SLOs over the stored series of the window. Mirrors the report of
 * src/analysis/slo/budget.ts (compliance over the observed time, error budget, violation intervals, multiwindow
 * burn rates) with its evidence gates: no verdict, budget or burn alert before enough time was measured.
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
  /** Steps with valid data in the window. */
  steps: z.number().int().nonnegative(),
  /** Measured time in the window, ms (steps present × step). */
  observedMs: z.number().nonnegative(),
  /** observedMs / windowMs, 0..1. */
  coverage: z.number().min(0).max(1),
  /** Bad and valid amounts (events, or steps of a time-based SLI). */
  bad: z.number().nonnegative(),
  valid: z.number().nonnegative(),
});

/**
 * One multiwindow burn-rate alert condition: `firing` (both windows covered, enough events in the long window,
 * both burn rates above the factor, significant bad count), `quiet`, or `insufficient-data` with what is `missing`.
 */
export const BurnRateAlertSchema = z.strictObject({
  severity: z.enum(['page', 'ticket']),
  longWindowMs: z.number().positive(),
  shortWindowMs: z.number().positive(),
  factor: z.number().positive(),
  budgetConsumed: z.number(),
  /** Valid events the long window must hold before the pair is judged (one bad event cannot exceed the factor). */
  minEvents: z.number().int().positive(),
  long: BurnRateWindowSchema,
  short: BurnRateWindowSchema,
  state: z.enum(['firing', 'quiet', 'insufficient-data']),
  firing: z.boolean(),
  /** One-sided binomial p-value of the long window's bad count against factor × (1 − objective); null without data. */
  pValue: z.number().min(0).max(1).nullable(),
  missing: listOf(z.string()),
});

/** What a verdict rests on. */
const SloEvidenceSchema = z.strictObject({
  /** Measured time in the window, ms. */
  observedMs: z.number().nonnegative(),
  /** Measured time needed before a verdict, ms. */
  requiredObservedMs: z.number().nonnegative(),
  minWindowCoverage: z.number().min(0).max(1),
  alpha: z.number(),
  pValue: z.number().min(0).max(1).nullable(),
});

const ReportFields = {
  slo: z.string(),
  objective: z.number(),
  windowMs: z.number().positive(),
  windowStartMs: z.number(),
  nowMs: z.number(),
  kind: z.enum(['events', 'time']),
  good: z.number(),
  bad: z.number(),
  valid: z.number(),
  /** Measured time / SLO window (0..1). */
  coverage: z.number().min(0).max(1),
  evidence: SloEvidenceSchema,
  violations: listOf(ViolationIntervalSchema),
  violationsTruncated: z.boolean(),
  violationTimeMs: z.number().nonnegative(),
  burnRates: listOf(BurnRateAlertSchema),
  alerts: z.strictObject({ page: z.boolean(), ticket: z.boolean() }),
};

/** Error budget of the whole SLO window, in the unit of the SLI: events, or ms of bad time. */
const ErrorBudgetSchema = z.strictObject({
  unit: z.enum(['events', 'ms']),
  total: z.number().nonnegative(),
  consumed: z.number().nonnegative(),
  /** max(0, total − consumed). */
  remaining: z.number().nonnegative(),
  /** consumed / total (above 1 when overspent). */
  consumedFraction: z.number().nonnegative(),
  /** max(0, 1 − consumedFraction). */
  remainingFraction: z.number().min(0).max(1),
  exhausted: z.boolean(),
});

/**
 * Compliance and error budget of one SLO over its window, discriminated by `status`: a verdict (`met`,
 * `violated`) with compliance over the observed time and the budget, or no verdict (`insufficient-data`,
 * `no-data`) with `missing` saying what is lacking and no compliance or budget numbers.
 */
export const BudgetReportSchema = z.discriminatedUnion('status', [
  z.strictObject({
    ...ReportFields,
    status: z.enum(['met', 'violated']),
    /** good / valid over the observed time. */
    compliance: z.number().min(0).max(1),
    budget: ErrorBudgetSchema,
    missing: z.tuple([]).readonly(),
  }),
  z.strictObject({
    ...ReportFields,
    status: z.enum(['insufficient-data', 'no-data']),
    compliance: z.null(),
    budget: z.null(),
    missing: listOf(z.string()).refine((m) => m.length > 0, {
      message: 'a report without a verdict says what is missing',
    }),
  }),
]);
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
  z.strictObject({
    ...SloIdentity,
    evaluated: z.literal(true),
    reason: z.null(),
    report: BudgetReportSchema,
  }),
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
