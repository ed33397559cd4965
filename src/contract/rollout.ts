/**
 * GET /api/rollout: the v1 → v3 rollout decision (GO / CAUTION / NO-GO) with its drivers, the v1/v3
 * comparison, the per-metric canary verdicts, the regressions, the SLA checks and the stages reached while the
 * monitor ran. Also the numeric encoding of the decision in the `dwcp_monitor_rollout_decision` gauge, shared by
 * the monitor (which sets it) and the generated dashboards and rules (which read it).
 *
 * Mirrors the engines of src/analysis/canary (decision.ts, comparison.ts, judge.ts, regression.ts); numbers the
 * engines leave undefined (NaN, e.g. the medians of a metric without data) arrive as null.
 */
import { z } from 'zod';
import { ROLLOUT_STAGES, SEVERITIES } from '../model/dwcp.ts';
import { AnalysisWindowSchema, listOf, maybeNumber, successOf, WarningsSchema } from './common.ts';

/** The decisions, worst first. */
export const ROLLOUT_DECISIONS = ['NO-GO', 'CAUTION', 'GO'] as const;
export type RolloutDecision = (typeof ROLLOUT_DECISIONS)[number];

/** Numeric value of each decision in the `dwcp_monitor_rollout_decision` gauge (higher is better). */
export const DECISION_VALUE = { 'NO-GO': 0, CAUTION: 1, GO: 2 } as const satisfies Readonly<Record<RolloutDecision, number>>;

/** One reason for the decision, with the number behind it (null for a metric without data). */
export const DecisionDriverSchema = z.strictObject({
  source: z.enum(['guard', 'canary', 'regression', 'margin', 'nodata', 'sla']),
  name: z.string(),
  effect: z.enum(['forces-no-go', 'lowers-score', 'blocks-go', 'supports-go']),
  value: maybeNumber,
  text: z.string(),
});

/** One SLA check: met or not (boolean) or a compliance ratio in [0, 1] compared with `target`. */
export const SlaCheckSchema = z.strictObject({
  name: z.string(),
  compliance: z.union([z.boolean(), z.number()]),
  target: z.number().optional(),
  critical: z.boolean().optional(),
  weight: z.number().optional(),
  detail: z.string().optional(),
});

/** An absolute guard on a canary statistic and whether it was breached. */
export const GuardResultSchema = z.strictObject({
  statistic: z.enum(['mean', 'p50', 'p95', 'p99', 'max', 'min']),
  value: z.number(),
  max: z.number().nullable(),
  min: z.number().nullable(),
  breached: z.boolean(),
});

/**
 * The canary verdict of one metric (Mann-Whitney U with a Hodges-Lehmann shift and a tolerance band). For
 * `classification: 'nodata'` the medians, shifts, effects, p-value and band are null.
 */
export const MetricJudgementSchema = z.strictObject({
  metric: z.string(),
  unit: z.string(),
  badDirection: z.enum(['increase', 'decrease', 'either']),
  classification: z.enum(['pass', 'high', 'low', 'nodata']),
  failed: z.boolean(),
  critical: z.boolean(),
  weight: z.number(),
  nBaseline: z.number().int().nonnegative(),
  nCanary: z.number().int().nonnegative(),
  baselineMedian: maybeNumber,
  canaryMedian: maybeNumber,
  shift: maybeNumber,
  shiftLower: maybeNumber,
  shiftUpper: maybeNumber,
  effectPercent: maybeNumber,
  effectLowerPercent: maybeNumber,
  effectUpperPercent: maybeNumber,
  degradationPercent: maybeNumber,
  degradationUpperPercent: maybeNumber,
  pValue: maybeNumber,
  significant: z.boolean(),
  tolerance: z.number(),
  confidence: z.number(),
  bandLower: maybeNumber,
  bandUpper: maybeNumber,
  guard: GuardResultSchema.nullable(),
  reason: z.string(),
});
export type MetricJudgement = z.infer<typeof MetricJudgementSchema>;

/** A significant degradation beyond the threshold, with its severity. */
export const RegressionSchema = z.strictObject({
  metric: z.string(),
  severity: z.enum(SEVERITIES),
  degradationPercent: z.number(),
  pValue: z.number(),
  v1Value: z.number(),
  v3Value: z.number(),
});

