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
export const DECISION_VALUE = { 'NO-GO': 0, CAUTION: 1, GO: 2 } as const satisfies Readonly<
  Record<RolloutDecision, number>
>;

/** One reason for the decision, with the number behind it (null for a metric without data). */
export const DecisionDriverSchema = z.strictObject({
  source: z.enum(['guard', 'canary', 'regression', 'margin', 'nodata', 'sla', 'evidence']),
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
  /** Mean memory utilisation in percent (when memory is known as a share of the node's memory). */
  memoryMeanPercent: maybeNumber,
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

/** State of one metric's sequential test at a look (see docs/rollout-analysis.md, "Decision"). */
export const EVIDENCE_STATES = ['nodata', 'insufficient', 'undecided', 'non-inferior', 'regression'] as const;

/** The sequential (always-valid) test of one metric over the current stage. */
export const StageMetricEvidenceSchema = z.strictObject({
  metric: z.string(),
  unit: z.string(),
  badDirection: z.enum(['increase', 'decrease']),
  critical: z.boolean(),
  state: z.enum(EVIDENCE_STATES),
  /** Events (migrations, compressions) and observation clusters (scrape intervals, gauge values) per version. */
  v1Events: z.number().nonnegative(),
  v3Events: z.number().nonnegative(),
  v1Observations: z.number().int().nonnegative(),
  v3Observations: z.number().int().nonnegative(),
  /** Pooled means over the stage (null without data). */
  v1Mean: maybeNumber,
  v3Mean: maybeNumber,
  /** Strata (nodes) compared. */
  strata: z.number().int().nonnegative(),
  /** Degradation of v3 in percent (+ = worse) and its always-valid confidence-sequence bounds; null before any estimate. */
  degradationPercent: maybeNumber,
  lowerPercent: maybeNumber,
  upperPercent: maybeNumber,
  /** Always-valid p-value of "no difference". */
  pValue: maybeNumber,
  /** First look (Unix ms) at which the metric was non-inferior / a regression; null if never. */
  firstNonInferiorMs: maybeNumber,
  firstRegressionMs: maybeNumber,
  /**
   * While undecided: further time (ms) and v3 events needed for non-inferiority at the current estimate and rate;
   * null values when the estimate itself is beyond the tolerance. Null when the metric is decided.
   */
  needed: z.strictObject({ moreMs: maybeNumber, moreV3Events: maybeNumber }).nullable(),
  reason: z.string(),
});
export type StageMetricEvidence = z.infer<typeof StageMetricEvidenceSchema>;

/** The first GO or NO-GO of the evidence in the current stage. */
export const FirstDecisionSchema = z.strictObject({
  decision: z.enum(['GO', 'NO-GO']),
  /** Look time, Unix ms. */
  atMs: z.number(),
  /** Time to decision: from the evidence start, ms. */
  afterMs: z.number().nonnegative(),
});

/** The statistical evidence of the current rollout stage (mixture sequential probability ratio test). */
export const StageEvidenceSchema = z.strictObject({
  method: z.literal('mixture-sprt'),
  /** Error probability of each confidence sequence over all looks. */
  alpha: z.number(),
  /** Tolerated regression (non-inferiority margin) and regression threshold, percent. */
  marginPercent: z.number(),
  thresholdPercent: z.number(),
  /** When the current stage started (the latest change of the rollout percentage in the data read). */
  stageStartMs: z.number(),
  /** False when the stage began before the data read (e.g. before the monitor started): evidence since the first point. */
  startObserved: z.boolean(),
  /** Evidence period (the stage, at most `maxEvidenceMs` back) and the time so far. */
  startMs: z.number(),
  endMs: z.number(),
  elapsedMs: z.number().nonnegative(),
  looks: z.number().int().nonnegative(),
  lookEveryMs: z.number(),
  /** Decision of the evidence alone now (the SLAs aside). */
  decision: z.enum(ROLLOUT_DECISIONS),
  /** First look at which the decision (evidence and SLAs) was GO or NO-GO; null while it never was. */
  firstDecision: FirstDecisionSchema.nullable(),
  /** First look with GO, and first look with NO-GO (Unix ms); null if none. */
  firstGoAtMs: maybeNumber,
  firstNoGoAtMs: maybeNumber,
  metrics: listOf(StageMetricEvidenceSchema),
});
export type StageEvidence = z.infer<typeof StageEvidenceSchema>;

/** Figures compared per version from per-migration counters (see docs/rollout-analysis.md, "Figures per version"). */
export const VERSION_FIGURES = ['throughput', 'cpu', 'memory', 'bandwidth_saved'] as const;

const figureCounts = {
  figure: z.enum(VERSION_FIGURES),
  /** What is compared per version (e.g. "CPU seconds per GiB of guest memory migrated") and its unit. */
  quantity: z.string(),
  unit: z.string(),
  /** Migrations and observation clusters (scrape intervals; nodes where one node runs one version) per version. */
  v1Events: z.number().nonnegative(),
  v3Events: z.number().nonnegative(),
  v1Observations: z.number().int().nonnegative(),
  v3Observations: z.number().int().nonnegative(),
  /** Nodes compared (a node running both versions is its own stratum). */
  strata: z.number().int().nonnegative(),
  /**
   * One-version nodes (a node canary) compared against their own v1 baseline before the stage (difference in
   * differences); 0 when none.
   */
  baselineNodes: z.number().int().nonnegative(),
};

/**
 * One figure compared per version: `measured` with the pooled means, the node-stratified improvement of v3 (+ =
 * better) and its fixed-window confidence interval, or `insufficient-data` with what is `missing`.
 */
export const VersionFigureSchema = z.discriminatedUnion('state', [
  z.strictObject({
    ...figureCounts,
    state: z.literal('measured'),
    v1Mean: z.number(),
    v3Mean: z.number(),
    improvementPercent: z.number(),
    lowerPercent: z.number(),
    upperPercent: z.number(),
    /** Confidence of [lowerPercent, upperPercent] (one window, not valid under repeated looks). */
    confidence: z.number(),
  }),
  z.strictObject({ ...figureCounts, state: z.literal('insufficient-data'), missing: z.string() }),
]);
export type VersionFigure = z.infer<typeof VersionFigureSchema>;

/** Why some comparison figures are null (e.g. node-level figures when every node runs both versions). */
export const FiguresInfoSchema = z.strictObject({
  /** Nodes by version (from the v3_enabled feature flag). */
  nodes: z.strictObject({ v1: z.number().int().nonnegative(), v3: z.number().int().nonnegative() }),
  notes: listOf(z.string()),
  /** Throughput, CPU, memory and bandwidth saved per version from the per-migration counters. */
  perVersion: listOf(VersionFigureSchema),
});

/**
 * One rollout stage reached while the monitor ran: the comparison at the moment it was reached, and the decision
 * of the stage (updated while the stage is current) with its time to decision.
 */
export const RolloutStageRecordSchema = z.strictObject({
  stage: z.literal(ROLLOUT_STAGES),
  /** Time of the recomputation that saw the stage reached, Unix ms. */
  reachedAtMs: z.number(),
  /** Rollout percentage seen then (≥ stage). */
  rolloutPercent: z.number(),
  /** True for the stage recorded at the monitor's first observation (it may have been reached earlier). */
  atMonitorStart: z.boolean(),
  /** The stage's latest decision while it was current (its final one once the rollout moved on). */
  decision: z.enum(ROLLOUT_DECISIONS),
  /** Decision score in [0, 1] (latest). */
  score: z.number(),
  /** The stage's first GO or NO-GO and the time from the stage start to it, ms; null while undecided. */
  firstDecision: z.enum(['GO', 'NO-GO']).nullable(),
  timeToDecisionMs: maybeNumber,
  /** Last recomputation that updated this record, Unix ms. */
  updatedAtMs: z.number(),
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
  /** True for a NO-GO (a regression shown by the evidence, or a breached critical SLA). */
  forced: z.boolean(),
  summary: z.string(),
  drivers: listOf(DecisionDriverSchema),
  /** v1 vs v3 over `window` (descriptive; the decision reads `evidence`). */
  comparison: VersionComparisonSchema,
  /** Fixed-window Mann-Whitney verdicts over `window` (descriptive; not valid under repeated looks). */
  verdicts: listOf(MetricJudgementSchema),
  regressions: listOf(RegressionSchema),
  sla: listOf(SlaCheckSchema),
  /** Mean of the latest rollout-progress values in percent; null without data. */
  rolloutPercent: maybeNumber,
  /** The sequential test of the current stage behind `decision`. */
  evidence: StageEvidenceSchema,
  figures: FiguresInfoSchema,
  /** Per-interval migration means in the window (the descriptive comparison's samples). */
  samples: z.strictObject({
    v1Migrations: z.number().int().nonnegative(),
    v3Migrations: z.number().int().nonnegative(),
  }),
  window: AnalysisWindowSchema,
  /** Stages reached while the monitor ran, oldest first (bounded). */
  stages: listOf(RolloutStageRecordSchema),
  warnings: WarningsSchema,
});
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

/** Body of GET /api/rollout. */
export const RolloutResponseSchema = successOf(RolloutStatusSchema);
export type RolloutResponse = z.infer<typeof RolloutResponseSchema>;
