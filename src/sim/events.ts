/**
 * Benign events for the simulator: changes a monitor must NOT page on, in contrast to the faults of
 * `faults.ts`, which are labelled as ground truth. Used by the labelled-scenario evaluation
 * (src/eval/dwcp/) to measure false alerts on deploy-like level shifts.
 *
 * A level shift is a permanent step from `startMs` on: once started it never ends (a deploy that changed the
 * node's performance for good). It is applied through the same knobs as the faults, so every knock-on effect of
 * the knob follows as it would for a fault:
 * - `latency`: multiplies the link latency, the RDMA latency and the ASS sync latency (like a latency_spike's
 *   `latencyFactor`; everything derived from the link latency follows: operation and migration latencies,
 *   federation sync durations, TCP stream counts, and on datacenter nodes a small throughput change through
 *   the RTT). A factor < 1 is a speed-up.
 * - `throughput`: multiplies the transfer throughput (like a throughput_drop's `throughputFactor`; bytes,
 *   utilisations, migration durations, the migration speedup factor and SLA compliance follow). A factor > 1
 *   is a gain.
 * Unlike faults, level shifts carry no labels: any anomaly they cause is a false alert.
 */
import { InvalidInputError } from '../errors.ts';
import type { FaultEffects } from './faults.ts';

/** The quantity a level shift multiplies. */
export type LevelShiftTarget = 'latency' | 'throughput';

/** Every {@link LevelShiftTarget}. */
export const LEVEL_SHIFT_TARGETS: readonly LevelShiftTarget[] = Object.freeze(['latency', 'throughput']);

/** Largest step factor accepted either way (a ×10 or ÷10 "benign" step is no longer a deploy-like change). */
export const MAX_SHIFT_FACTOR = 10;

/** One permanent step on one node; times relative to the simulation start (ms). */
export interface LevelShift {
  readonly target: LevelShiftTarget;
  /** 0-based node index. */
  readonly node: number;
  /** From this relative time on (inclusive) the factor applies, for good. */
  readonly startMs: number;
  /** Multiplier of the target quantity, in [1/MAX_SHIFT_FACTOR, MAX_SHIFT_FACTOR]. */
  readonly factor: number;
}

/**
 * Checks one level shift.
 * @throws InvalidInputError for an unknown target, a node index that is not a non-negative integer, a start
 *   that is not finite and >= 0, or a factor outside [1/MAX_SHIFT_FACTOR, MAX_SHIFT_FACTOR].
 */
export function validateLevelShift(s: LevelShift): void {
  if (!LEVEL_SHIFT_TARGETS.includes(s.target))
    throw new InvalidInputError(
      `level shift target must be one of ${LEVEL_SHIFT_TARGETS.join(', ')}, got ${String(s.target)}`,
    );
  if (!Number.isInteger(s.node) || s.node < 0)
    throw new InvalidInputError(`level shift node must be an integer >= 0, got ${s.node}`);
  if (!Number.isFinite(s.startMs) || s.startMs < 0)
    throw new InvalidInputError(`level shift start must be a finite number >= 0 ms, got ${s.startMs}`);
  if (!(Number.isFinite(s.factor) && s.factor >= 1 / MAX_SHIFT_FACTOR && s.factor <= MAX_SHIFT_FACTOR))
    throw new InvalidInputError(
      `level shift factor must be in [${1 / MAX_SHIFT_FACTOR}, ${MAX_SHIFT_FACTOR}], got ${s.factor}`,
    );
}

/**
 * `effects` with the level shifts of `shifts` (already filtered to one node) that started at or before the
 * relative time `tMs` multiplied in. Returns `effects` itself when no shift has started (no allocation).
 */
export function withLevelShifts(
  effects: FaultEffects,
  shifts: readonly LevelShift[],
  tMs: number,
): FaultEffects {
  let latency = 1;
  let throughput = 1;
  for (const s of shifts) {
    if (tMs < s.startMs) continue;
    if (s.target === 'latency') latency *= s.factor;
    else throughput *= s.factor;
  }
  if (latency === 1 && throughput === 1) return effects;
  return {
    ...effects,
    latencyFactor: effects.latencyFactor * latency,
    throughputFactor: effects.throughputFactor * throughput,
  };
}