/** Summary statistics of one protocol version over the window (null without data). */
export const VersionSummarySchema = z.strictObject({
  transfers: z.number().int().nonnegative(),
  throughputMeanMbps: maybeNumber,
  latencyP50Seconds: maybeNumber,
  latencyP95Seconds: maybeNumber,
  latencyP99Seconds: maybeNumber,
  cpuMeanPercent: maybeNumber,
  memoryMeanMb: maybeNumber,
  compressionMedian: maybeNumber,
  migrationMedianSeconds: maybeNumber,
  bandwidthSavedGb: z.number(),
  bandwidthSavedPercent: maybeNumber,
});

/** v1 vs v3: improvements in percent (+ = v3 better), savings and the statistical per-metric deltas. */
export const VersionComparisonSchema = z.strictObject({
  v1: VersionSummarySchema,
  v3: VersionSummarySchema,
  throughputImprovementPercent: maybeNumber,
  latencyP95ImprovementPercent: maybeNumber,
  cpuImprovementPercent: maybeNumber,
  memoryImprovementPercent: maybeNumber,
  compressionImprovementPercent: maybeNumber,
  bandwidthSavedGb: z.number(),
  bandwidthSavedPercent: maybeNumber,
  pricePerGb: z.number(),
  costSavingsUsd: z.number(),
  migrationSpeedup: maybeNumber,
  deltas: listOf(MetricJudgementSchema),
});
export type VersionComparison = z.infer<typeof VersionComparisonSchema>;

/** One rollout stage reached while the monitor ran, with the comparison and decision at that moment. */
export const RolloutStageRecordSchema = z.strictObject({
  stage: z.literal(ROLLOUT_STAGES),
  /** Time of the recomputation that saw the stage reached, Unix ms. */
  reachedAtMs: z.number(),
  /** Rollout percentage seen then (≥ stage). */
  rolloutPercent: z.number(),
  /** True for the stage recorded at the monitor's first observation (it may have been reached earlier). */
  atMonitorStart: z.boolean(),
  decision: z.enum(ROLLOUT_DECISIONS),
  /** Decision score in [0, 1]. */
  score: z.number(),
  migrationSpeedup: maybeNumber,
  throughputImprovementPercent: maybeNumber,
  latencyP95ImprovementPercent: maybeNumber,
  cpuImprovementPercent: maybeNumber,
  memoryImprovementPercent: maybeNumber,
  compressionImprovementPercent: maybeNumber,
  bandwidthSavedPercent: maybeNumber,
});
export type RolloutStageRecord = z.infer<typeof RolloutStageRecordSchema>;

/** `data` of GET /api/rollout. */
export const RolloutStatusSchema = z.strictObject({
  decision: z.enum(ROLLOUT_DECISIONS),
  /** Weighted score in [0, 1] and its parts (null when a part had no input). */
  score: z.number(),
  slaScore: maybeNumber,
  canaryScore: maybeNumber,
  /** True when a critical failure forced NO-GO regardless of the score. */
  forced: z.boolean(),
  summary: z.string(),
  drivers: listOf(DecisionDriverSchema),
  comparison: VersionComparisonSchema,
  verdicts: listOf(MetricJudgementSchema),
  regressions: listOf(RegressionSchema),
  sla: listOf(SlaCheckSchema),
  /** Mean of the latest rollout-progress values in percent; null without data. */
  rolloutPercent: maybeNumber,
  /** Per-interval migration means used as samples. */
  samples: z.strictObject({ v1Migrations: z.number().int().nonnegative(), v3Migrations: z.number().int().nonnegative() }),
  window: AnalysisWindowSchema,
  /** Stages reached while the monitor ran, oldest first (bounded). */
  stages: listOf(RolloutStageRecordSchema),
  warnings: WarningsSchema,
});
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

/** Body of GET /api/rollout. */
export const RolloutResponseSchema = successOf(RolloutStatusSchema);
export type RolloutResponse = z.infer<typeof RolloutResponseSchema>;
