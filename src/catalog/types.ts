/** Types of the metric catalog: the one source of metric names, types, units, labels and buckets. */
import type { MetricKind } from '../model/anomaly.ts';
import type { Component } from '../model/dwcp.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Base units (Prometheus naming: base units, ratios 0..1 unless the contract name says percent). */
export type Unit =
  | 'seconds'
  | 'bytes'
  | 'bytes_per_second'
  | 'ratio'
  | 'percent'
  | 'count'
  | 'info'
  | 'state'
  | 'score';

/** Which document a metric comes from. */
export type MetricGroup = 'v1' | 'v3' | 'production' | 'monitor' | 'host' | 'node' | 'runtime';

/** Area a metric belongs to: a DWCP component or one of the cross-cutting areas. */
export type MetricArea = Component | 'migration' | 'federation' | 'system' | 'mode' | 'rollout' | 'monitor' | 'host';

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
}
