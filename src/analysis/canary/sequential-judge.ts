/**
 * Sequential non-inferiority judge of one metric for a rollout stage: reads the path of the v3-vs-v1 effect
 * (./ratio-effect.ts) at every look since the stage started and classifies each look with the always-valid
 * confidence sequence of ./sequential.ts, so that the classification may be checked continuously without
 * inflating its error rates. Pure.
 *
 * On the degradation d (log ratio turned so that + is worse; reported as 100·(eᵈ − 1) %) with interval [L, U]:
 * - `regression` when L > 0 and d ≥ ln(1 + threshold): the interval excludes no change in the bad direction and the
 *   estimate is beyond the regression threshold (default 10 %);
 * - `non-inferior` when U < ln(1 + margin): the interval excludes the tolerated regression (default 7.5 %), i.e.
 *   v3 is equal or better up to the margin;
 * - `undecided` otherwise; `insufficient` before the minimum evidence (events and observations per version, so
 *   that the normal approximation behind the interval is reasonable); `nodata` when a version has no data.
 *
 * Error rates: at level α the interval misses the true effect at any look with probability ≤ α (asymptotically),
 * split between the two sides; a false `non-inferior` on a true regression ≥ margin and a false `regression` on
 * a truly equal-or-better v3 each need the interval to miss the truth on one side, so each has probability
 * ≤ α/2 over the whole stage (less in practice: the margin and the threshold add distance).
 *
 * The mixing scale defaults to τ = ln(1 + margin), which makes the interval tightest near the variance at which
 * an equal v3 can first be shown non-inferior.
 *
 * @see ./sequential.ts for the method and its sources; S. Wellek, Testing Statistical Hypotheses of Equivalence
 *   and Noninferiority, 2nd ed., CRC 2010 (non-inferiority by a confidence bound against a margin).
 */
import { InvalidInputError } from '../../errors.ts';
import type { RatioEffect, VersionTotals } from './ratio-effect.ts';
import {
  alwaysValidPValue,
  confidenceSequence,
  varianceForRadius,
  type MixtureOptions,
} from './sequential.ts';

/** What is judged. */
export interface SequentialSpec {
  /** Display name, e.g. `migration_duration`. */
  readonly name: string;
  /** Unit of the means, e.g. `s`. */
  readonly unit: string;
  /** `increase`: a higher v3 mean is worse (durations); `decrease`: lower is worse (compression ratio). */
  readonly badDirection: 'increase' | 'decrease';
  /** Shown with the verdict; the decision treats every metric's regression as NO-GO. */
  readonly critical?: boolean;
  /** What one event is, for texts (`migrations`, `scrapes`). */
  readonly events: string;
}

export interface SequentialOptions {
  /** Error probability of the confidence sequence over all looks, (0, 1). Default 0.02. */
  readonly alpha: number;
  /** Tolerated regression in percent (non-inferiority margin), > 0. Default 7.5 (half-way to the threshold). */
  readonly marginPercent: number;
  /** Regression threshold in percent, ≥ margin. Default 10 (the regression bands' threshold). */
  readonly thresholdPercent: number;
  /** Mixing scale τ on the log-ratio scale; default ln(1 + margin). */
  readonly tau?: number;
  /** Events per version before a look may decide. Default 100. */
  readonly minEvents: number;
  /** Observation clusters per version before a look may decide. Default 10. */
  readonly minObservations: number;
}

export const SEQUENTIAL_DEFAULTS: SequentialOptions = Object.freeze({
  alpha: 0.02,
  marginPercent: 7.5,
  thresholdPercent: 10,
  minEvents: 100,
  minObservations: 10,
});

/** Classification of one look. */
export type EvidenceState = 'nodata' | 'insufficient' | 'undecided' | 'non-inferior' | 'regression';

/** How much more evidence the latest look needs for non-inferiority, at the current estimate and event rate. */
export interface EvidenceNeeded {
  /** Further time, ms; null when the estimate itself is at or beyond the margin (no amount of data at this estimate gives GO). */
  readonly moreMs: number | null;
  /** Further v3 events; null as `moreMs`. */
  readonly moreV3Events: number | null;
}

