/**
 * Compliance, error budget, violation intervals and burn rates of one SLO over a time-ordered SLI series.
 * Pure: (data, options, now) → report; no clocks, no I/O.
 *
 * Method (The Site Reliability Workbook, chapter 2 "Implementing SLOs" and chapter 5 "Alerting on SLOs"):
 * - compliance = good / valid over the rolling window `[now − window, now)`;
 * - error budget = (1 − objective) × valid events (event SLIs) or (1 − objective) × window (time SLIs);
 * - violation intervals are runs of contiguous bad steps with their real start, end and duration; their sum is
 *   exactly the bad time the compliance is computed from (the original NovaCron monitor never set
 *   `Violation.Duration`, so its compliance always read 100 %: inventory 6.1);
 * - burn rates over the workbook's multiwindow pairs ({@link SRE_WORKBOOK_BURN_RATE_PAIRS}).
 */
import { InvalidInputError } from '../../errors.ts';
import { firstIndexAtLeast } from '../../math/sorted.ts';
import { evaluateBurnRates, SRE_WORKBOOK_BURN_RATE_PAIRS, type BurnRateAlert, type BurnRatePair, type StepPrefix } from './burn-rate.ts';
import type { Slo } from './definition.ts';
import { DEFAULT_MAX_SLI_STEPS, higherIsWorse, validateSeries, type BoolStep, type EventStep, type SliSeries } from './series.ts';

/** Default cap on violation intervals listed in a report (the total bad time always counts every interval). */
export const DEFAULT_MAX_VIOLATIONS = 10_000;

export interface BudgetOptions {
  /** Largest accepted series length; default and maximum {@link DEFAULT_MAX_SLI_STEPS}. */
  readonly maxSteps?: number;
  /** Alerting pairs; default {@link SRE_WORKBOOK_BURN_RATE_PAIRS}. */
  readonly burnRatePairs?: readonly BurnRatePair[];
  /** Most violation intervals listed (the oldest first); default {@link DEFAULT_MAX_VIOLATIONS}. */
  readonly maxViolations?: number;
}

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

/** Error budget in the unit of the SLI: events (event SLIs) or milliseconds (time SLIs). */
export interface ErrorBudget {
  readonly unit: 'events' | 'ms';
  /** Allowed bad amount: (1 − objective) × valid events, or (1 − objective) × window in ms. */
  readonly total: number;
  readonly consumed: number;
  /** total − consumed; negative when overspent. */
  readonly remaining: number;
  /** consumed / total; null when there is no budget yet (no valid events). */
  readonly consumedFraction: number | null;
  /** 1 − consumedFraction (negative when overspent); null when there is no budget yet. */
  readonly remainingFraction: number | null;
}

export interface BudgetReport {
  readonly slo: string;
  readonly objective: number;
  readonly windowMs: number;
  readonly windowStartMs: number;
  readonly nowMs: number;
  readonly kind: 'events' | 'time';
  /** good / valid over the window (events, or good time / measured time); null without data. */
  readonly compliance: number | null;
  /** `met` when compliance >= objective, `violated` below, `no-data` without valid data. */
  readonly status: 'met' | 'violated' | 'no-data';
  /** Good, bad and valid amounts in the window (events or ms). */
  readonly good: number;
  readonly bad: number;
  readonly valid: number;
  /** Measured time / window (0..1): steps with data × step / window. */
  readonly coverage: number;
  readonly budget: ErrorBudget;
  readonly violations: readonly ViolationInterval[];
  /** True when more intervals existed than `maxViolations` (the newest were left out). */
  readonly violationsTruncated: boolean;
  /** Sum of the durations of all violation intervals in the window (ms). */
  readonly violationTimeMs: number;
  readonly burnRates: readonly BurnRateAlert[];
  /** Whether any page / ticket pair currently fires. */
  readonly alerts: { readonly page: boolean; readonly ticket: boolean };
}

