/**
 * SLI series: the per-step input of the error-budget analysis, its validation, and the conversion of threshold
 * SLI values (p99 latency, throughput, mean migration time per step) into good/bad steps. Pure, no I/O.
 */
import { InvalidInputError, LimitExceededError } from '../../errors.ts';
import type { ThresholdOp, ThresholdSli } from './definition.ts';

/** Default and hard upper bound of steps per series (30 days at 10 s steps is 259,200). */
export const DEFAULT_MAX_SLI_STEPS = 1_000_000;

/** Event counts of one step `[tMs, tMs + stepMs)`: `good` of `total` valid events (increase of counters). */
export interface EventStep {
  readonly tMs: number;
  readonly good: number;
  readonly total: number;
}

/** One evaluation step `[tMs, tMs + stepMs)` of a time-based SLI; `value` is the measured statistic, if known. */
export interface BoolStep {
  readonly tMs: number;
  readonly good: boolean;
  readonly value?: number;
}

/**
 * A time-ordered SLI series with a fixed step. Missing steps are "no data": neither good nor bad, and they end
 * a violation interval.
 */
export type SliSeries =
  | { readonly kind: 'events'; readonly stepMs: number; readonly steps: readonly EventStep[] }
  | { readonly kind: 'steps'; readonly stepMs: number; readonly steps: readonly BoolStep[] };

/** True when `value op threshold` holds. */
export function compare(value: number, op: ThresholdOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

/** True when larger values are worse for this operator (`<`, `<=`: the worst value is the maximum). */
export function higherIsWorse(op: ThresholdOp): boolean {
  return op === '<' || op === '<=';
}

/**
 * Turns measured values of a threshold SLI into good/bad steps: a step is good when `value op threshold` holds.
 * @param values time-ordered `{tMs, value}` per evaluation step (value in the metric's base unit)
 * @throws InvalidInputError for a non-finite value (a missing measurement must be left out, not sent as NaN).
 */
export function thresholdSteps(
  sli: ThresholdSli,
  values: readonly { readonly tMs: number; readonly value: number }[],
): BoolStep[] {
  return values.map((v, i) => {
    if (!Number.isFinite(v.value))
      throw new InvalidInputError(`steps[${i}].value must be a finite number, got ${v.value}`);
    return { tMs: v.tMs, good: compare(v.value, sli.op, sli.threshold), value: v.value };
  });
}

/**
 * Validates a series: integer step > 0, at most `maxSteps` steps, finite integer times strictly increasing by at
 * least one step (no overlap), all before `nowMs`; event counts finite, >= 0 and good <= total.
 * @throws LimitExceededError when the series has more than `maxSteps` steps (nothing is evaluated).
 * @throws InvalidInputError naming the first bad step.
 */
export function validateSeries(series: SliSeries, nowMs: number, maxSteps: number): void {
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > DEFAULT_MAX_SLI_STEPS) {
    throw new InvalidInputError(
      `maxSteps must be an integer in [1, ${DEFAULT_MAX_SLI_STEPS}], got ${maxSteps}`,
    );
  }
  if (!Number.isFinite(nowMs))
    throw new InvalidInputError(`now must be a finite Unix time in ms, got ${nowMs}`);
  if (!Number.isInteger(series.stepMs) || series.stepMs <= 0) {
    throw new InvalidInputError(
      `stepMs must be a positive integer number of milliseconds, got ${series.stepMs}`,
    );
  }
  const steps = series.steps;
  if (steps.length > maxSteps)
    throw new LimitExceededError(`SLI series has ${steps.length} steps; the limit is ${maxSteps}`);
  let prev = -Infinity;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (!Number.isInteger(s.tMs))
      throw new InvalidInputError(`steps[${i}].tMs must be an integer Unix time in ms, got ${s.tMs}`);
    if (s.tMs < prev + series.stepMs) {
      throw new InvalidInputError(
        `steps[${i}].tMs=${s.tMs} is not after the previous step's end (${prev + series.stepMs}): steps must be sorted and not overlap`,
      );
    }
    if (s.tMs >= nowMs) throw new InvalidInputError(`steps[${i}].tMs=${s.tMs} is not before now (${nowMs})`);
    prev = s.tMs;
    if (series.kind === 'events') {
      const e = s as EventStep;
      if (!Number.isFinite(e.good) || !Number.isFinite(e.total) || e.good < 0 || e.total < 0) {
        throw new InvalidInputError(
          `steps[${i}]: good and total must be finite and >= 0, got good=${e.good} total=${e.total}`,
        );
      }
      if (e.good > e.total) throw new InvalidInputError(`steps[${i}]: good (${e.good}) > total (${e.total})`);
    } else {
      const b = s as BoolStep;
      if (typeof b.good !== 'boolean') throw new InvalidInputError(`steps[${i}].good must be a boolean`);
      if (b.value !== undefined && !Number.isFinite(b.value)) {
        throw new InvalidInputError(`steps[${i}].value must be finite when given, got ${b.value}`);
      }
    }
  }
}
