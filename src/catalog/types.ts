/** Types of the metric catalog: the one source of metric names, types, units, labels and buckets. */
import type { Direction, MetricKind } from '../model/anomaly.ts';
import type { Component } from '../model/dwcp.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Base units (Prometheus naming: base units, ratios 0..1 unless the contract name says percent). */
export type Unit =
  'seconds' | 'bytes' | 'bytes_per_second' | 'ratio' | 'percent' | 'count' | 'info' | 'state' | 'score';

/** The values a quantity can physically take (inclusive; ±Infinity for an open end). */
export interface PhysicalRange {
  readonly min: number;
  readonly max: number;
}

/**
 * How much an anomaly on a metric matters to the service (src/catalog/impact.ts): `critical` — the service or a
 * node is down or failing its users; `high` — user-visible degradation (latency, errors, consensus, health);
 * `medium` — capacity and throughput; `low` — efficiency and informational counts.
 */
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** A bad direction with the reason it is the bad one. */
export interface DirectionWhy {
  /** `up`: rises harm the service; `down`: drops harm it; `both`: either way is a symptom. */
  readonly direction: Direction;
  readonly why: string;
}

/**
 * A metric's bad direction where its anomaly kind's default (src/catalog/impact.ts `KIND_BAD_DIRECTION`) is wrong
 * or ambiguous for it, with why; `byLabel` where one label splits the metric into quantities of opposite sense
 * (e.g. `resource_type="network"` of a utilisation, or `result="success"` of a round counter).
 */
export interface BadDirection extends DirectionWhy {
  readonly byLabel?: { readonly label: string; readonly values: Readonly<Record<string, DirectionWhy>> };
}

/** Which document a metric comes from. */
export type MetricGroup =
  'v1' | 'v3' | 'production' | 'monitor' | 'host' | 'node' | 'runtime' | 'logs' | 'traces';

/** Area a metric belongs to: a DWCP component or one of the cross-cutting areas. */
export type MetricArea =
  Component | 'migration' | 'federation' | 'system' | 'mode' | 'rollout' | 'monitor' | 'host';

/**
 * One metric of the catalog. `N` is the name's type: the catalog tables are declared `as const satisfies
 * readonly MetricDef[]`, so each entry keeps its literal name and `MetricName` (index.ts) is their union.
 */
export interface MetricDef<N extends string = string> {
  readonly name: N;
  readonly type: MetricType;
  readonly help: string;
  readonly unit: Unit;
  /** Label names in the order the SDK takes them. */
  readonly labels: readonly string[];
  /** Histogram upper bounds (ascending, without +Inf). Only for histograms. */
  readonly buckets?: readonly number[];
  readonly group: MetricGroup;
  readonly area: MetricArea;
  /** How the anomaly detector treats the series (direction and default threshold). */
  readonly anomalyKind: MetricKind;
  /** Where the name comes from (specification and table, or the original code). */
  readonly source: string;
  /** Naming decision where we differ from the original (recorded in docs/metrics.md). */
  readonly decision?: string;
  /**
   * Values the metric can take when they differ from its unit's range (src/catalog/impact.ts `UNIT_RANGES`),
   * e.g. a compression "ratio" of original/compressed bytes is ≥ 0 without an upper bound, a health state 0..2.
   */
  readonly range?: PhysicalRange;
  /** Bad direction when the anomaly kind's default is wrong or ambiguous for this metric (detectors judge only that side). */
  readonly badDirection?: BadDirection;
  /** Criticality when it differs from the default of the metric's anomaly kind (`KIND_CRITICALITY`), with why. */
  readonly criticality?: { readonly level: Criticality; readonly why: string };
  /** A counter of stored state that the monitor keeps across restarts (src/monitor/persisted-counters.ts). */
  readonly persisted?: true;
  /**
   * A latency histogram whose buckets carry OpenMetrics exemplars (`trace_id`, `span_id` of the observed
   * operation's span), exposed when the scraper negotiates OpenMetrics.
   * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md#exemplars
   */
  readonly exemplars?: true;
}
