/**
 * Rollout tracking as pure state transitions (state + event → new state): snapshots of the v1/v3 comparison
 * when a rollout stage (0/10/25/50/75/100 %, seed 000 "Rollout Tracking") is crossed upward, and regression
 * alerts de-duplicated per metric (an alert is raised when a metric starts regressing or its severity changes,
 * not again while it stays the same; recovery clears it). Histories are bounded (oldest dropped).
 *
 * Semantics kept from the original `SetRolloutPercentage` (novacron-inventory §5): a stage m is crossed when
 * old < m ≤ new, so 0 → 0 takes no snapshot and 0 → 30 takes 10 and 25; regression detection runs on every
 * rollout change. Fixed: alerts are de-duplicated and carry v1/v3 values; compression is checked; histories are
 * bounded and their sizes reported. Pure: no clocks (times come with the events), no I/O.
 */
import { InvalidInputError } from '../../errors.ts';
import { ROLLOUT_STAGES } from '../../model/dwcp.ts';
import type { RolloutStage, Severity } from '../../model/dwcp.ts';
import type { VersionComparison } from './comparison.ts';
import { detectRegressions } from './regression.ts';
import type { Regression, RegressionOptions } from './regression.ts';

/** Comparison captured when a stage was crossed. */
export interface RolloutSnapshot {
  readonly stage: RolloutStage;
  readonly atMs: number;
  /** Rollout percentage that triggered the snapshot (≥ stage). */
  readonly rolloutPercent: number;
  readonly comparison: VersionComparison;
}

/** A regression alert: emitted when a metric starts regressing or changes severity. */
export interface RegressionAlert extends Regression {
  readonly atMs: number;
  readonly rolloutPercent: number;
  /** Severity before this alert (null = newly regressing). */
  readonly previousSeverity: Severity | null;
}

export interface RolloutTrackerState {
  readonly rolloutPercent: number;
  /** Oldest first, at most `maxSnapshots`. */
  readonly snapshots: readonly RolloutSnapshot[];
  /** Oldest first, at most `maxAlerts`. */
  readonly alerts: readonly RegressionAlert[];
  /** Current severity per regressing metric (the de-duplication key). */
  readonly active: Readonly<Record<string, Severity>>;
  /** Entries dropped from the bounded histories so far. */
  readonly droppedSnapshots: number;
  readonly droppedAlerts: number;
}

/** `rollout`: the v3 share changed (and the comparison at that moment); `evaluate`: re-check regressions. */
export type RolloutEvent =
  | {
      readonly type: 'rollout';
      readonly percent: number;
      readonly atMs: number;
      readonly comparison: VersionComparison;
    }
  | { readonly type: 'evaluate'; readonly atMs: number; readonly comparison: VersionComparison };

export interface RolloutTrackerOptions {
  readonly maxSnapshots: number;
  readonly maxAlerts: number;
  readonly regression: Partial<RegressionOptions>;
}

export const ROLLOUT_TRACKER_DEFAULTS: RolloutTrackerOptions = Object.freeze({
  maxSnapshots: 64,
  maxAlerts: 256,
  regression: {},
});

/** Initial state: rollout at 0 %, no history. */
export function initialRolloutState(): RolloutTrackerState {
  return { rolloutPercent: 0, snapshots: [], alerts: [], active: {}, droppedSnapshots: 0, droppedAlerts: 0 };
}

/** Stages m with old < m ≤ new, ascending (none when new ≤ old). */
export function stagesCrossed(oldPercent: number, newPercent: number): readonly RolloutStage[] {
  return ROLLOUT_STAGES.filter((m) => oldPercent < m && newPercent >= m);
}

function bounded<T>(
  list: readonly T[],
  add: readonly T[],
  max: number,
): { list: readonly T[]; dropped: number } {
  const all = add.length === 0 ? list : [...list, ...add];
  const dropped = Math.max(0, all.length - max);
  return { list: dropped > 0 ? all.slice(dropped) : all, dropped };
}

/**
 * Applies one event. `rollout`: percent must be finite in [0, 100] (InvalidInputError otherwise); snapshots
 * every stage crossed upward, then detects regressions. `evaluate`: detects regressions only. Detection uses
 * {@link detectRegressions} on `comparison.deltas`; an alert is appended for each regressing metric whose
 * severity differs from the active one; metrics no longer regressing leave `active`. `atMs` must be finite.
 * The input state is not modified. Limits: `maxSnapshots`, `maxAlerts` (integers ≥ 1, InvalidInputError).
 */
export function reduceRollout(
  state: RolloutTrackerState,
  event: RolloutEvent,
  options: Partial<RolloutTrackerOptions> = {},
): RolloutTrackerState {
  const opts: RolloutTrackerOptions = { ...ROLLOUT_TRACKER_DEFAULTS, ...options };
  for (const k of ['maxSnapshots', 'maxAlerts'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1)
      throw new InvalidInputError(`${k} must be an integer >= 1, got ${opts[k]}`);
  }
  if (!Number.isFinite(event.atMs))
    throw new InvalidInputError(`event time must be finite Unix ms, got ${event.atMs}`);
  let percent = state.rolloutPercent;
  let snapshots: readonly RolloutSnapshot[] = state.snapshots;
  let droppedSnapshots = state.droppedSnapshots;
  if (event.type === 'rollout') {
    if (!(Number.isFinite(event.percent) && event.percent >= 0 && event.percent <= 100)) {
      throw new InvalidInputError(`rollout percentage must be in [0, 100], got ${event.percent}`);
    }
    const taken = stagesCrossed(state.rolloutPercent, event.percent).map((stage) => ({
      stage,
      atMs: event.atMs,
      rolloutPercent: event.percent,
      comparison: event.comparison,
    }));
    const b = bounded(snapshots, taken, opts.maxSnapshots);
    snapshots = b.list;
    droppedSnapshots += b.dropped;
    percent = event.percent;
  }
  const found = detectRegressions(event.comparison.deltas, opts.regression);
  const active: Record<string, Severity> = {};
  const fresh: RegressionAlert[] = [];
  for (const r of found) {
    const prev = state.active[r.metric] ?? null;
    active[r.metric] = r.severity;
    if (prev !== r.severity)
      fresh.push({ ...r, atMs: event.atMs, rolloutPercent: percent, previousSeverity: prev });
  }
  const a = bounded(state.alerts, fresh, opts.maxAlerts);
  return {
    rolloutPercent: percent,
    snapshots,
    alerts: a.list,
    active,
    droppedSnapshots,
    droppedAlerts: state.droppedAlerts + a.dropped,
  };
}
