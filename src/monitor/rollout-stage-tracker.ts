/**
 * Rollout-stage snapshots kept live: fed by the periodic insights recomputation (`exportInsights`, every 15 s in
 * the monitor) with the rollout status, it runs the pure reducer {@link reduceRollout}
 * (src/analysis/canary/rollout-tracker.ts) on `dwcp_v3_rollout_progress_percent` and keeps, for each stage
 * (0/10/25/50/75/100 %) crossed upward, the v1/v3 comparison and the decision at that moment. Served in
 * GET /api/rollout as `stages`.
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
}

export interface RolloutStageTrackerOptions {
  /** Stage records kept; default 64 (the reducer's default). */
  readonly maxStages?: number;
}

export const DEFAULT_MAX_STAGES = 64;

interface StageMeta {
  readonly decision: RolloutDecision;
  readonly score: number;
  readonly atMonitorStart: boolean;
}

export class RolloutStageTracker {
  readonly #maxStages: number;
  #state: RolloutTrackerState | null = null;
  #lastMs = -Infinity;
  /** Decision and score per recomputation time that took snapshots (the reducer keeps the comparison only). */
  readonly #meta = new Map<number, StageMeta>();

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
      this.#meta.set(nowMs, { decision: o.decision, score: o.score, atMonitorStart: first });
      const oldest = after.snapshots[0]?.atMs ?? Infinity;
      for (const t of this.#meta.keys()) if (t < oldest) this.#meta.delete(t);
    }
    return true;
  }

  /** The stages reached, oldest first (at most `maxStages`). */
  stages(): RolloutStageRecord[] {
    return (this.#state?.snapshots ?? []).map((s) => {
      const meta = this.#meta.get(s.atMs)!;
      const c = s.comparison;
      return {
        stage: s.stage,
        reachedAtMs: s.atMs,
        rolloutPercent: s.rolloutPercent,
        atMonitorStart: meta.atMonitorStart,
        decision: meta.decision,
        score: meta.score,
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
