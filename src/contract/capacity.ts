/**
 * GET /api/capacity: a capacity plan per node and resource (cpu, memory) from the stored utilisation series
 * (src/analysis/forecast/capacity.ts: OLS trend, or OLS plus Holt-Winters on the residuals when the data spans
 * two seasons, with prediction intervals). Percentages are utilisation in % of capacity, bounded by the
 * resource's physical range [0, 100]. A plan needs enough history (`insufficient-data` says what is missing) and
 * uses the trend only when its confidence interval excludes zero (`trend.significant`).
 *
 * @see https://otexts.com/fpp3/ (Hyndman & Athanasopoulos, Forecasting: Principles and Practice)
 */
import { z } from 'zod';
import { AnalysisWindowSchema, LabelsSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** Resources planned (values of the `resource_type` label). */
export const CAPACITY_RESOURCES = ['cpu', 'memory'] as const;
export type CapacityResource = (typeof CAPACITY_RESOURCES)[number];

/** Forecast `days` after the reference time, % (clamped to the physical range [0, 100]). */
const HorizonForecastSchema = z.strictObject({
  days: z.number(),
  atMs: z.number(),
  mean: z.number(),
  lower: z.number(),
  upper: z.number(),
});

/** Days until a threshold is reached (expected, with the upper and lower bounds); null = not within the horizon. */
const ThresholdCrossingSchema = z.strictObject({
  thresholdPct: z.number(),
  expected: z.number().nullable(),
  conservative: z.number().nullable(),
  optimistic: z.number().nullable(),
});

const LinearFitSchema = z.strictObject({
  slopePctPerDay: z.number(),
  residualStdError: z.number(),
  r2: z.number(),
});

/**
 * The OLS slope's confidence interval in %/day, widened for autocorrelated residuals (effective sample size
 * n(1 − r₁)/(1 + r₁)); the bounds are null when there are too few effective samples (infinite interval).
 */
const TrendSchema = z.strictObject({
  slopePerDay: z.number(),
  lowerPerDay: z.number().nullable(),
  upperPerDay: z.number().nullable(),
  level: z.number(),
  significant: z.boolean(),
  lag1Autocorrelation: z.number(),
  effectiveSamples: z.number(),
});

const PlanFields = {
  status: z.literal('ok'),
  modelReason: z.string(),
  level: z.number(),
  /** max(now, last sample), Unix ms: the origin of `days`. */
  referenceMs: z.number(),
  points: z.number().int().positive(),
  spanDays: z.number(),
  lastPct: z.number(),
  currentPct: z.number(),
  /** Trend the forecasts use: the OLS slope when significant, else 0 (the level is forecast). */
  growthPctPerDay: z.number(),
  trend: TrendSchema,
  forecasts: listOf(HorizonForecastSchema),
  warning: ThresholdCrossingSchema,
  critical: ThresholdCrossingSchema,
  full: ThresholdCrossingSchema,
  recommendation: z.strictObject({
    action: z.enum([
      'scale-out-now',
      'scale-out-within-month',
      'scale-out-next-quarter',
      'adequate',
      'no-growth',
    ]),
    message: z.string(),
    basedOnDays: z.number().nullable(),
  }),
  /** Additional nodes from the 90-day forecast, or null when the node count is unknown. */
  scaleOut: z
    .strictObject({ nodes: z.number(), expected: z.number(), low: z.number(), high: z.number() })
    .nullable(),
  linear: LinearFitSchema,
};

/** A plan on the OLS trend alone. */
const LinearPlanSchema = z.strictObject({ ...PlanFields, model: z.literal('linear') });
/** A plan on the OLS trend with Holt-Winters on its residuals. */
const SeasonalPlanSchema = z.strictObject({
  ...PlanFields,
  model: z.literal('seasonal'),
  holtWinters: z.strictObject({
    params: z.strictObject({ alpha: z.number(), beta: z.number(), gamma: z.number() }),
    sigma: z.number(),
    seasonLength: z.number().int(),
    stepMs: z.number().positive(),
  }),
});

/** A capacity plan (`status: 'ok'`, discriminated by `model`). */
export const CapacityPlanSchema = z.discriminatedUnion('model', [LinearPlanSchema, SeasonalPlanSchema]);
export type CapacityPlan = z.infer<typeof CapacityPlanSchema>;

/**
 * The outcome for one series, discriminated by `status`: a plan, too few points, or data the planner rejected
 * (e.g. a negative utilisation).
 */
export const CapacityOutcomeSchema = z.union([
  CapacityPlanSchema,
  z.strictObject({
    status: z.literal('insufficient-data'),
    points: z.number().int().nonnegative(),
    requiredPoints: z.number().int(),
    /** History (first to last sample) and the history needed, ms. */
    spanMs: z.number().nonnegative(),
    requiredSpanMs: z.number().nonnegative(),
    /** What is missing, e.g. `3h25m of history; at least 1d needed`. */
    reason: z.string(),
  }),
  z.strictObject({ status: z.literal('invalid-data'), reason: z.string() }),
]);
export type CapacityOutcome = z.infer<typeof CapacityOutcomeSchema>;

/** The plan of one stored series (node × resource). */
export const NodeCapacitySchema = z.strictObject({
  /** Label `node`, else `node_id`, else `instance`, else `unknown`. */
  node: z.string(),
  /** Label `region`, else `cluster`, else `unknown`. */
  region: z.string(),
  resource: z.enum(CAPACITY_RESOURCES),
  labels: LabelsSchema,
  /** Finite samples planned on. */
  points: z.number().int().nonnegative(),
  plan: CapacityOutcomeSchema,
});
export type NodeCapacity = z.infer<typeof NodeCapacitySchema>;

/** `data` of GET /api/capacity. */
export const CapacityOverviewSchema = z.strictObject({
  window: AnalysisWindowSchema,
  resources: listOf(z.enum(CAPACITY_RESOURCES)),
  /** Sorted by region, node, resource. */
  nodes: listOf(NodeCapacitySchema),
  /** History a plan needs: span (ms) and samples. */
  requiredHistoryMs: z.number().nonnegative(),
  requiredPoints: z.number().int().positive(),
  warnings: WarningsSchema,
});
export type CapacityOverview = z.infer<typeof CapacityOverviewSchema>;

/** Body of GET /api/capacity. */
export const CapacityResponseSchema = successOf(CapacityOverviewSchema);
export type CapacityResponse = z.infer<typeof CapacityResponseSchema>;