function validatePairs(pairs: readonly BurnRatePair[]): void {
  if (pairs.length > 64) throw new InvalidInputError(`at most 64 burn-rate pairs, got ${pairs.length}`);
  pairs.forEach((p, i) => {
    if (!(p.severity === 'page' || p.severity === 'ticket')) throw new InvalidInputError(`burnRatePairs[${i}].severity must be page or ticket`);
    for (const w of [p.longWindowMs, p.shortWindowMs]) {
      if (!Number.isInteger(w) || w <= 0) throw new InvalidInputError(`burnRatePairs[${i}]: windows must be positive integer ms, got ${w}`);
    }
    if (p.shortWindowMs > p.longWindowMs) throw new InvalidInputError(`burnRatePairs[${i}]: short window longer than the long window`);
    if (!Number.isFinite(p.factor) || p.factor <= 0) throw new InvalidInputError(`burnRatePairs[${i}].factor must be > 0, got ${p.factor}`);
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
export function evaluateErrorBudget(data: { readonly slo: Slo; readonly series: SliSeries }, options: BudgetOptions, nowMs: number): BudgetReport {
  const { slo, series } = data;
  const objective = slo.objective;
  if (!Number.isFinite(objective) || objective <= 0 || objective >= 1) {
    throw new InvalidInputError(`SLO ${slo.name}: objective must be in (0, 1), got ${objective}`);
  }
  if (!Number.isFinite(slo.windowMs) || slo.windowMs <= 0) throw new InvalidInputError(`SLO ${slo.name}: window must be > 0 ms, got ${slo.windowMs}`);
  if (series.kind === 'events' && slo.sli.type !== 'ratio') {
    throw new InvalidInputError(`SLO ${slo.name}: an events series needs a ratio SLI; threshold SLIs take good/bad steps`);
  }
  const pairs = options.burnRatePairs ?? SRE_WORKBOOK_BURN_RATE_PAIRS;
  validatePairs(pairs);
  const maxViolations = options.maxViolations ?? DEFAULT_MAX_VIOLATIONS;
  if (!Number.isInteger(maxViolations) || maxViolations < 0) throw new InvalidInputError(`maxViolations must be an integer >= 0, got ${maxViolations}`);
  validateSeries(series, nowMs, options.maxSteps ?? DEFAULT_MAX_SLI_STEPS);

  const n = series.steps.length;
  const stepMs = series.stepMs;
  const times: number[] = series.steps.map((s) => s.tMs);
  const prefix: StepPrefix = { times, bad: new Float64Array(n + 1), valid: new Float64Array(n + 1), withData: new Float64Array(n + 1) };
  const worstHigh = slo.sli.type === 'threshold' ? higherIsWorse(slo.sli.op) : false;
  const isWorse = (v: number, worst: number): boolean => (series.kind === 'steps' && worstHigh ? v > worst : v < worst);
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
      violations.push({ startMs: run.startMs, endMs, durationMs, steps: run.steps, worstValue: run.worst, open: isOpen });
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
  const dataSteps = prefix.withData[n]! - prefix.withData[first]!;
  const isTime = series.kind === 'steps';
  const unit = isTime ? stepMs : 1;
  const good = (validW - badW) * unit;
  const bad = badW * unit;
  const valid = validW * unit;
  const compliance = validW > 0 ? (validW - badW) / validW : null;

  let budget: ErrorBudget;
  if (isTime) {
    const total = (1 - objective) * slo.windowMs;
    const consumedFraction = bad / total;
    budget = { unit: 'ms', total, consumed: bad, remaining: total - bad, consumedFraction, remainingFraction: 1 - consumedFraction };
  } else {
    const total = (1 - objective) * validW;
    const consumedFraction = validW > 0 ? badW / validW / (1 - objective) : null;
    budget = {
      unit: 'events',
      total,
      consumed: badW,
      remaining: total - badW,
      consumedFraction,
      remainingFraction: consumedFraction === null ? null : 1 - consumedFraction,
    };
  }

  const burnRates = evaluateBurnRates(prefix, objective, slo.windowMs, pairs, nowMs);
  return {
    slo: slo.name,
    objective,
    windowMs: slo.windowMs,
    windowStartMs,
    nowMs,
    kind: isTime ? 'time' : 'events',
    compliance,
    status: compliance === null ? 'no-data' : compliance >= objective ? 'met' : 'violated',
    good,
    bad,
    valid,
    coverage: Math.min(1, (dataSteps * stepMs) / slo.windowMs),
    budget,
    violations,
    violationsTruncated: truncated,
    violationTimeMs,
    burnRates,
    alerts: { page: burnRates.some((b) => b.firing && b.severity === 'page'), ticket: burnRates.some((b) => b.firing && b.severity === 'ticket') },
  };
}
