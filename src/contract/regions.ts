/**
 * GET /api/regions/health: the health score (0..100) of each region from availability, headroom, latency,
 * error rate and consensus (src/analysis/health/region-score.ts), and the trend of the recent scores.
 */
import { z } from 'zod';
import { AnalysisWindowSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** The factors of the score, in the order the engine weighs them. */
export const REGION_FACTORS = ['availabilityPercent', 'utilizationPercent', 'latencyMs', 'errorRate', 'consensusHealthPercent'] as const;
export type RegionFactor = (typeof REGION_FACTORS)[number];

/** Measured inputs of the score: availability and consensus in %, utilisation in %, latency in ms, errors 0..1. */
const RegionInputsSchema = z.strictObject({
  availabilityPercent: z.number(),
  utilizationPercent: z.number(),
  latencyMs: z.number(),
  errorRate: z.number(),
  consensusHealthPercent: z.number(),
});

/** Score of each factor, 0..100. */
const RegionFactorsSchema = z.strictObject({
  availability: z.number(),
  headroom: z.number(),
  latency: z.number(),
  errorRate: z.number(),
  consensus: z.number(),
});

/** Least-squares trend of the scores recorded by the periodic recomputation (`unknown` with too few points). */
export const RegionTrendSchema = z.strictObject({
  direction: z.enum(['improving', 'degrading', 'stable', 'unknown']),
  /** Slope in score points per hour; null with too few points. */
  slopePerHour: z.number().nullable(),
  /** Points of the history inside the trend window. */
  points: z.number().int().nonnegative(),
});
export type RegionTrend = z.infer<typeof RegionTrendSchema>;

/**
 * One region: scored (every factor had data) or not scored (`status`, `score` and `factors` null; `missing`
 * lists the factors without data and `inputs` holds the ones measured). Discriminated by `status`.
 */
export const RegionHealthSchema = z.discriminatedUnion('status', [
  z.strictObject({
    region: z.string(),
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    score: z.number(),
    factors: RegionFactorsSchema,
    inputs: RegionInputsSchema,
    missing: listOf(z.enum(REGION_FACTORS)).refine((m) => m.length === 0, { message: 'a scored region misses no factor' }),
    trend: RegionTrendSchema,
  }),
  z.strictObject({
    region: z.string(),
    status: z.null(),
    score: z.null(),
    factors: z.null(),
    inputs: RegionInputsSchema.partial(),
    missing: listOf(z.enum(REGION_FACTORS)).refine((m) => m.length > 0, { message: 'an unscored region misses a factor' }),
    trend: RegionTrendSchema,
  }),
]);
export type RegionHealth = z.infer<typeof RegionHealthSchema>;

/** `data` of GET /api/regions/health. */
export const RegionsOverviewSchema = z.strictObject({
  window: AnalysisWindowSchema,
  regions: listOf(RegionHealthSchema),
  warnings: WarningsSchema,
});
export type RegionsOverview = z.infer<typeof RegionsOverviewSchema>;

/** Body of GET /api/regions/health. */
export const RegionsResponseSchema = successOf(RegionsOverviewSchema);
export type RegionsResponse = z.infer<typeof RegionsResponseSchema>;
