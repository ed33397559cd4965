/**
 * GET /api/regions/health: the health score (0..100) of each region from availability, headroom, latency,
 * error rate and consensus (src/analysis/health/region-score.ts), latency scored against the region's own DWCP
 * mode, and the trend of the recent scores. A region is scored only once every factor has enough data (warm-up);
 * before that it says which factors lack what.
 */
import { z } from 'zod';
import { AnalysisWindowSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** The factors of the score, in the order the engine weighs them. */
export const REGION_FACTORS = [
  'availabilityPercent',
  'utilizationPercent',
  'latencyMs',
  'errorRate',
  'consensusHealthPercent',
] as const;
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

/** Latency measured in one DWCP mode (from the `mode` label of the latency histogram). */
const ModeLatencySchema = z.strictObject({
  mode: z.string(),
  latencyMs: z.number().nonnegative(),
  observations: z.number().positive(),
});

/** A mode's latency with the score it got and the profile (baseline, zero point; ms) it was scored on. */
const ScoredModeLatencySchema = ModeLatencySchema.extend({
  score: z.number().min(0).max(100),
  baselineMs: z.number().nonnegative(),
  zeroScoreMs: z.number().positive(),
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
 * One region, discriminated by `status`: scored (every factor had enough data; `latencyByMode` holds the per-mode
 * latency scores behind the latency factor) or `insufficient-data` (`score` and `factors` null; `missing` lists
 * the factors without enough data, `reasons` says what each lacks, `inputs` holds the factors measured so far).
 */
export const RegionHealthSchema = z.discriminatedUnion('status', [
  z.strictObject({
    region: z.string(),
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    score: z.number().min(0).max(100),
    factors: RegionFactorsSchema,
    inputs: RegionInputsSchema,
    latencyByMode: listOf(ScoredModeLatencySchema),
    missing: listOf(z.enum(REGION_FACTORS)).refine((m) => m.length === 0, {
      message: 'a scored region misses no factor',
    }),
    reasons: listOf(z.string()).refine((m) => m.length === 0, {
      message: 'a scored region has no reason to be unscored',
    }),
    trend: RegionTrendSchema,
  }),
  z.strictObject({
    region: z.string(),
    status: z.literal('insufficient-data'),
    score: z.null(),
    factors: z.null(),
    inputs: RegionInputsSchema.partial(),
    latencyByMode: listOf(ModeLatencySchema),
    missing: listOf(z.enum(REGION_FACTORS)).refine((m) => m.length > 0, {
      message: 'an unscored region misses a factor',
    }),
    reasons: listOf(z.string()).refine((m) => m.length > 0, { message: 'an unscored region says why' }),
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
