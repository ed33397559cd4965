/**
 * Compliance, error budget, violation intervals and burn rates of one SLO over a time-ordered SLI series.
 * Pure: (data, options, now) → report; no clocks, no I/O.
 *
 * Method (The Site Reliability Workbook, chapter 2 "Implementing SLOs" and chapter 5 "Alerting on SLOs"):
 * - compliance = good / valid over the OBSERVED part of the rolling window `[now − window, now)` (events, or good
 *   time / measured time): steps that were not measured count neither way;
 * - a verdict (`met` / `violated`) only once at least `minObservedMs` (default 30 min, at most the SLO window) was
 *   measured; before that the status is `insufficient-data` and `missing` says what is lacking. `violated` also
 *   needs the bad amount to be significantly above what the objective allows (one-sided binomial test at
 *   `alpha`), so a handful of failures among a few events reads `insufficient-data`, not `violated`;
 * - error budget of the whole SLO window = (1 − objective) × window (time SLIs) or (1 − objective) × the events
 *   the window is expected to hold at the observed rate, valid / coverage (event SLIs). The share consumed so far
 *   is therefore coverage × burn rate over the observed time for both kinds; `remaining` and `remainingFraction`
 *   stay in [0, total] and [0, 1] (`exhausted` says when the budget is spent); the report carries the coverage
 *   the budget rests on;
 * - violation intervals are runs of contiguous bad steps with their real start, end and duration; their sum is
 *   exactly the bad time the compliance is computed from (the original NovaCron monitor never set
 *   `Violation.Duration`, so its compliance always read 100 %);
 * - burn rates over the workbook's multiwindow pairs ({@link SRE_WORKBOOK_BURN_RATE_PAIRS}), each firing only with
 *   both windows covered and a significant bad count ({@link evaluateBurnRates}).
 *
 * @see https://sre.google/workbook/implementing-slos/
 * @see https://sre.google/workbook/alerting-on-slos/
 */
import { InvalidInputError } from '../../errors.ts';
import { binomialUpperTail } from '../../math/binomial.ts';
import { firstIndexAtLeast } from '../../math/sorted.ts';
import { formatDuration } from '../../model/duration.ts';
import { DEFAULT_SLO_EVIDENCE } from '../../model/insight-settings.ts';
import {
  DEFAULT_BURN_RATE_EVIDENCE,
  evaluateBurnRates,
  SRE_WORKBOOK_BURN_RATE_PAIRS,
  type BurnRateAlert,
  type BurnRatePair,
  type StepPrefix,
} from './burn-rate.ts';
import type { Slo } from './definition.ts';
import {
  DEFAULT_MAX_SLI_STEPS,
  higherIsWorse,
  validateSeries,
  type BoolStep,
  type EventStep,
  type SliSeries,
} from './series.ts';

/** Default cap on violation intervals listed in a report (the total bad time always counts every interval). */
export const DEFAULT_MAX_VIOLATIONS = 10_000;

export interface BudgetOptions {
  /** Largest accepted series length; default and maximum {@link DEFAULT_MAX_SLI_STEPS}. */
  readonly maxSteps?: number;
  /** Alerting pairs; default {@link SRE_WORKBOOK_BURN_RATE_PAIRS}. */
  readonly burnRatePairs?: readonly BurnRatePair[];
  /** Most violation intervals listed (the oldest first); default {@link DEFAULT_MAX_VIOLATIONS}. */
  readonly maxViolations?: number;
  /** Measured time needed before a verdict (capped at the SLO window); default {@link DEFAULT_MIN_OBSERVED_MS}. */
  readonly minObservedMs?: number;
  /** Share of each burn-rate window that must be measured before its pair may fire; default 0.9. */
  readonly minWindowCoverage?: number;
  /** Significance level of the binomial tests (verdict `violated`, burn-rate pairs); default 0.05. */
  readonly alpha?: number;
}

/** Default measured time before an SLO gets a verdict (30 min; see model/insight-settings.ts). */
export const DEFAULT_MIN_OBSERVED_MS = DEFAULT_SLO_EVIDENCE.minObservedMs;

/** A run of contiguous bad steps. Times are Unix ms; `endMs` is the end of the last bad step. */
export interface ViolationInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly steps: number;
  /**
   * Worst measured value in the run: for threshold SLIs the largest value (ops `<`, `<=`) or the smallest (`>`,
   * `>=`) when steps carry values; for event SLIs the lowest per-step good ratio; otherwise null.
   */
  readonly worstValue: number | null;
  /** True when the run reaches the newest step and that step ends less than one step before now (ongoing). */
  readonly open: boolean;
}

