/**
 * The one place the monitor decides how bad an anomaly is: severity from the impact of the deviation (its size in
 * standard deviations and the metric's criticality from the catalog) and the band shown with it, clamped to the
 * physical range of the metric. Detectors only say *whether* a sample is anomalous and by how much; their own
 * severity guesses are not used. Pure.
 *
 * Severity of a statistical anomaly: `low` when the deviation is unknown (a detector without a value baseline,
 * e.g. relative entropy or KNN-CAD) or when the observed value lies inside its own band; otherwise by |deviation|
 * against the thresholds of the metric's criticality ({@link SEVERITY_THRESHOLDS}). Monotone: a larger |deviation|
 * or a higher criticality never lowers the severity, and 0 sigma is always `low`. A state anomaly (a target that
 * answers no scrape) has no deviation; its severity is the criticality of `up` itself ({@link stateSeverity}).
 * The direction of change that harms, which every detector of a series is built with, is decided here too
 * ({@link badDirectionOfInput}).
 */
import { badDirectionOf, criticalityOf, physicalRange, RATE_RANGE } from '../catalog/impact.ts';
import type { Criticality, PhysicalRange } from '../catalog/types.ts';
import type { Direction } from '../model/anomaly.ts';
import { namingRange } from '../analysis/inference/series-kind.ts';
import type { Severity } from '../model/dwcp.ts';
import type { DetectionInput } from './series-tracker.ts';

/** |deviation| (sigma) at which an anomaly becomes medium, high and critical, per criticality of its metric. */
export interface SeverityThresholds {
  readonly medium: number;
  readonly high: number;
  readonly critical: number;
}

/**
 * Thresholds per criticality. `critical` metrics use the z-score bands of the DWCP v3 monitoring spec (3, 4, 5
 * sigma); each lower criticality needs a larger deviation for the same severity and caps it (`medium` metrics
 * are never critical, `low` ones never above medium). Non-increasing in criticality for every severity, which
 * makes severity monotone in criticality.
 */
export const SEVERITY_THRESHOLDS: Readonly<Record<Criticality, SeverityThresholds>> = Object.freeze({
  critical: Object.freeze({ medium: 3, high: 4, critical: 5 }),
  high: Object.freeze({ medium: 3, high: 5, critical: 8 }),
  medium: Object.freeze({ medium: 4, high: 8, critical: Number.POSITIVE_INFINITY }),
  low: Object.freeze({ medium: 8, high: Number.POSITIVE_INFINITY, critical: Number.POSITIVE_INFINITY }),
});

/**
 * Size of a change (|observed − expected| as a share) at which an anomaly is at least medium, and at least high:
 * a quarter and a half of the expected value (of the physical range for a bounded unit). A noisy series draws a
 * wide band, so its σ-equivalents understate a large move (dictionary efficiency 82 → 35 %, an 18 σ drop, is
 * 3–8 σ-equivalents against the 10 σ band of its kind); the size of the change is the impact an operator sees.
 */
export const RELATIVE_CHANGE_THRESHOLDS: Readonly<{ medium: number; high: number }> = Object.freeze({
  medium: 0.25,
  high: 0.5,
});

const RANK: Readonly<Record<Severity, number>> = Object.freeze({ low: 0, medium: 1, high: 2, critical: 3 });
const BY_RANK: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * Size of the change from `expected` to `observed` as a share: of the physical range when both bounds are finite
 * (percent, ratio, score), else of |expected|; NaN when unknown (no expected value, or expected 0 on an
 * unbounded range).
 */
export function relativeChange(observed: number, expected: number, range: PhysicalRange): number {
  const d = Math.abs(observed - expected);
  if (!Number.isFinite(d)) return Number.NaN;
  const span = range.max - range.min;
  if (Number.isFinite(span) && span > 0) return d / span;
  const base = Math.abs(expected);
  return base > 0 ? d / base : Number.NaN;
}

/**
 * Severity of a statistical anomaly (see the module comment): the larger of the severity of |deviation| against
 * the criticality's thresholds and, when `change` is given, that of the size of the change
 * ({@link RELATIVE_CHANGE_THRESHOLDS}: medium, high — never critical), capped at the highest severity the
 * criticality reaches by deviation (a `low` metric is never above medium). Monotone in |deviation|, in `change`
 * and in criticality; `low` at 0 or an unknown deviation, or inside the band.
 * @param deviation signed deviation in standard deviations; NaN when the detector measured none
 * @param outsideBand whether the observed value lies outside its (clamped) band; true when there is no band
 * @param change size of the change as a share ({@link relativeChange}); NaN or omitted when unknown
 */
export function severityFromImpact(
  deviation: number,
  criticality: Criticality,
  outsideBand: boolean,
  change = Number.NaN,
): Severity {
  const z = Math.abs(deviation);
  if (!Number.isFinite(z) || !(z > 0) || !outsideBand) return 'low';
  const t = SEVERITY_THRESHOLDS[criticality];
  const bySigma: Severity =
    z >= t.critical ? 'critical' : z >= t.high ? 'high' : z >= t.medium ? 'medium' : 'low';
  if (!(change >= RELATIVE_CHANGE_THRESHOLDS.medium)) return bySigma;
  const cap = Number.isFinite(t.high) ? 2 : 1;
  const bySize = Math.min(cap, change >= RELATIVE_CHANGE_THRESHOLDS.high ? 2 : 1);
  return BY_RANK[Math.max(RANK[bySigma], bySize)]!;
}

/** Severity of a state anomaly (target down): the criticality of the metric, on the same four-step scale. */
export function stateSeverity(criticality: Criticality): Severity {
  return criticality;
}

/** No physical bound known (a series outside the catalog without an inferred unit). */
export const UNBOUNDED: PhysicalRange = Object.freeze({
  min: Number.NEGATIVE_INFINITY,
  max: Number.POSITIVE_INFINITY,
});

/**
 * The physical range of a detection input: ≥ 0 for counter rates, the catalog's range otherwise; for a series
 * outside the catalog the range of its name's unit suffix (`_ratio` [0, 1], `_percent` [0, 100], `_seconds` and
 * `_bytes` ≥ 0), else unbounded.
 */
export function rangeOfInput(input: Pick<DetectionInput, 'transform' | 'def' | 'metric'>): PhysicalRange {
  if (input.transform === 'rate') return RATE_RANGE;
  if (input.def !== undefined) return physicalRange(input.def);
  return namingRange(input.metric) ?? UNBOUNDED;
}

/** The criticality of a detection input's metric (catalog entry, else its kind). */
export function criticalityOfInput(input: Pick<DetectionInput, 'def' | 'kind'>): Criticality {
  return criticalityOf(input.def, input.kind);
}

/**
 * The bad direction of a detection input's series: the catalog's for its metric and labels (per-metric and
 * per-label `badDirection`, else its kind's), for a series outside the catalog the direction its inference gave
 * (naming or a `detection.series` rule), else its kind's.
 */
export function badDirectionOfInput(
  input: Pick<DetectionInput, 'def' | 'kind' | 'labels' | 'direction'>,
): Direction {
  if (input.def === undefined && input.direction !== undefined) return input.direction;
  return badDirectionOf(input.def, input.kind, input.labels);
}

/** An expected value and band. */
export interface Band {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
}

/** `band` with each finite bound moved into `range` (NaN stays NaN: no band). */
export function clampBand(band: Band, range: PhysicalRange): Band {
  const c = (v: number): number => (Number.isNaN(v) ? v : Math.min(range.max, Math.max(range.min, v)));
  return { expected: c(band.expected), lower: c(band.lower), upper: c(band.upper) };
}
