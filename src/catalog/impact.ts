/**
 * What the catalog knows about the impact of a metric's values: the physical range of each unit (bands and
 * forecasts are clamped to it) and the criticality of each anomaly kind (severity grows with it). Per-metric
 * exceptions are the `range` and `criticality` fields of the catalog entries. No I/O.
 */
import type { MetricKind } from '../model/anomaly.ts';
import type { Criticality, MetricDef, PhysicalRange, Unit } from './types.ts';

const NON_NEGATIVE: PhysicalRange = Object.freeze({ min: 0, max: Number.POSITIVE_INFINITY });

/**
 * Physical range per unit (Prometheus base units): durations, byte counts, rates and counts are ≥ 0; a `ratio`
 * is a share in [0, 1] (Prometheus naming: `_ratio` is 0..1); a `percent` is in [0, 100]; a `score` (0..100
 * scores of this catalog) in [0, 100]; `state` and `info` gauges are ≥ 0 (their exact sets are per metric).
 * @see https://prometheus.io/docs/practices/naming/#base-units
 */
export const UNIT_RANGES: Readonly<Record<Unit, PhysicalRange>> = Object.freeze({
  seconds: NON_NEGATIVE,
  bytes: NON_NEGATIVE,
  bytes_per_second: NON_NEGATIVE,
  ratio: Object.freeze({ min: 0, max: 1 }),
  percent: Object.freeze({ min: 0, max: 100 }),
  count: NON_NEGATIVE,
  info: NON_NEGATIVE,
  state: NON_NEGATIVE,
  score: Object.freeze({ min: 0, max: 100 }),
});

/** Range of a per-second rate of a counter: ≥ 0 whatever the counter's unit (resets are handled upstream). */
export const RATE_RANGE: PhysicalRange = NON_NEGATIVE;

/** The physical range of a metric's values: its own `range`, else its unit's. */
export function physicalRange(def: Pick<MetricDef, 'unit' | 'range'>): PhysicalRange {
  return def.range ?? UNIT_RANGES[def.unit];
}

/**
 * Default criticality per anomaly kind, and why:
 * - `health` high: a component or SLA state dropping means the component is degraded or down now;
 * - `latency`, `consensus` high: migration and operation latency are what users and the SLOs (P99 < 500 ms)
 *   see; slow consensus stalls every state change;
 * - `error_rate` high: failed operations are user-visible and spend the error budget directly;
 * - `bandwidth`, `utilization` medium: less throughput or more load slows migrations and erodes headroom, but is
 *   not an outage by itself;
 * - `compression` low: worse compression costs bandwidth and time, the migration still succeeds;
 * - `generic` low: counts and states without a known direction of harm.
 */
export const KIND_CRITICALITY: Readonly<Record<MetricKind, Criticality>> = Object.freeze({
  health: 'high',
  latency: 'high',
  consensus: 'high',
  error_rate: 'high',
  bandwidth: 'medium',
  utilization: 'medium',
  compression: 'low',
  generic: 'low',
});

/** Criticality of a metric: its own `criticality`, else that of `kind` (the series' kind, for series outside the catalog too). */
export function criticalityOf(def: Pick<MetricDef, 'criticality'> | undefined, kind: MetricKind): Criticality {
  return def?.criticality?.level ?? KIND_CRITICALITY[kind];
}
