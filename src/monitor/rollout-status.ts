/**
 * The rollout status (GET /api/rollout) from series already read from the store: the sequential evidence of the
 * current stage (./rollout-evidence.ts, src/analysis/canary/sequential-judge.ts) decides GO / CAUTION / NO-GO
 * (src/analysis/canary/stage-decision.ts); the v1 vs v3 comparison and the Mann-Whitney verdicts over `window`
 * are descriptive; the node-level figures come from ./rollout-figures.ts, the per-version figures from the
 * per-migration counters (./rollout-version-figures.ts), which take their place when measured
 * (./rollout-figures-merge.ts). Pure: no clocks, no I/O, so the
 * provider (which reads the store) and the benchmark (which scrapes simulated nodes) run the same code.
 */
import { compareVersions, type VersionComparison } from '../analysis/canary/comparison.ts';
import { judgeCanary } from '../analysis/canary/judge.ts';
import type { SequentialOptions } from '../analysis/canary/sequential-judge.ts';
import { decideStage } from '../analysis/canary/stage-decision.ts';
import type { AnalysisWindow } from '../contract/common.ts';
import type { RolloutStageRecord, RolloutStatus, StageMetricEvidence } from '../contract/rollout.ts';
import type { SeriesPoints } from '../store/types.ts';
import {
  currentRolloutPercent,
  migrationEffect,
  stageEvidence,
  stageStart,
  DEFAULT_LOOK_EVERY_MS,
  type EvidencePaths,
  type EvidenceSeries,
} from './rollout-evidence.ts';
import { versionFigures, type FigureSeries } from './rollout-figures.ts';
import { withVersionFigures } from './rollout-figures-merge.ts';
import { versionFiguresFromMigrations, type ResourceSeries } from './rollout-version-figures.ts';
import {
  buildSlaChecks,
  buildVersionSamples,
  intervalMeans,
  ROLLOUT_METRIC_SPECS,
  SLA_TARGET,
  type RolloutSeries,
} from './rollout-inputs.ts';

/** The rollout status in the API's shape, with the comparison as the engine returned it. */
export type RolloutResult = Omit<RolloutStatus, 'comparison'> & { readonly comparison: VersionComparison };

/** Every series the rollout status reads, over [readStartMs, nowMs]. */
export type RolloutReadSeries = RolloutSeries & EvidenceSeries & FigureSeries & ResourceSeries;

/** Settings of the stage evidence. */
export interface RolloutEvidenceOptions {
  /** Sequential test settings (alpha, margin, threshold, minimum evidence). */
  readonly sequential?: Partial<SequentialOptions>;
  /** Spacing of the looks; default 15 s. */
  readonly lookEveryMs?: number;
  /** Point limit of the read (for the stage start). */
  readonly maxPoints: number;
  /**
   * Longest baseline before an observed stage start (ms; default {@link DEFAULT_BASELINE_MS}): nodes that run one
   * version in the stage are judged against their own v1 mean over this period (rollout-evidence.ts).
   */
  readonly baselineMs?: number;
  /**
   * The effect paths of the sequential test kept between calls (./rollout-evidence.ts `EvidencePaths`; same
   * results); the caller passes the same map to each call of one series of calls. Default: none (every call
   * computes the whole path).
   */
  readonly paths?: EvidencePaths;
}

/** Default longest baseline period before the stage start: 10 minutes (the default descriptive window). */
export const DEFAULT_BASELINE_MS = 600_000;

/** Default longest evidence period: the latest hour of the stage (3600 points per series at 1 s scrapes). */
export const DEFAULT_MAX_EVIDENCE_MS = 3600_000;

/**
 * Whether the SLA checks over the `windowMs` before each look were all met (compliance ≥ target, or no data).
 * O(points + looks) per SLA type with prefix sums.
 */
