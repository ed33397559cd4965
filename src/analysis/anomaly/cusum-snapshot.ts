/**
 * The learned state of the CUSUM detector (cusum.ts) as it is written to a snapshot, and its validation on
 * restore. Fields added after the first version are optional, so older snapshots restore.
 */
import { InvalidInputError } from '../../errors.ts';
import type { BlockTrendState } from './drift-trend.ts';
import type { SeasonalBaselineState } from './seasonal-baseline-options.ts';
import type { StepCalendarState } from './step-calendar.ts';
import type { IncrementTailState } from './cusum-tail.ts';
import type { ScaleChartState } from './scale-chart.ts';
import type { ExcursionGateState } from './cusum-excursion.ts';
import type { ExcursionAnchorState } from './cusum-anchor.ts';

/** Learned state in a snapshot. */
export interface CusumSnapshotState {
  readonly baseline: SeasonalBaselineState;
  readonly up: number;
  readonly down: number;
  /** Samples and summed residual (σ) of the current excursion of each sum, and samples at S ≥ h. */
  readonly upRun: number;
  readonly upSum: number;
  readonly downRun: number;
  readonly downSum: number;
  readonly hold: number;
  readonly lastAnomalous: boolean;
  /** Previous clipped residual and the EW second moments behind the lag-1 autocorrelation. */
  readonly prevZ: number;
  readonly c0: number;
  readonly c1: number;
  /** EW mean of the clipped residuals (with `centred`; 0 otherwise; absent in older snapshots). */
  readonly zMean?: number;
  /** Drift chart (with `drift`; absent otherwise and in older snapshots). */
  readonly drift?: DriftChartState;
  /** Time (ms) each current excursion began (absent in older snapshots). */
  readonly upStartTs?: number;
  readonly downStartTs?: number;
  /** Unclipped summed residual (σ) of each current excursion (absent in older snapshots: the clipped sums). */
  readonly upRaw?: number;
  readonly downRaw?: number;
  /** Weekly step calendar (with `weeklySteps`; absent otherwise and in older snapshots). */
  readonly steps?: StepCalendarState;
  /** Residual histogram and decision intervals (with `calibrateH`; absent otherwise and in older snapshots). */
  readonly tail?: IncrementTailState;
  /** Scale chart (with `scale`; absent otherwise and in older snapshots; checked by scale-chart.ts). */
  readonly scale?: ScaleChartState;
  /** Excursion gate (with `excursionHold`; absent otherwise and in older snapshots; checked by cusum-excursion.ts). */
  readonly excursion?: ExcursionGateState;
  /** Excursion anchor (with `excursionAnchor`; absent otherwise and in older snapshots; checked by cusum-anchor.ts). */
  readonly anchor?: ExcursionAnchorState;
}

/** Learned state of the drift chart. */
export interface DriftChartState {
  readonly up: number;
  readonly down: number;
  readonly mean: number;
  readonly c0: number;
  readonly c1: number;
  readonly votes: number;
  /** Direction already reported (1 up, −1 down, 0 none): no new drift vote that way until its trend has ended. */
  readonly latched: number;
  /** Shift test (`shiftTest`): direction × blocks left during which a reported shift is not voted on again. */
  readonly shiftLatch?: number;
  readonly trend: BlockTrendState;
}

/**
 * Checks the scalar fields of a snapshot's state (sums in [0, cap], counts, moments; the drift chart's when
 * `withDrift`); the baseline, block trend and calendar are checked by their own classes.
 * @throws InvalidInputError naming the first bad field.
 */
export function checkCusumState(s: unknown, cap: number, withDrift: boolean): CusumSnapshotState {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`cusum detector: cannot restore snapshot: ${msg}`);
  };
  const t = s as Partial<Record<keyof CusumSnapshotState, unknown>> | null;
  if (typeof t !== 'object' || t === null) return bad('state is not an object');
  const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  for (const k of ['up', 'down'] as const) {
    const v = t[k];
    if (!(fin(v) && v >= 0 && v <= cap)) bad(`${k} must be in [0, ${cap}]`);
  }
  for (const k of ['upRun', 'downRun', 'hold'] as const) {
    const v = t[k];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
      bad(`${k} must be a safe integer >= 0`);
  }
  if (!fin(t.upSum) || !fin(t.downSum)) bad('upSum and downSum must be finite');
  if (!fin(t.prevZ) || !fin(t.c1) || !(fin(t.c0) && t.c0 > 0)) bad('prevZ, c0 (> 0) and c1 must be finite');
  if (typeof t.lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
  if (t.zMean !== undefined && !fin(t.zMean)) bad('zMean must be finite');
  for (const k of ['upStartTs', 'downStartTs', 'upRaw', 'downRaw'] as const) {
    if (t[k] !== undefined && !fin(t[k])) bad(`${k} must be finite`);
  }
  const dr = t.drift as Partial<Record<keyof DriftChartState, unknown>> | undefined;
  if (dr !== undefined && withDrift) {
    if (typeof dr !== 'object' || dr === null) bad('drift must be an object');
    for (const k of ['up', 'down'] as const) {
      const v = dr[k];
      if (!(fin(v) && v >= 0 && v <= cap)) bad(`drift.${k} must be in [0, ${cap}]`);
    }
    if (!fin(dr.mean) || !fin(dr.c1) || !(fin(dr.c0) && dr.c0 > 0))
      bad('drift mean, c0 (> 0) and c1 must be finite');
    if (!(Number.isSafeInteger(dr.votes) && [-1, 0, 1].includes(dr.latched as number)))
      bad('drift.votes must be an integer and drift.latched -1, 0 or 1');
    if (
      dr.shiftLatch !== undefined &&
      !(Number.isSafeInteger(dr.shiftLatch) && Math.abs(dr.shiftLatch as number) <= 32)
    )
      bad('drift.shiftLatch must be an integer in [-32, 32]');
  }
  return t as CusumSnapshotState;
}