/**
 * Error budget of the whole SLO window in the unit of the SLI: events (event SLIs) or milliseconds (time SLIs).
 */
export interface ErrorBudget {
  readonly unit: 'events' | 'ms';
  /**
   * Allowed bad amount over the SLO window: (1 − objective) × window in ms, or (1 − objective) × the valid events
   * expected in the window at the observed rate (valid / coverage).
   */
  readonly total: number;
  readonly consumed: number;
  /** max(0, total − consumed). */
  readonly remaining: number;
  /** consumed / total (≥ 0; above 1 when overspent). */
  readonly consumedFraction: number;
  /** max(0, 1 − consumedFraction), in [0, 1]. */
  readonly remainingFraction: number;
  /** True when consumed ≥ total (within 1e-9 relative). */
  readonly exhausted: boolean;
}

/** The evidence a verdict rests on. */
export interface SloEvidence {
  /** Measured time in the window: steps present in the series × step (at most the window). */
  readonly observedMs: number;
  /** Measured time needed for a verdict: min(minObservedMs, window). */
  readonly requiredObservedMs: number;
  readonly minWindowCoverage: number;
  readonly alpha: number;
  /** One-sided binomial p-value of the bad amount against 1 − objective; null without valid data. */
  readonly pValue: number | null;
}

/** Fields of every report. */
interface BudgetReportBase {
  readonly slo: string;
  readonly objective: number;
  readonly windowMs: number;
  readonly windowStartMs: number;
  readonly nowMs: number;
  readonly kind: 'events' | 'time';
  /** Good, bad and valid amounts in the window (events or ms). */
  readonly good: number;
  readonly bad: number;
  readonly valid: number;
  /** Measured time / SLO window (0..1). */
  readonly coverage: number;
  readonly evidence: SloEvidence;
  readonly violations: readonly ViolationInterval[];
  /** True when more intervals existed than `maxViolations` (the newest were left out). */
  readonly violationsTruncated: boolean;
  /** Sum of the durations of all violation intervals in the window (ms). */
  readonly violationTimeMs: number;
  readonly burnRates: readonly BurnRateAlert[];
  /** Whether any page / ticket pair currently fires. */
  readonly alerts: { readonly page: boolean; readonly ticket: boolean };
}

/** A verdict: compliance over the observed time and the budget, on sufficient evidence. */
export interface BudgetVerdict extends BudgetReportBase {
  /** `met` when compliance ≥ objective, `violated` when below it and significantly so. */
  readonly status: 'met' | 'violated';
  /** good / valid over the observed time. */
  readonly compliance: number;
  readonly budget: ErrorBudget;
  readonly missing: readonly [];
}

/** No verdict: nothing measured (`no-data`) or not enough yet (`insufficient-data`); `missing` says what is lacking. */
export interface BudgetPending extends BudgetReportBase {
  readonly status: 'insufficient-data' | 'no-data';
  readonly compliance: null;
  readonly budget: null;
  readonly missing: readonly string[];
}

/** Report of one SLO, discriminated by `status`. */
export type BudgetReport = BudgetVerdict | BudgetPending;

function validatePairs(pairs: readonly BurnRatePair[]): void {
  if (pairs.length > 64) throw new InvalidInputError(`at most 64 burn-rate pairs, got ${pairs.length}`);
  pairs.forEach((p, i) => {
    if (!(p.severity === 'page' || p.severity === 'ticket'))
      throw new InvalidInputError(`burnRatePairs[${i}].severity must be page or ticket`);
    for (const w of [p.longWindowMs, p.shortWindowMs]) {
      if (!Number.isInteger(w) || w <= 0)
        throw new InvalidInputError(`burnRatePairs[${i}]: windows must be positive integer ms, got ${w}`);
    }
    if (p.shortWindowMs > p.longWindowMs)
      throw new InvalidInputError(`burnRatePairs[${i}]: short window longer than the long window`);
    if (!Number.isFinite(p.factor) || p.factor <= 0)
      throw new InvalidInputError(`burnRatePairs[${i}].factor must be > 0, got ${p.factor}`);
  });
}

/** Per-step bad/valid amounts, a "violating" flag and the step's value for the worst-value tracking. */
interface StepView {
  bad: number;
  valid: number;
  violating: boolean;
  value: number | null;
}

