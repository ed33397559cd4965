/**
 * Multiwindow, multi-burn-rate alert conditions (The Site Reliability Workbook, chapter 5 "Alerting on SLOs",
 * section 6 "Multiwindow, Multi-Burn-Rate Alerts", table 5-8 and its example rules). Pure, no I/O.
 *
 * Burn rate over a window W = (bad fraction in W) / (1 − objective): 1 spends the budget exactly over the SLO
 * window, 14.4 spends 2 % of a 30-day budget in one hour. A pair fires when the burn rate over the long window
 * AND over the short window both exceed the factor (strictly, as the workbook's `>` rules), once both windows are
 * measured well enough, the long window holds enough events for one bad event not to exceed the factor on its
 * own, and the bad count is significant ({@link evaluateBurnRates}).
 *
 * @see https://sre.google/workbook/alerting-on-slos/ (multiwindow, multi-burn-rate alerts; low-traffic services)
 */
import { binomialUpperTail } from '../../math/binomial.ts';
import { formatDuration } from '../../model/duration.ts';
import { DEFAULT_SLO_EVIDENCE } from '../../model/insight-settings.ts';
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

/** Evidence a pair needs before it may fire (see {@link evaluateBurnRates}). */
export interface BurnRateEvidence {
  /** Share 0..1 of each window (long and short) that must hold measured steps. */
  readonly minWindowCoverage: number;
  /**
   * Significance level of the one-sided binomial test of the long window's bad count against the pair's own
   * threshold, a bad fraction of factor × (1 − objective): the pair fires only when
   * P(X ≥ bad | valid, factor × (1 − objective)) < alpha, i.e. when the data show that the burn rate exceeds the
   * factor, not merely that its point estimate does.
   */
  readonly alpha: number;
}

/** Defaults of {@link BurnRateEvidence}: 90 % of each window measured, alpha 0.05. */
export const DEFAULT_BURN_RATE_EVIDENCE: BurnRateEvidence = Object.freeze({
  minWindowCoverage: DEFAULT_SLO_EVIDENCE.minWindowCoverage,
  alpha: DEFAULT_SLO_EVIDENCE.alpha,
});

/**
 * Valid events (or measured steps of a time-based SLI) a long window must hold before its pair may be judged:
 * the smallest n with 1 / n ≤ factor × (1 − objective), so that a single bad event cannot by itself put the
 * window's bad fraction above the pair's threshold (`>` is strict). 70 for ×14.4 at 99.9 %, 1000 for ×1.
 * The workbook's "low-traffic services" section names the failure mode this prevents (one failure among a few
 * requests reads as a 100 % error rate) and proposes a minimum event count among its remedies.
 * @param objective in (0, 1); factor > 0 (validated by the caller)
 * @see https://sre.google/workbook/alerting-on-slos/ ("Low-traffic services and error budget alerting")
 */
export function minBurnEvents(factor: number, objective: number): number {
  const threshold = Math.min(1, factor * (1 - objective));
  // 12 significant digits absorb the float error of 1 − objective (1 / (1 × 0.001) must be 1000, not 1000.0000000001).
  return Math.ceil(Number((1 / threshold).toPrecision(12)));
}

/** Burn rate over one window ending at `now`; null fields when the window holds no valid data. */
export interface BurnRateWindow {
  readonly windowMs: number;
  /** bad / valid in the window (events, or bad time / measured time). */
  readonly badFraction: number | null;
  readonly burnRate: number | null;
  /** Steps with valid data inside the window. */
  readonly steps: number;
  /** Measured time in the window: steps present in the series (with or without events) × step, at most the window. */
  readonly observedMs: number;
  /** observedMs / windowMs, 0..1. */
  readonly coverage: number;
  /** Bad and valid amounts in the window (events, or steps of a time-based SLI). */
  readonly bad: number;
  readonly valid: number;
}

/** Whether a pair fires, stays quiet on sufficient evidence, or cannot be judged yet. */
export type BurnRateState = 'firing' | 'quiet' | 'insufficient-data';

/** Evaluation of one pair. */
export interface BurnRateAlert extends BurnRatePair {
  /** Share of the whole SLO-window budget a burn at `factor` spends in the long window: factor × long / SLO window. */
  readonly budgetConsumed: number;
  readonly long: BurnRateWindow;
  readonly short: BurnRateWindow;
  /** Valid events the long window must hold before the pair is judged ({@link minBurnEvents}). */
  readonly minEvents: number;
  /**
   * `firing` when both windows are covered, the long window holds `minEvents`, both burn rates exceed `factor`
   * and the long window's bad count is significant against the objective; `insufficient-data` when a window is
   * not covered enough, the long window holds fewer events, or the burn exceeds the factor without
   * significance; `quiet` otherwise.
   */
  readonly state: BurnRateState;
  /** state === 'firing'. */
  readonly firing: boolean;
  /** One-sided binomial p-value of the long window's bad count against factor × (1 − objective); null without data. */
  readonly pValue: number | null;
  /** What the pair still needs before it can fire (empty unless `insufficient-data`). */
  readonly missing: readonly string[];
}

