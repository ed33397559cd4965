/**
 * SLI steps kept between evaluations of a rolling window, and the rule that says when a kept step still equals
 * what a read of the whole window would give. Pure: no clocks, no I/O; the state is kept by
 * src/monitor/slo-incremental.ts.
 *
 * A step `[t, t + step)` of an SLI is derived from the points inside it and, for counter and histogram SLIs, from
 * each series' point before its first point in the step (the increase `increase(prev, cur)` of Prometheus'
 * `increase()` without extrapolation, attributed to the step of `cur`). An evaluation over the window
 * `[W, now]` sees only points at or after `W`, so a step's value read then equals a kept value exactly when
 * (1) no point in it or its predecessors changed (late samples, retention: the store's `RawChangeTracking`),
 * (2) no series can still add points to it (every series with data has a point at or after the step's end:
 *     samples stored in order only come after a series' latest one), and
 * (3) every predecessor the kept value used is still inside the window (`predFloorMs ≥ W`); a predecessor
 *     before `W` means the window read drops that increase. Steps whose predecessors were not inside the read
 *     that derived them are never kept unless that read started at the window start (then the whole window
 *     read has no predecessor there either).
 * The values themselves come from the same pure functions over the same points in the same order, so a kept
 * step is bit-for-bit the window read's step (no floating sums are carried across steps).
 */
import type { QuantileStepCounts } from './quantile.ts';
import type { BoolStep, EventStep, SliSeries } from './series.ts';

/** One derived step kept between evaluations. */
export interface StepRecord {
  /** Step start, Unix ms (a multiple of the step). */
  readonly tMs: number;
  /** The step as the SLI series holds it; null when the series has no step here (no data, or no value). */
  readonly step: EventStep | BoolStep | null;
  /**
   * Earliest predecessor point the step's value used (Unix ms; +Infinity when none): the value equals a window
   * read's while the window starts at or before it.
   */
  readonly predFloorMs: number;
  /** Most points one series read has inside the step (bounds what a window read returns per series). */
  readonly maxPoints: number;
  /** Bucket counts of a quantile SLI for this step; null for the other SLIs. */
  readonly counts: QuantileStepCounts | null;
}

/** Start of the step holding `tMs`. */
export function stepStart(tMs: number, stepMs: number): number {
  return Math.floor(tMs / stepMs) * stepMs;
}

/**
 * For each step, the earliest time among the predecessors of each series' first usable point in it (the point
 * before it in the same series, when the read holds one). `usableTimes` are per series, time-ordered.
 * @returns step start → earliest predecessor time (steps whose first points have no predecessor in the read
 *   are absent)
 */
export function predecessorFloors(
  usableTimes: readonly (readonly number[])[],
  stepMs: number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const ts of usableTimes) {
    for (let i = 1; i < ts.length; i++) {
      const s = stepStart(ts[i]!, stepMs);
      const prev = ts[i - 1]!;
      if (prev >= s) continue;
      const f = out.get(s);
      if (f === undefined || prev < f) out.set(s, prev);
    }
  }
  return out;
}

/**
 * True when some series has a usable point at or after `fromMs` but none before it in the read: its predecessor
 * may lie before the read, so the steps from `fromMs` on cannot be derived from this read alone.
 */
export function lacksPredecessor(usableTimes: readonly (readonly number[])[], fromMs: number): boolean {
  for (const ts of usableTimes) if (ts.length > 0 && ts[0]! >= fromMs) return true;
  return false;
}

/** Step start → the most points one series has in that step (all points, usable or not). */
export function maxPointsByStep(times: readonly (readonly number[])[], stepMs: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const ts of times) {
    let cur = Number.NaN;
    let n = 0;
    const flush = (): void => {
      if (n > (out.get(cur) ?? 0)) out.set(cur, n);
    };
    for (const t of ts) {
      const s = stepStart(t, stepMs);
      if (s !== cur) {
        if (n > 0) flush();
        cur = s;
        n = 0;
      }
      n++;
    }
    if (n > 0) flush();
  }
  return out;
}

/**
 * The records of the steps starting in `[fromMs, toMs)`: every step that holds a point, a value or counts.
 * @param series the SLI series derived from the read (steps outside the range are ignored)
 * @returns records in time order
 */
export function stepRecords(
  series: SliSeries,
  counts: ReadonlyMap<number, QuantileStepCounts> | null,
  preds: ReadonlyMap<number, number>,
  maxPoints: ReadonlyMap<number, number>,
  fromMs: number,
  toMs: number,
): StepRecord[] {
  const starts = new Set<number>();
  const inRange = (t: number): boolean => t >= fromMs && t < toMs;
  const byStep = new Map<number, EventStep | BoolStep>();
  for (const s of series.steps) {
    if (!inRange(s.tMs)) continue;
    byStep.set(s.tMs, s);
    starts.add(s.tMs);
  }
  for (const t of maxPoints.keys()) if (inRange(t)) starts.add(t);
  if (counts !== null) for (const t of counts.keys()) if (inRange(t)) starts.add(t);
  return [...starts]
    .sort((a, b) => a - b)
    .map((tMs) => ({
      tMs,
      step: byStep.get(tMs) ?? null,
      predFloorMs: preds.get(tMs) ?? Number.POSITIVE_INFINITY,
      maxPoints: maxPoints.get(tMs) ?? 0,
      counts: counts?.get(tMs) ?? null,
    }));
}

/**
 * The end of the settled steps: the start of the step holding the earliest of the series' latest points (a
 * series stores later samples only after its latest one), at most the start of the step holding `nowMs`.
 * @param latestMs each series' latest point time (series without points left out)
 */
export function settledEnd(latestMs: Iterable<number>, stepMs: number, nowMs: number): number {
  let min = nowMs;
  for (const t of latestMs) if (t < min) min = t;
  return stepStart(min, stepMs);
}

/** Whether a kept record equals the step a read of the window starting at `windowStartMs` gives (rule 3). */
export function keptValid(r: StepRecord, windowStartMs: number): boolean {
  return r.tMs >= windowStartMs && r.predFloorMs >= windowStartMs;
}

/** The quantile counts of a window: sums of the records' counts (see {@link QuantileStepCounts}). */
export function sumCounts(records: Iterable<StepRecord>): QuantileStepCounts {
  const sum: QuantileStepCounts = {
    undefinedSteps: 0,
    emptySteps: 0,
    forcedMonotonicSteps: 0,
    resets: 0,
    skippedPoints: 0,
  };
  for (const r of records) {
    const c = r.counts;
    if (c === null) continue;
    sum.undefinedSteps += c.undefinedSteps;
    sum.emptySteps += c.emptySteps;
    sum.forcedMonotonicSteps += c.forcedMonotonicSteps;
    sum.resets += c.resets;
    sum.skippedPoints += c.skippedPoints;
  }
  return sum;
}

/** The SLI series of `records` (time-ordered; records without a step left out). */
export function seriesOfRecords(
  kind: SliSeries['kind'],
  stepMs: number,
  records: readonly StepRecord[],
): SliSeries {
  const steps = records.flatMap((r) => (r.step === null ? [] : [r.step]));
  return kind === 'events'
    ? { kind, stepMs, steps: steps as EventStep[] }
    : { kind, stepMs, steps: steps as BoolStep[] };
}