function viewOf(series: SliSeries, i: number, objective: number): StepView {
  if (series.kind === 'events') {
    const s = series.steps[i] as EventStep;
    if (s.total === 0) return { bad: 0, valid: 0, violating: false, value: null };
    const ratio = s.good / s.total;
    // An event step violates when its own good ratio is below the objective (it spends budget faster than 1×).
    return { bad: s.total - s.good, valid: s.total, violating: ratio < objective, value: ratio };
  }
  const s = series.steps[i] as BoolStep;
  return { bad: s.good ? 0 : 1, valid: 1, violating: !s.good, value: s.value ?? null };
}

/** A run of contiguous violating steps while scanning. */
interface Run {
  startMs: number;
  lastMs: number;
  steps: number;
  worst: number | null;
}

/**
 * Evaluates one SLO at `nowMs`.
 * @param data.slo a validated SLO (objective in (0, 1), window > 0)
 * @param data.series `events` (good/total per step; ratio SLIs only) or `steps` (good/bad per step; any SLI —
 *   for threshold SLIs build it with `thresholdSteps`). Steps start before `now`; a step counts in a window when
 *   its start lies in the window.
 * @throws InvalidInputError for an objective outside (0, 1), a bad window, an `events` series for a threshold
 *   SLI, unsorted/overlapping/future steps, NaN, good > total, or bad burn-rate pairs.
 * @throws LimitExceededError for a series longer than `maxSteps`.
 */
