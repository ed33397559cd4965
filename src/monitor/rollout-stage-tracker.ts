/**
 * Rollout-stage snapshots kept live: fed by the periodic insights recomputation (`exportInsights`, every 15 s in
 * the monitor) with the rollout status, it runs the pure reducer {@link reduceRollout}
 * (src/analysis/canary/rollout-tracker.ts) on `dwcp_v3_rollout_progress_percent` and keeps, for each stage
 * (0/10/25/50/75/100 %) crossed upward, the v1/v3 comparison at that moment. While a stage is the current one its
 * record follows the live decision and score, and keeps the first GO / NO-GO of the stage's evidence with the time
 * from the stage start to it (time to decision). Served in GET /api/rollout as `stages`.
 *
 * The first observation: the monitor does not know where the rollout was before it started, so it records only
 * the highest stage ≤ the first observed percentage (0 % → the stage-0 baseline; 30 % → stage 25, not 10),
 * marked `atMonitorStart`. After that the reducer's rule applies (a stage m is reached when old < m ≤ new; a
 * rollback followed by a new rise records the stages again). Bounded: at most `maxStages` records (oldest
 * dropped). The history is lost on restart.
 */
import type { VersionComparison } from '../analysis/canary/comparison.ts';
import type { RolloutDecision } from '../analysis/canary/decision.ts';
import type { RolloutStageRecord } from '../contract/rollout.ts';
import {
  initialRolloutState,
  reduceRollout,
  type RolloutTrackerState,
} from '../analysis/canary/rollout-tracker.ts';
import { InvalidInputError } from '../errors.ts';
import { ROLLOUT_STAGES } from '../model/dwcp.ts';

/** What one recomputation gives the tracker (a subset of the provider's `RolloutStatus`). */
export interface RolloutObservation {
  /** Null without rollout data (nothing is recorded). */
  readonly rolloutPercent: number | null;
  readonly comparison: VersionComparison;
  readonly decision: RolloutDecision;
  readonly score: number;
  /** The stage evidence's first GO / NO-GO (time from the stage start), if any. */
  readonly evidence?: {
    readonly firstDecision: { readonly decision: 'GO' | 'NO-GO'; readonly afterMs: number } | null;
  };
}

export interface RolloutStageTrackerOptions {
  /** Stage records kept; default 64 (the reducer's default). */
  readonly maxStages?: number;
}

export const DEFAULT_MAX_STAGES = 64;

interface StageMeta {
  decision: RolloutDecision;
  score: number;
  readonly atMonitorStart: boolean;
  firstDecision: 'GO' | 'NO-GO' | null;
  timeToDecisionMs: number | null;
  updatedAtMs: number;
}

const metaKey = (stage: number, atMs: number): string => `${stage}@${atMs}`;

export class RolloutStageTracker {
  readonly #maxStages: number;
  #state: RolloutTrackerState | null = null;
  #lastMs = -Infinity;
  /** Decision, score and time to decision per snapshot (the reducer keeps the comparison only); bounded with the snapshots. */
  readonly #meta = new Map<string, StageMeta>();

  /** @throws InvalidInputError when `maxStages` is not an integer ≥ 1. */
  constructor(options: RolloutStageTrackerOptions = {}) {
    this.#maxStages = options.maxStages ?? DEFAULT_MAX_STAGES;
    if (!Number.isInteger(this.#maxStages) || this.#maxStages < 1)
      throw new InvalidInputError(`maxStages must be an integer >= 1, got ${this.#maxStages}`);
  }

  /**
   * Records one recomputation at `nowMs`. Ignored (returns false) without a rollout percentage, for a
   * percentage outside [0, 100] or non-finite, and for a time not after the previous recorded one.
   * @returns true when the observation was applied
   */
  record(o: RolloutObservation, nowMs: number): boolean {
    const p = o.rolloutPercent;
    if (
      p === null ||
      !Number.isFinite(p) ||
      p < 0 ||
      p > 100 ||
      !Number.isFinite(nowMs) ||
      nowMs <= this.#lastMs
    )
      return false;
    const first = this.#state === null;
    const before = this.#state ?? RolloutStageTracker.#startState(p);
    const after = reduceRollout(
      before,
      { type: 'rollout', percent: p, atMs: nowMs, comparison: o.comparison },
      { maxSnapshots: this.#maxStages },
    );
    this.#lastMs = nowMs;
    this.#state = after;
    if (after.snapshots !== before.snapshots) {
      const fresh = after.snapshots.filter((x) => x.atMs === nowMs);
      for (const x of fresh) {
        this.#meta.set(metaKey(x.stage, x.atMs), {
          decision: o.decision,
          score: o.score,
          atMonitorStart: first,
          firstDecision: null,
          timeToDecisionMs: null,
          updatedAtMs: nowMs,
        });
      }
      const kept = new Set(after.snapshots.map((x) => metaKey(x.stage, x.atMs)));
      for (const k of this.#meta.keys()) if (!kept.has(k)) this.#meta.delete(k);
    }
    // The stage the rollout is at (the latest snapshot, unless rolled back below it) follows the live decision.
    const current = after.snapshots[after.snapshots.length - 1];
    if (current !== undefined && p >= current.stage) {
      const meta = this.#meta.get(metaKey(current.stage, current.atMs))!;
      meta.decision = o.decision;
      meta.score = o.score;
      meta.updatedAtMs = nowMs;
      const fd = o.evidence?.firstDecision ?? null;
      if (meta.firstDecision === null && fd !== null) {
        meta.firstDecision = fd.decision;
        meta.timeToDecisionMs = fd.afterMs;
      }
    }
    return true;
  }

  /** The stages reached, oldest first (at most `maxStages`). */
  stages(): RolloutStageRecord[] {
    return (this.#state?.snapshots ?? []).map((s) => {
      const meta = this.#meta.get(metaKey(s.stage, s.atMs))!;
      const c = s.comparison;
      return {
        stage: s.stage,
        reachedAtMs: s.atMs,
        rolloutPercent: s.rolloutPercent,
        atMonitorStart: meta.atMonitorStart,
        decision: meta.decision,
        score: meta.score,
        firstDecision: meta.firstDecision,
        timeToDecisionMs: meta.timeToDecisionMs,
        updatedAtMs: meta.updatedAtMs,
        migrationSpeedup: c.migrationSpeedup,
        throughputImprovementPercent: c.throughputImprovementPercent,
        latencyP95ImprovementPercent: c.latencyP95ImprovementPercent,
        cpuImprovementPercent: c.cpuImprovementPercent,
        memoryImprovementPercent: c.memoryImprovementPercent,
        compressionImprovementPercent: c.compressionImprovementPercent,
        bandwidthSavedPercent: c.bandwidthSavedPercent,
      };
    });
  }

  /** Last rollout percentage applied (null before the first observation) and records dropped so far. */
  get status(): {
    readonly rolloutPercent: number | null;
    readonly stages: number;
    readonly dropped: number;
  } {
    return {
      rolloutPercent: this.#state?.rolloutPercent ?? null,
      stages: this.#state?.snapshots.length ?? 0,
      dropped: this.#state?.droppedSnapshots ?? 0,
    };
  }

  /**
   * State before the first observation `p`: just below the highest stage ≤ p, so that only that stage is
   * crossed (the reducer's rule is old < m ≤ new; −1 makes stage 0 crossable).
   */
  static #startState(p: number): RolloutTrackerState {
    const i = ROLLOUT_STAGES.findLastIndex((m) => m <= p);
    return { ...initialRolloutState(), rolloutPercent: i <= 0 ? -1 : ROLLOUT_STAGES[i - 1]! };
  }
}