/** The verdict of one metric at the latest look, with the per-look states. */
export interface SequentialVerdict {
  readonly metric: string;
  readonly unit: string;
  readonly badDirection: 'increase' | 'decrease';
  readonly critical: boolean;
  readonly state: EvidenceState;
  readonly v1: VersionTotals;
  readonly v3: VersionTotals;
  readonly strata: number;
  /** Degradation estimate and its always-valid bounds, percent (+ = v3 worse); null before any estimate. */
  readonly degradationPercent: number | null;
  readonly lowerPercent: number | null;
  readonly upperPercent: number | null;
  /** Always-valid p-value of "no difference"; null before any estimate. */
  readonly pValue: number | null;
  readonly alpha: number;
  readonly marginPercent: number;
  readonly thresholdPercent: number;
  /** First look classified non-inferior / regression (Unix ms), null if none. */
  readonly firstNonInferiorMs: number | null;
  readonly firstRegressionMs: number | null;
  /** For `undecided` and `insufficient`: the evidence still needed for non-inferiority; null otherwise. */
  readonly needed: EvidenceNeeded | null;
  /** The state of every look, in order. */
  readonly states: readonly EvidenceState[];
  readonly reason: string;
}

function checkOptions(o: SequentialOptions): void {
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InvalidInputError(`alpha must be in (0, 1), got ${o.alpha}`);
  if (!(Number.isFinite(o.marginPercent) && o.marginPercent > 0))
    throw new InvalidInputError(`marginPercent must be > 0, got ${o.marginPercent}`);
  if (!(Number.isFinite(o.thresholdPercent) && o.thresholdPercent >= o.marginPercent)) {
    throw new InvalidInputError(
      `thresholdPercent must be >= marginPercent (${o.marginPercent}), got ${o.thresholdPercent}`,
    );
  }
  if (o.tau !== undefined && !(Number.isFinite(o.tau) && o.tau > 0))
    throw new InvalidInputError(`tau must be > 0, got ${o.tau}`);
  for (const k of ['minEvents', 'minObservations'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 2))
      throw new InvalidInputError(`${k} must be an integer >= 2, got ${o[k]}`);
  }
}

const pct = (logValue: number): number => 100 * Math.expm1(logValue);
const f1 = (v: number): string => v.toFixed(1);

interface Look {
  readonly state: EvidenceState;
  readonly d: number;
  readonly lower: number;
  readonly upper: number;
  readonly variance: number;
}

function classify(e: RatioEffect, spec: SequentialSpec, o: SequentialOptions, mix: MixtureOptions): Look {
  const none = { d: Number.NaN, lower: Number.NaN, upper: Number.NaN, variance: Number.NaN };
  if (e.v1.observations === 0 || e.v3.observations === 0) return { state: 'nodata', ...none };
  const sign = spec.badDirection === 'increase' ? 1 : -1;
  const estimated = Number.isFinite(e.logRatio) && Number.isFinite(e.variance);
  const enough =
    estimated &&
    e.v1.count >= o.minEvents &&
    e.v3.count >= o.minEvents &&
    e.v1.observations >= o.minObservations &&
    e.v3.observations >= o.minObservations;
  if (!estimated) return { state: 'insufficient', ...none };
  const d = sign * e.logRatio;
  const cs = confidenceSequence(d, e.variance, mix);
  const base = { d, lower: cs.lower, upper: cs.upper, variance: e.variance };
  if (!enough) return { state: 'insufficient', ...base };
  if (cs.lower > 0 && d >= Math.log1p(o.thresholdPercent / 100)) return { state: 'regression', ...base };
  if (cs.upper < Math.log1p(o.marginPercent / 100)) return { state: 'non-inferior', ...base };
  return { state: 'undecided', ...base };
}

function needed(
  last: Look,
  e: RatioEffect,
  elapsedMs: number,
  o: SequentialOptions,
  mix: MixtureOptions,
): EvidenceNeeded {
  const room = Math.log1p(o.marginPercent / 100) - last.d;
  if (!(room > 0)) return { moreMs: null, moreV3Events: null };
  const vTarget = varianceForRadius(room, mix);
  // Evidence grows with time at the current rate: V ∝ 1/t, events ∝ t. The minimum counts add their own need.
  let factor = vTarget > 0 ? Math.max(1, last.variance / vTarget) : Infinity;
  for (const v of [e.v1, e.v3]) {
    if (v.count > 0) factor = Math.max(factor, o.minEvents / v.count);
    if (v.observations > 0) factor = Math.max(factor, o.minObservations / v.observations);
  }
  if (!Number.isFinite(factor)) return { moreMs: null, moreV3Events: null };
  return {
    moreMs: Math.max(0, elapsedMs * (factor - 1)),
    moreV3Events: Math.max(0, Math.ceil(e.v3.count * (factor - 1))),
  };
}