/**
 * Prefix sums over the steps of a series, so any window's bad and valid amounts cost one binary search.
 * `bad[i]`, `valid[i]`, `withData[i]`, `observed[i]` are sums over steps `[0, i)` (for time-based SLIs bad and
 * valid count steps); memory is four Float64Arrays of length n + 1.
 */
export interface StepPrefix {
  readonly times: readonly number[];
  readonly stepMs: number;
  readonly bad: Float64Array;
  readonly valid: Float64Array;
  /** Number of steps with valid > 0. */
  readonly withData: Float64Array;
  /** Number of steps present in the series (measured, with or without events). */
  readonly observed: Float64Array;
}

/**
 * Burn rate over the window `[now − windowMs, now)`: steps count when their start lies in the window.
 * @param objective in (0, 1) (validated by the caller)
 */
export function burnRateWindow(
  prefix: StepPrefix,
  objective: number,
  windowMs: number,
  nowMs: number,
): BurnRateWindow {
  const from = firstIndexAtLeast(prefix.times, nowMs - windowMs);
  const to = firstIndexAtLeast(prefix.times, nowMs);
  const valid = prefix.valid[to]! - prefix.valid[from]!;
  const bad = prefix.bad[to]! - prefix.bad[from]!;
  const steps = prefix.withData[to]! - prefix.withData[from]!;
  const observedMs = Math.min(windowMs, (prefix.observed[to]! - prefix.observed[from]!) * prefix.stepMs);
  const base = { windowMs, steps, observedMs, coverage: observedMs / windowMs, bad, valid };
  if (!(valid > 0)) return { ...base, badFraction: null, burnRate: null };
  const badFraction = bad / valid;
  return { ...base, badFraction, burnRate: badFraction / (1 - objective) };
}

/** Whole seconds of `ms` as duration text (`12m30s`). */
function seconds(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/** A count as text with at most 3 decimals. */
function amount(x: number): string {
  return String(Number(x.toFixed(3)));
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10} %`;
}

/**
 * Evaluates alerting pairs at `now`. A pair fires when (SRE workbook, "Multiwindow, Multi-Burn-Rate Alerts")
 * the burn rate over the long window AND over the short window exceed its factor — and, the evidence this
 * monitor adds, when both windows are measured for at least `minWindowCoverage` of their length (a 1-hour
 * window with 30 s of data is not a 1-hour burn rate), when the long window holds at least
 * {@link minBurnEvents} valid events (one bad event among fewer would exceed the factor on its own: the
 * workbook's low-traffic failure mode) and the long window's bad count shows that the burn exceeds
 * the factor (one-sided exact binomial test at `alpha` against a bad fraction of factor × (1 − objective): one
 * failure among a handful of events does not page, two of five do). With many events the test passes as soon as
 * the burn is a few percent above the factor, so the workbook's behaviour is kept there.
 * @param objective in (0, 1); `evidence` validated by the caller
 * @param sloWindowMs the SLO window, for `budgetConsumed`
 */
export function evaluateBurnRates(
  prefix: StepPrefix,
  objective: number,
  sloWindowMs: number,
  pairs: readonly BurnRatePair[],
  nowMs: number,
  evidence: BurnRateEvidence = DEFAULT_BURN_RATE_EVIDENCE,
): BurnRateAlert[] {
  return pairs.map((p) => {
    const long = burnRateWindow(prefix, objective, p.longWindowMs, nowMs);
    const short = burnRateWindow(prefix, objective, p.shortWindowMs, nowMs);
    const missing: string[] = [];
    for (const [name, w] of [
      ['long', long],
      ['short', short],
    ] as const) {
      if (w.coverage < evidence.minWindowCoverage) {
        missing.push(
          `${name} window ${seconds(w.windowMs)}: ${seconds(w.observedMs)} measured (${pct(w.coverage)}); ${pct(evidence.minWindowCoverage)} needed`,
        );
      }
    }
    const minEvents = minBurnEvents(p.factor, objective);
    if (long.valid < minEvents) {
      missing.push(
        `long window ${seconds(long.windowMs)}: ${amount(long.valid)} valid events; ${minEvents} needed so that one bad event cannot exceed ×${p.factor}`,
      );
    }
    const pValue =
      long.valid > 0
        ? binomialUpperTail(long.bad, long.valid, Math.min(1, p.factor * (1 - objective)))
        : null;
    const above =
      long.burnRate !== null &&
      short.burnRate !== null &&
      long.burnRate > p.factor &&
      short.burnRate > p.factor;
    if (above && missing.length === 0 && pValue !== null && !(pValue < evidence.alpha)) {
      missing.push(
        `long window ${seconds(long.windowMs)}: ${amount(long.bad)} bad of ${amount(long.valid)} does not show a burn above ×${p.factor} ` +
          `(p = ${pValue.toPrecision(2)}; below ${evidence.alpha} needed)`,
      );
    }
    const state: BurnRateState = missing.length > 0 ? 'insufficient-data' : above ? 'firing' : 'quiet';
    return {
      ...p,
      budgetConsumed: (p.factor * p.longWindowMs) / sloWindowMs,
      minEvents,
      long,
      short,
      state,
      firing: state === 'firing',
      pValue,
      missing,
    };
  });
}