export function evaluateErrorBudget(
  data: { readonly slo: Slo; readonly series: SliSeries },
  options: BudgetOptions,
  nowMs: number,
): BudgetReport {
  const { slo, series } = data;
  const objective = slo.objective;
  if (!Number.isFinite(objective) || objective <= 0 || objective >= 1) {
    throw new InvalidInputError(`SLO ${slo.name}: objective must be in (0, 1), got ${objective}`);
  }
  if (!Number.isFinite(slo.windowMs) || slo.windowMs <= 0)
    throw new InvalidInputError(`SLO ${slo.name}: window must be > 0 ms, got ${slo.windowMs}`);
  if (series.kind === 'events' && slo.sli.type !== 'ratio') {
    throw new InvalidInputError(
      `SLO ${slo.name}: an events series needs a ratio SLI; threshold SLIs take good/bad steps`,
    );
  }
  const pairs = options.burnRatePairs ?? SRE_WORKBOOK_BURN_RATE_PAIRS;
  validatePairs(pairs);
  const maxViolations = options.maxViolations ?? DEFAULT_MAX_VIOLATIONS;
  if (!Number.isInteger(maxViolations) || maxViolations < 0)
    throw new InvalidInputError(`maxViolations must be an integer >= 0, got ${maxViolations}`);
  validateSeries(series, nowMs, options.maxSteps ?? DEFAULT_MAX_SLI_STEPS);
  const minObservedMs = options.minObservedMs ?? DEFAULT_MIN_OBSERVED_MS;
  const minWindowCoverage = options.minWindowCoverage ?? DEFAULT_BURN_RATE_EVIDENCE.minWindowCoverage;
  const alpha = options.alpha ?? DEFAULT_BURN_RATE_EVIDENCE.alpha;
  if (!(Number.isFinite(minObservedMs) && minObservedMs >= 0))
    throw new InvalidInputError(`minObservedMs must be a duration >= 0 ms, got ${minObservedMs}`);
  if (!(minWindowCoverage >= 0 && minWindowCoverage <= 1))
    throw new InvalidInputError(`minWindowCoverage must be in [0, 1], got ${minWindowCoverage}`);
  if (!(alpha > 0 && alpha <= 1)) throw new InvalidInputError(`alpha must be in (0, 1], got ${alpha}`);

  const n = series.steps.length;
  const stepMs = series.stepMs;
  const times: number[] = series.steps.map((s) => s.tMs);
  const prefix: StepPrefix = {
    times,
    stepMs,
    bad: new Float64Array(n + 1),
    valid: new Float64Array(n + 1),
    withData: new Float64Array(n + 1),
    observed: new Float64Array(n + 1),
  };
  const worstHigh = slo.sli.type === 'threshold' ? higherIsWorse(slo.sli.op) : false;
  const isWorse = (v: number, worst: number): boolean =>
    series.kind === 'steps' && worstHigh ? v > worst : v < worst;
  const windowStartMs = nowMs - slo.windowMs;
  const first = firstIndexAtLeast(times, windowStartMs);

  const violations: ViolationInterval[] = [];
  let truncated = false;
  let violationTimeMs = 0;
  const record = (run: Run, isOpen: boolean): void => {
    const endMs = run.lastMs + stepMs;
    const durationMs = endMs - run.startMs;
    violationTimeMs += durationMs;
    if (violations.length < maxViolations) {
      violations.push({
        startMs: run.startMs,
        endMs,
        durationMs,
        steps: run.steps,
        worstValue: run.worst,
        open: isOpen,
      });
    } else {
      truncated = true;
    }
  };

  let run: Run | null = null;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    const v = viewOf(series, i, objective);
    prefix.bad[i + 1] = prefix.bad[i]! + v.bad;
    prefix.valid[i + 1] = prefix.valid[i]! + v.valid;
    prefix.withData[i + 1] = prefix.withData[i]! + (v.valid > 0 ? 1 : 0);
    prefix.observed[i + 1] = prefix.observed[i]! + 1;
    if (i < first) continue;
    if (v.violating && run !== null && t === run.lastMs + stepMs) {
      run.lastMs = t;
      run.steps++;
      if (v.value !== null && (run.worst === null || isWorse(v.value, run.worst))) run.worst = v.value;
    } else {
      if (run !== null) record(run, false);
      run = v.violating ? { startMs: t, lastMs: t, steps: 1, worst: v.value } : null;
    }
  }
  if (run !== null) record(run, nowMs - (run.lastMs + stepMs) < stepMs);

  const badW = prefix.bad[n]! - prefix.bad[first]!;
  const validW = prefix.valid[n]! - prefix.valid[first]!;
  const observedMs = Math.min(slo.windowMs, (prefix.observed[n]! - prefix.observed[first]!) * stepMs);
  const isTime = series.kind === 'steps';
  const unit = isTime ? stepMs : 1;
  const coverage = observedMs / slo.windowMs;
  const requiredObservedMs = Math.min(minObservedMs, slo.windowMs);
  const pValue = validW > 0 ? binomialUpperTail(badW, validW, 1 - objective) : null;
  const burnRates = evaluateBurnRates(prefix, objective, slo.windowMs, pairs, nowMs, {
    minWindowCoverage,
    alpha,
  });
  const base = {
    slo: slo.name,
    objective,
    windowMs: slo.windowMs,
    windowStartMs,
    nowMs,
    kind: isTime ? ('time' as const) : ('events' as const),
    good: (validW - badW) * unit,
    bad: badW * unit,
    valid: validW * unit,
    coverage,
    evidence: { observedMs, requiredObservedMs, minWindowCoverage, alpha, pValue },
    violations,
    violationsTruncated: truncated,
    violationTimeMs,
    burnRates,
    alerts: {
      page: burnRates.some((b) => b.firing && b.severity === 'page'),
      ticket: burnRates.some((b) => b.firing && b.severity === 'ticket'),
    },
  };
  if (!(validW > 0)) {
    const what = isTime ? 'no measured step' : 'no valid event';
    return {
      ...base,
      status: 'no-data',
      compliance: null,
      budget: null,
      missing: [`${what} in the window (${seconds(observedMs)} measured)`],
    };
  }
  const compliance = (validW - badW) / validW;
  const missing: string[] = [];
  if (observedMs < requiredObservedMs) {
    missing.push(
      `${seconds(observedMs)} measured of the ${seconds(requiredObservedMs)} needed before a verdict`,
    );
  } else if (compliance < objective && !(pValue! < alpha)) {
    missing.push(
      `compliance ${pct(compliance)} is below the objective ${pct(objective)} but within sampling noise of it ` +
        `(${amount(badW)} bad of ${amount(validW)}, p = ${pValue!.toPrecision(2)}; ${alpha} needed)`,
    );
  }
  if (missing.length > 0)
    return { ...base, status: 'insufficient-data', compliance: null, budget: null, missing };
  // Budget of the whole window; for events the window's count is projected from the observed rate.
  const total = isTime ? (1 - objective) * slo.windowMs : ((1 - objective) * validW) / coverage;
  const consumed = badW * unit;
  const consumedFraction = consumed / total;
  const budget: ErrorBudget = {
    unit: isTime ? 'ms' : 'events',
    total,
    consumed,
    remaining: Math.max(0, total - consumed),
    consumedFraction,
    remainingFraction: Math.max(0, 1 - consumedFraction),
    // Relative tolerance: a budget spent exactly (1 bad step in 1000 at 99.9 %) is exhausted despite rounding.
    exhausted: consumedFraction >= 1 - 1e-9,
  };
  return { ...base, status: compliance >= objective ? 'met' : 'violated', compliance, budget, missing: [] };
}

/** Whole seconds of `ms` as duration text. */
function seconds(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/** A count as text with at most 3 decimals. */
function amount(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** A ratio as a percentage with up to 3 decimals. */
function pct(x: number): string {
  return `${Number((x * 100).toFixed(3))} %`;
}