function reasonOf(
  spec: SequentialSpec,
  s: EvidenceState,
  l: Look,
  e: RatioEffect,
  o: SequentialOptions,
  n: EvidenceNeeded | null,
  confidence: number,
): string {
  const m = spec.name;
  if (s === 'nodata')
    return `${m}: no ${e.v1.observations === 0 && e.v3.observations === 0 ? '' : e.v1.observations === 0 ? 'v1 ' : 'v3 '}data in this stage yet`;
  const est = pct(l.d);
  const where = Number.isFinite(l.d)
    ? `v3 ${f1(Math.abs(est))} % ${est >= 0 ? 'worse' : 'better'} (${confidence} % always-valid bounds ${f1(pct(l.lower))} .. ${f1(pct(l.upper))} % worse)`
    : 'no estimate yet';
  if (s === 'insufficient') {
    return `${m}: ${where}; waiting for at least ${o.minEvents} ${spec.events} and ${o.minObservations} independent observations (intervals; nodes in a node-based canary) per version (v1 ${Math.round(e.v1.count)}/${e.v1.observations}, v3 ${Math.round(e.v3.count)}/${e.v3.observations})`;
  }
  if (s === 'regression') return `${m}: ${where}: a regression beyond ${o.thresholdPercent} %`;
  if (s === 'non-inferior')
    return `${m}: ${where}: at most ${f1(pct(l.upper))} % worse, inside the ${o.marginPercent} % tolerance`;
  const more =
    n === null || n.moreMs === null
      ? `the estimate itself is beyond the ${o.marginPercent} % tolerance`
      : `about ${Math.ceil(n.moreMs / 60_000)} more min at the current rate (~${n.moreV3Events} more v3 ${spec.events})`;
  return `${m}: ${where}: cannot yet rule out a ${f1(pct(l.upper))} % degradation (GO needs < ${o.marginPercent} %); ${more}`;
}

/**
 * Judges one metric from its effect path.
 * @param looksMs the look times (ascending, Unix ms), one per element of `path`
 * @param path the effect at each look (`ratioEffectPath`), cumulative since the evidence start
 * @param evidenceStartMs start of the evidence (the stage start); elapsed time = last look − start
 * @throws InvalidInputError when `looksMs` and `path` differ in length, are empty, or for bad options.
 */
export function judgeSequential(
  spec: SequentialSpec,
  looksMs: readonly number[],
  path: readonly RatioEffect[],
  evidenceStartMs: number,
  options: Partial<SequentialOptions> = {},
): SequentialVerdict {
  const o: SequentialOptions = { ...SEQUENTIAL_DEFAULTS, ...options };
  checkOptions(o);
  if (looksMs.length === 0 || looksMs.length !== path.length) {
    throw new InvalidInputError(
      `need one effect per look and at least one look, got ${looksMs.length} looks and ${path.length} effects`,
    );
  }
  const mix: MixtureOptions = { alpha: o.alpha, tau: o.tau ?? Math.log1p(o.marginPercent / 100) };
  const looks = path.map((e) => classify(e, spec, o, mix));
  const last = looks[looks.length - 1]!;
  const e = path[path.length - 1]!;
  const firstOf = (s: EvidenceState): number | null => {
    const i = looks.findIndex((l) => l.state === s);
    return i < 0 ? null : looksMs[i]!;
  };
  const open = last.state === 'undecided' || last.state === 'insufficient';
  const elapsed = Math.max(0, looksMs[looksMs.length - 1]! - evidenceStartMs);
  const need =
    open && Number.isFinite(last.d)
      ? needed(last, e, elapsed, o, mix)
      : open
        ? { moreMs: null, moreV3Events: null }
        : null;
  const confidence = Math.round((1 - o.alpha) * 1000) / 10;
  const finite = Number.isFinite(last.d);
  return {
    metric: spec.name,
    unit: spec.unit,
    badDirection: spec.badDirection,
    critical: spec.critical ?? false,
    state: last.state,
    v1: e.v1,
    v3: e.v3,
    strata: e.strata,
    degradationPercent: finite ? pct(last.d) : null,
    lowerPercent: finite ? pct(last.lower) : null,
    upperPercent: finite ? pct(last.upper) : null,
    pValue: finite ? alwaysValidPValue(last.d, last.variance, 0, mix) : null,
    alpha: o.alpha,
    marginPercent: o.marginPercent,
    thresholdPercent: o.thresholdPercent,
    firstNonInferiorMs: firstOf('non-inferior'),
    firstRegressionMs: firstOf('regression'),
    needed: need,
    states: looks.map((l) => l.state),
    reason: reasonOf(spec, last.state, last, e, o, need, confidence),
  };
}
