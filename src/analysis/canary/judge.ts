/**
 * Per-metric canary judge: compares the baseline (v1) and canary (v3) samples of one metric with a
 * Mann-Whitney U test and a tolerance band, as Netflix/Spinnaker Kayenta's `NetflixACAJudge` does with its
 * `MannWhitneyClassifier` (spinnaker/kayenta, kayenta-judge; defaults tolerance 0.25, confidence 0.98), plus an
 * optional absolute guard on the canary (Argo Rollouts AnalysisTemplate `successCondition` / Flagger metric
 * `thresholdRange` style, e.g. "p99 latency < 0.5 s").
 *
 * Kayenta's idea, in our words: do not compare point averages; compute the confidence interval of the
 * location shift canary − baseline (Hodges-Lehmann, from the Mann-Whitney statistics) and call the metric High
 * (or Low) only when that whole interval lies beyond a tolerance band, so that a difference must be both
 * statistically supported and larger than the tolerance. Kayenta's classifier builds the band from a fraction
 * of the shift estimate; we build it as ±tolerance × |baseline median| so that "25 % tolerance" reads as a
 * relative effect size (documented in docs/rollout-analysis.md). Pure: no clocks, no I/O.
 */
import { InvalidInputError } from '../../errors.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import type { MannWhitneyMethod } from './mann-whitney.ts';
import { quantileSorted } from '../../math/quantile.ts';
import { sortedFinite } from './percentile.ts';

/** Kayenta's metric classifications (`High`, `Low`, `Pass`, `Nodata`). */
export type Classification = 'pass' | 'high' | 'low' | 'nodata';

/** Which change of the canary is bad: `increase` (latency, CPU, memory, errors), `decrease` (throughput,
 * compression ratio) or `either` (Kayenta's default direction). */
export type BadDirection = 'increase' | 'decrease' | 'either';

/** Statistic of the canary sample an absolute guard is checked on. */
export type GuardStatistic = 'mean' | 'p50' | 'p95' | 'p99' | 'max' | 'min';

/** Absolute success condition on the canary alone: `statistic < max` and/or `statistic > min` (strict). */
export interface AbsoluteGuard {
  readonly statistic: GuardStatistic;
  /** Fails when the statistic is ≥ max. */
  readonly max?: number;
  /** Fails when the statistic is ≤ min. */
  readonly min?: number;
}

/** What to judge for one metric. */
export interface MetricSpec {
  /** Display name, e.g. `latency` (metric names of the catalog are the caller's business). */
  readonly name: string;
  readonly badDirection: BadDirection;
  /** Unit for explanations, e.g. `s`, `Mbps`, `%`. */
  readonly unit?: string;
  /** Overrides the judge tolerance for this metric (fraction of the baseline median, ≥ 0). */
  readonly tolerance?: number;
  /** A High/Low verdict (in the bad direction) on a critical metric forces NO-GO (Kayenta "criticality"). */
  readonly critical?: boolean;
  /** Weight in the canary score (default 1). */
  readonly weight?: number;
  readonly guard?: AbsoluteGuard;
}

export interface JudgeOptions {
  /** Tolerance band half-width as a fraction of |baseline median|. Default 0.25 (Kayenta). */
  readonly tolerance: number;
  /** Two-sided confidence of the shift interval. Default 0.98 (Kayenta's NetflixACAJudge). */
  readonly confidence: number;
  readonly method: MannWhitneyMethod;
}

/** Kayenta's defaults. */
export const JUDGE_DEFAULTS: JudgeOptions = Object.freeze({
  tolerance: 0.25,
  confidence: 0.98,
  method: 'auto',
});

/** Outcome of an absolute guard. */
export interface GuardResult {
  readonly statistic: GuardStatistic;
  readonly value: number;
  readonly max: number | null;
  readonly min: number | null;
  readonly breached: boolean;
}

/** Verdict on one metric; every number needed to explain it is included. */
export interface MetricJudgement {
  readonly metric: string;
  readonly unit: string;
  readonly badDirection: BadDirection;
  readonly classification: Classification;
  /** True when the classification is in the bad direction (High for `increase`, Low for `decrease`, either
   * for `either`) or the guard is breached. */
  readonly failed: boolean;
  readonly critical: boolean;
  readonly weight: number;
  readonly nBaseline: number;
  readonly nCanary: number;
  readonly baselineMedian: number;
  readonly canaryMedian: number;
  /** Hodges-Lehmann shift canary − baseline and its confidence interval (data units). */
  readonly shift: number;
  readonly shiftLower: number;
  readonly shiftUpper: number;
  /** Shift and interval relative to |baseline median|, in percent (signed: + = canary higher). */
  readonly effectPercent: number;
  readonly effectLowerPercent: number;
  readonly effectUpperPercent: number;
  /** Effect in the bad direction, in percent: + = worse (for `either`: |effect|). */
  readonly degradationPercent: number;
  /** Upper confidence bound of the degradation in percent (the worst change the data cannot rule out). */
  readonly degradationUpperPercent: number;
  readonly pValue: number;
  /** p-value below 1 − confidence. */
  readonly significant: boolean;
  readonly tolerance: number;
  readonly confidence: number;
  /** Tolerance band around a zero shift, data units: [−tolerance·|median|, +tolerance·|median|]. */
  readonly bandLower: number;
  readonly bandUpper: number;
  readonly guard: GuardResult | null;
  /** One sentence: why this classification. */
  readonly reason: string;
}

