/**
 * What the catalog knows about the impact of a metric's values: the physical range of each unit (bands and
 * forecasts are clamped to it), the criticality of each anomaly kind (severity grows with it) and the direction of
 * change that harms (detectors judge only that side). Per-metric exceptions are the `range`, `criticality` and
 * `badDirection` fields of the catalog entries. No I/O.
 */
import type { Direction, MetricKind } from '../model/anomaly.ts';
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
export function criticalityOf(
  def: Pick<MetricDef, 'criticality'> | undefined,
  kind: MetricKind,
): Criticality {
  return def?.criticality?.level ?? KIND_CRITICALITY[kind];
}

/**
 * Bad direction per anomaly kind, and why (the detectors' per-kind defaults, src/analysis/anomaly/statistical.ts
 * `KIND_DEFAULTS`, take theirs from here):
 * - `latency`, `consensus`, `error_rate`, `utilization` up: slower, failing or busier is worse;
 * - `compression`, `health` down: less saved bandwidth, a degraded state;
 * - `bandwidth` both: a bandwidth series alone does not say whether it is demand or delivered throughput (per
 *   metric `badDirection` says so where the catalog knows);
 * - `generic` both: no known direction of harm.
 * @see seed 000 / inventory 4.1 (bandwidth both ways, latency up, compression down, consensus up)
 */
export const KIND_BAD_DIRECTION: Readonly<Record<MetricKind, Direction>> = Object.freeze({
  bandwidth: 'both',
  latency: 'up',
  compression: 'down',
  consensus: 'up',
  error_rate: 'up',
  utilization: 'up',
  health: 'down',
  generic: 'both',
});

/**
 * The direction of change that harms on the series of a metric with `labels`, analysed as `kind`: the entry's
 * `badDirection` for the series' value of its `byLabel` label, else the entry's `badDirection`, else the kind's
 * ({@link KIND_BAD_DIRECTION}; also for series outside the catalog, `def` undefined).
 */
export function badDirectionOf(
  def: Pick<MetricDef, 'badDirection'> | undefined,
  kind: MetricKind,
  labels: Readonly<Record<string, string>> = {},
): Direction {
  const b = def?.badDirection;
  if (b === undefined) return KIND_BAD_DIRECTION[kind];
  const value = b.byLabel === undefined ? undefined : labels[b.byLabel.label];
  const perLabel =
    value === undefined || b.byLabel === undefined
      ? undefined
      : Object.hasOwn(b.byLabel.values, value)
        ? b.byLabel.values[value]
        : undefined;
  return perLabel?.direction ?? b.direction;
}