export function slaMetAt(
  series: readonly SeriesPoints[],
  looksMs: readonly number[],
  windowMs: number,
  target: number = SLA_TARGET,
): boolean[] {
  const byType = new Map<string, { t: number; v: number }[]>();
  for (const s of series) {
    const type = s.series.labels['sla_type'] ?? 'unknown';
    const l = byType.get(type) ?? [];
    s.values.forEach((v, i) => {
      if (Number.isFinite(v)) l.push({ t: s.timestampsMs[i]!, v: Math.min(1, Math.max(0, v)) });
    });
    byType.set(type, l);
  }
  const met = looksMs.map(() => true);
  for (const pts of byType.values()) {
    pts.sort((a, b) => a.t - b.t);
    const prefix = [0];
    for (const p of pts) prefix.push(prefix[prefix.length - 1]! + p.v);
    // index of the first point with t > x
    const after = (x: number): number => {
      let lo = 0;
      let hi = pts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pts[mid]!.t > x) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    looksMs.forEach((look, k) => {
      const a = after(look - windowMs);
      const b = after(look);
      if (b > a && (prefix[b]! - prefix[a]!) / (b - a) < target) met[k] = false;
    });
  }
  return met;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Computes the rollout status.
 * @param rs the series read over [readStartMs, window.endMs] (readStartMs ≤ window.startMs)
 * @param window the descriptive window (comparison, verdicts, SLA checks)
 * @param readStartMs the earliest time read: the evidence starts at the stage start, but not before it
 * @param stages the stage history to include (from the stage tracker)
 * @param warnings the read's warnings (appended to)
 * @throws InvalidInputError from the engines for impossible data or options.
 */
export function computeRolloutStatus(
  rs: RolloutReadSeries,
  window: AnalysisWindow,
  readStartMs: number,
  options: RolloutEvidenceOptions,
  stages: readonly RolloutStageRecord[],
  warnings: string[],
): RolloutResult {
  const nowMs = window.endMs;
  const stage = stageStart(rs.rolloutProgress, options.maxPoints);
  const stageStartMs = stage?.startMs ?? readStartMs;
  const evidenceStartMs = Math.max(stageStartMs, readStartMs);
  const lookEveryMs = options.lookEveryMs ?? DEFAULT_LOOK_EVERY_MS;
  // A node canary's nodes are judged against their own v1 mean before an observed stage start (whatever was read of it).
  const baselineStartMs = stage?.startObserved
    ? Math.max(readStartMs, stageStartMs - (options.baselineMs ?? DEFAULT_BASELINE_MS))
    : undefined;
  const ev = stageEvidence(rs, evidenceStartMs, nowMs, {
    ...options.sequential,
    lookEveryMs,
    ...(baselineStartMs === undefined ? {} : { baselineStartMs }),
    ...(options.paths === undefined ? {} : { paths: options.paths }),
  });

  // Descriptive comparison over the window.
  const { v1, v3 } = buildVersionSamples(rs, window.startMs);
  const figures = versionFigures(rs, window.startMs, nowMs);
  // The speedup is the node-stratified ratio of mean migration times (histogram sums / counts): medians of
  // per-interval means mix intervals of different sizes and nodes of different links, and drift with both.
  const mig = migrationEffect(rs, window.startMs, nowMs);
  const compared = compareVersions({ ...v1, ...figures.v1 }, { ...v3, ...figures.v3 });
  // In a node canary the figures compare each node with its own v1 baseline, as the decision does.
  const perVersion = versionFiguresFromMigrations(
    rs,
    window.startMs,
    nowMs,
    baselineStartMs === undefined ? {} : { stageStartMs, baselineStartMs },
  );
  const merged = withVersionFigures(compared, perVersion, rs, window.startMs, nowMs);
  const notes = [...figures.notes, ...merged.notes];
  const comparison = {
    ...merged.comparison,
    migrationSpeedup: Number.isFinite(mig.logRatio) ? Math.exp(-mig.logRatio) : null,
  };
  const verdicts = judgeCanary([
    { spec: ROLLOUT_METRIC_SPECS[0]!, baseline: v1.latencySeconds, canary: v3.latencySeconds },
    {
      spec: ROLLOUT_METRIC_SPECS[1]!,
      baseline: v1.compressionRatio ?? [],
      canary: v3.compressionRatio ?? [],
    },
  ]);
  const slaSeries = rs.slaCompliance.map((s) => sliceFrom(s, window.startMs));
  const sla = buildSlaChecks(slaSeries);
  const d = decideStage({
    verdicts: ev.verdicts,
    sla,
    looksMs: ev.looksMs,
    evidenceStartMs,
    slaMetAt: slaMetAt(rs.slaCompliance, ev.looksMs, nowMs - window.startMs),
  });
  const metrics: StageMetricEvidence[] = ev.verdicts.map((v) => ({
    metric: v.metric,
    unit: v.unit,
    badDirection: v.badDirection,
    critical: v.critical,
    state: v.state,
    v1Events: v.v1.count,
    v3Events: v.v3.count,
    v1Observations: v.v1.observations,
    v3Observations: v.v3.observations,
    v1Mean: orNull(v.v1.mean),
    v3Mean: orNull(v.v3.mean),
    strata: v.strata,
    degradationPercent: v.degradationPercent,
    lowerPercent: v.lowerPercent,
    upperPercent: v.upperPercent,
    pValue: v.pValue,
    firstNonInferiorMs: v.firstNonInferiorMs,
    firstRegressionMs: v.firstRegressionMs,
    needed: v.needed,
    reason: v.reason,
  }));
  const first = ev.verdicts[0]!;
  return {
    decision: d.decision,
    score: d.score,
    slaScore: d.slaScore,
    canaryScore: d.canaryScore,
    forced: d.forced,
    summary: d.summary,
    drivers: d.drivers,
    comparison,
    verdicts,
    regressions: d.regressions,
    sla,
    rolloutPercent: currentRolloutPercent(rs.rolloutProgress, stageStartMs),
    evidence: {
      method: 'mixture-sprt',
      alpha: first.alpha,
      marginPercent: first.marginPercent,
      thresholdPercent: first.thresholdPercent,
      stageStartMs,
      startObserved: stage?.startObserved ?? false,
      startMs: evidenceStartMs,
      endMs: nowMs,
      elapsedMs: Math.max(0, nowMs - evidenceStartMs),
      looks: ev.looksMs.length,
      lookEveryMs,
      decision: d.evidenceDecision,
      firstDecision: d.firstDecision,
      firstGoAtMs: d.firstGoAtMs,
      firstNoGoAtMs: d.firstNoGoAtMs,
      metrics,
    },
    figures: { nodes: figures.nodes, notes, perVersion },
    samples: {
      v1Migrations: intervalMeans(rs.v1Migration).filter((m) => m.tMs > window.startMs).length,
      v3Migrations: intervalMeans(rs.v3Migration).filter((m) => m.tMs > window.startMs).length,
    },
    window,
    stages,
    warnings,
  };
}

/** The points of `s` at or after `fromMs`. */
function sliceFrom(s: SeriesPoints, fromMs: number): SeriesPoints {
  let i = s.timestampsMs.findIndex((t) => t >= fromMs);
  if (i < 0) i = s.timestampsMs.length;
  return i === 0 ? s : { ...s, timestampsMs: s.timestampsMs.slice(i), values: s.values.slice(i) };
}