function guardValue(sorted: Float64Array, statistic: GuardStatistic): number {
  switch (statistic) {
    case 'mean': {
      let s = 0;
      for (let i = 0; i < sorted.length; i++) s += sorted[i]!;
      return s / sorted.length;
    }
    case 'p50':
      return quantileSorted(sorted, 0.5);
    case 'p95':
      return quantileSorted(sorted, 0.95);
    case 'p99':
      return quantileSorted(sorted, 0.99);
    case 'max':
      return sorted[sorted.length - 1]!;
    case 'min':
      return sorted[0]!;
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

function pct(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;
}

function checkSpec(spec: MetricSpec, options: JudgeOptions): number {
  const tolerance = spec.tolerance ?? options.tolerance;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new InvalidInputError(
      `judge ${spec.name}: tolerance must be a finite number >= 0, got ${tolerance}`,
    );
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new InvalidInputError(
      `judge ${spec.name}: confidence must be in (0, 1), got ${options.confidence}`,
    );
  }
  const w = spec.weight ?? 1;
  if (!Number.isFinite(w) || w < 0)
    throw new InvalidInputError(`judge ${spec.name}: weight must be >= 0, got ${w}`);
  if (!['increase', 'decrease', 'either'].includes(spec.badDirection)) {
    throw new InvalidInputError(`judge ${spec.name}: badDirection must be increase, decrease or either`);
  }
  const g = spec.guard;
  if (g !== undefined) {
    if (g.max === undefined && g.min === undefined)
      throw new InvalidInputError(`judge ${spec.name}: guard needs max or min`);
    for (const b of [g.max, g.min]) {
      if (b !== undefined && !Number.isFinite(b))
        throw new InvalidInputError(`judge ${spec.name}: guard bound must be finite`);
    }
  }
  return tolerance;
}

/**
 * Judges one metric: baseline = v1 sample, canary = v3 sample (any units, finite values).
 *
 * - Either sample empty → `nodata` (Kayenta), not failed; the decision treats it as missing evidence.
 * - All values of both samples equal → `pass` (Kayenta's identical-data shortcut).
 * - Otherwise Mann-Whitney ({@link mannWhitneyU}, confidence `options.confidence`) gives the Hodges-Lehmann
 *   shift and its interval [L, U]; band b = tolerance·|baseline median|. `high` when L > b (and the direction
 *   may be `increase`/`either`), `low` when U < −b (`decrease`/`either`), else `pass`. A High on a
 *   `decrease`-bad metric (or a Low on an `increase`-bad one) is an improvement: classified, not `failed`.
 * - Effects in percent divide by |baseline median| (NaN-free: a zero median gives effects of 0 when the shift is
 *   0 and ±Infinity otherwise).
 * - The guard, if any, is checked on the canary sample; a breach sets `failed` whatever the classification.
 *
 * Throws InvalidInputError for non-finite values, a negative tolerance, a confidence outside (0, 1) or a guard
 * without bounds.
 */
export function judgeMetric(
  baseline: ArrayLike<number>,
  canary: ArrayLike<number>,
  spec: MetricSpec,
  options: Partial<JudgeOptions> = {},
): MetricJudgement {
  const opts: JudgeOptions = { ...JUDGE_DEFAULTS, ...options };
  const tolerance = checkSpec(spec, opts);
  const base = sortedFinite(baseline, `${spec.name} baseline`);
  const can = sortedFinite(canary, `${spec.name} canary`);
  const unit = spec.unit ?? '';
  const common = {
    metric: spec.name,
    unit,
    badDirection: spec.badDirection,
    critical: spec.critical ?? false,
    weight: spec.weight ?? 1,
    nBaseline: base.length,
    nCanary: can.length,
    tolerance,
    confidence: opts.confidence,
  };
  let guard: GuardResult | null = null;
  if (spec.guard !== undefined && can.length > 0) {
    const g = spec.guard;
    const value = guardValue(can, g.statistic);
    const breached = (g.max !== undefined && !(value < g.max)) || (g.min !== undefined && !(value > g.min));
    guard = { statistic: g.statistic, value, max: g.max ?? null, min: g.min ?? null, breached };
  }
  const guardText =
    guard === null
      ? ''
      : `; guard ${guard.statistic} = ${fmt(guard.value)} ${unit}`.trimEnd() +
        (guard.breached
          ? ` breaches ${guard.max !== null ? `< ${fmt(guard.max)}` : ''}${guard.min !== null ? ` > ${fmt(guard.min)}` : ''}`
          : ' ok');

  if (base.length === 0 || can.length === 0) {
    return {
      ...common,
      classification: 'nodata',
      failed: guard?.breached ?? false,
      baselineMedian: Number.NaN,
      canaryMedian: Number.NaN,
      shift: Number.NaN,
      shiftLower: Number.NaN,
      shiftUpper: Number.NaN,
      effectPercent: Number.NaN,
      effectLowerPercent: Number.NaN,
      effectUpperPercent: Number.NaN,
      degradationPercent: Number.NaN,
      degradationUpperPercent: Number.NaN,
      pValue: Number.NaN,
      significant: false,
      bandLower: Number.NaN,
      bandUpper: Number.NaN,
      guard,
      reason: `${spec.name}: no data (${base.length} baseline, ${can.length} canary samples)${guardText}`,
    };
  }

  const baselineMedian = quantileSorted(base, 0.5);
  const canaryMedian = quantileSorted(can, 0.5);
  const scale = Math.abs(baselineMedian);
  const rel = (d: number): number =>
    d === 0 ? 0 : scale === 0 ? Math.sign(d) * Number.POSITIVE_INFINITY : (100 * d) / scale;
  const allEqual = base[0] === base[base.length - 1] && can[0] === can[can.length - 1] && base[0] === can[0];
  const mw = allEqual
    ? { shift: 0, shiftLower: 0, shiftUpper: 0, pValue: 1 }
    : mannWhitneyU(can, base, { confidence: opts.confidence, method: opts.method });
  const band = tolerance * scale;
  const effectPercent = rel(mw.shift);
  const effectLowerPercent = rel(mw.shiftLower);
  const effectUpperPercent = rel(mw.shiftUpper);
  const up = spec.badDirection !== 'decrease';
  const down = spec.badDirection !== 'increase';
  let classification: Classification = 'pass';
  if (mw.shiftLower > band) classification = 'high';
  else if (mw.shiftUpper < -band) classification = 'low';
  const badVerdict = (classification === 'high' && up) || (classification === 'low' && down);

  let degradationPercent: number;
  let degradationUpperPercent: number;
  if (spec.badDirection === 'increase') {
    degradationPercent = effectPercent;
    degradationUpperPercent = effectUpperPercent;
  } else if (spec.badDirection === 'decrease') {
    degradationPercent = -effectPercent;
    degradationUpperPercent = -effectLowerPercent;
  } else {
    degradationPercent = Math.abs(effectPercent);
    degradationUpperPercent = Math.max(Math.abs(effectLowerPercent), Math.abs(effectUpperPercent));
  }
  const significant = mw.pValue < 1 - opts.confidence;
  const conf = `${Math.round(opts.confidence * 1000) / 10} %`;
  const stats =
    `shift ${fmt(mw.shift)} ${unit} (${pct(effectPercent)}, ${conf} CI ${pct(effectLowerPercent)}..${pct(effectUpperPercent)}), ` +
    `p = ${fmt(mw.pValue)}, tolerance ±${(tolerance * 100).toFixed(0)} % of baseline median ${fmt(baselineMedian)} ${unit}`;
  let verdictText: string;
  if (classification === 'pass') verdictText = 'pass: the interval overlaps the tolerance band';
  else if (badVerdict)
    verdictText = `${classification}: the whole interval lies ${classification === 'high' ? 'above' : 'below'} the band (worse)`;
  else
    verdictText = `${classification}: the whole interval lies ${classification === 'high' ? 'above' : 'below'} the band (better, not a failure)`;
  return {
    ...common,
    classification,
    failed: badVerdict || (guard?.breached ?? false),
    baselineMedian,
    canaryMedian,
    shift: mw.shift,
    shiftLower: mw.shiftLower,
    shiftUpper: mw.shiftUpper,
    effectPercent,
    effectLowerPercent,
    effectUpperPercent,
    degradationPercent,
    degradationUpperPercent,
    pValue: mw.pValue,
    significant,
    bandLower: -band,
    bandUpper: band,
    guard,
    reason: `${spec.name} ${verdictText}; ${stats}${guardText}`,
  };
}

/** One metric's input to {@link judgeCanary}. */
export interface MetricSamples {
  readonly spec: MetricSpec;
  readonly baseline: ArrayLike<number>;
  readonly canary: ArrayLike<number>;
}

/**
 * Judges every metric with {@link judgeMetric} (same options). Metric names must be unique (InvalidInputError
 * otherwise); the order of the result follows the input.
 */
export function judgeCanary(
  metrics: readonly MetricSamples[],
  options: Partial<JudgeOptions> = {},
): readonly MetricJudgement[] {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.spec.name)) throw new InvalidInputError(`judge: metric ${m.spec.name} appears twice`);
    seen.add(m.spec.name);
  }
  return metrics.map((m) => judgeMetric(m.baseline, m.canary, m.spec, options));
}
