/**
 * Multiwindow, multi-burn-rate alert conditions (The Site Reliability Workbook, chapter 5 "Alerting on SLOs",
 * section 6 "Multiwindow, Multi-Burn-Rate Alerts", table 5-8 and its example rules). Pure, no I/O.
 *
 * Burn rate over a window W = (bad fraction in W) / (1 − objective): 1 spends the budget exactly over the SLO
 * window, 14.4 spends 2 % of a 30-day budget in one hour. A pair fires when the burn rate over the long window
 * AND over the short window both exceed the factor (strictly, as the workbook's `>` rules).
 */
import { firstIndexAtLeast } from '../../math/sorted.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One alerting pair: long and short window (ms) and the burn-rate factor both must exceed. */
export interface BurnRatePair {
  readonly severity: 'page' | 'ticket';
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
  readonly factor: number;
}

/**
 * The workbook's recommended pairs for a 30-day SLO: 1h/5m ×14.4 page (2 % of budget), 6h/30m ×6 page (5 %),
 * 1d/2h ×3 ticket (10 %), 3d/6h ×1 ticket (10 %).
 */
export const SRE_WORKBOOK_BURN_RATE_PAIRS: readonly BurnRatePair[] = [
  { severity: 'page', longWindowMs: HOUR, shortWindowMs: 5 * MIN, factor: 14.4 },
  { severity: 'page', longWindowMs: 6 * HOUR, shortWindowMs: 30 * MIN, factor: 6 },
  { severity: 'ticket', longWindowMs: DAY, shortWindowMs: 2 * HOUR, factor: 3 },
  { severity: 'ticket', longWindowMs: 3 * DAY, shortWindowMs: 6 * HOUR, factor: 1 },
];

/** Burn rate over one window ending at `now`; null fields when the window holds no valid data. */
export interface BurnRateWindow {
  readonly windowMs: number;
  /** bad / valid in the window (events, or bad time / measured time). */
  readonly badFraction: number | null;
  readonly burnRate: number | null;
  /** Steps with data inside the window. */
  readonly steps: number;
}

/** Evaluation of one pair. */
export interface BurnRateAlert extends BurnRatePair {
  /** Share of the whole SLO-window budget a burn at `factor` spends in the long window: factor × long / SLO window. */
  readonly budgetConsumed: number;
  readonly long: BurnRateWindow;
  readonly short: BurnRateWindow;
  /** True when both windows have data and both burn rates exceed `factor`. */
  readonly firing: boolean;
}

/**
 * Prefix sums over the steps of a series, so any window's bad and valid amounts cost one binary search.
 * `bad[i]`, `valid[i]`, `withData[i]` are sums over steps `[0, i)` (for time-based SLIs bad and valid count
 * steps); memory is three Float64Arrays of length n + 1.
 */
export interface StepPrefix {
  readonly times: readonly number[];
  readonly bad: Float64Array;
  readonly valid: Float64Array;
  /** Number of steps with valid > 0. */
  readonly withData: Float64Array;
}

/**
 * Burn rate over the window `[now − windowMs, now)`: steps count when their start lies in the window.
 * @param objective in (0, 1) (validated by the caller)
 */
export function burnRateWindow(prefix: StepPrefix, objective: number, windowMs: number, nowMs: number): BurnRateWindow {
  const from = firstIndexAtLeast(prefix.times, nowMs - windowMs);
  const to = firstIndexAtLeast(prefix.times, nowMs);
  const valid = prefix.valid[to]! - prefix.valid[from]!;
  const bad = prefix.bad[to]! - prefix.bad[from]!;
  const steps = prefix.withData[to]! - prefix.withData[from]!;
  if (!(valid > 0)) return { windowMs, badFraction: null, burnRate: null, steps };
  const badFraction = bad / valid;
  return { windowMs, badFraction, burnRate: badFraction / (1 - objective), steps };
}

/**
 * Evaluates alerting pairs at `now`.
 * @param sloWindowMs the SLO window, for `budgetConsumed`
 */
export function evaluateBurnRates(
  prefix: StepPrefix,
  objective: number,
  sloWindowMs: number,
  pairs: readonly BurnRatePair[],
  nowMs: number,
): BurnRateAlert[] {
  return pairs.map((p) => {
    const long = burnRateWindow(prefix, objective, p.longWindowMs, nowMs);
    const short = burnRateWindow(prefix, objective, p.shortWindowMs, nowMs);
    const firing = long.burnRate !== null && short.burnRate !== null && long.burnRate > p.factor && short.burnRate > p.factor;
    return { ...p, budgetConsumed: (p.factor * p.longWindowMs) / sloWindowMs, long, short, firing };
  });
}
