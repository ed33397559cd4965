/**
 * The DWCP metric catalog: lookup over the v1, v3, production, monitor and host tables.
 *
 * Metric names are a typed union (`MetricName`) derived from the tables, so `getMetric('dwcp_typo')` does not
 * compile; names that arrive at run time (scraped samples, query parameters) go through `findMetric` or
 * `isMetricName`.
 */
import { InvalidInputError } from '../errors.ts';
import { HOST_METRICS, type HostMetricName } from './host.ts';
import { LOG_METRICS, type LogMetricName } from './logs.ts';
import { MONITOR_STORE_METRICS, type MonitorStoreMetricName } from './monitor-store.ts';
import { MONITOR_METRICS, type MonitorMetricName } from './monitor.ts';
import { NODE_EXPORTER_METRICS, type NodeExporterMetricName } from './node-exporter.ts';
import { PRODUCTION_METRICS, type ProductionMetricName } from './production.ts';
import { RUNTIME_METRICS, type RuntimeMetricName } from './runtime.ts';
import { TRACE_METRICS, type TraceMetricName } from './traces.ts';
import type { MetricDef, MetricGroup } from './types.ts';
import { V1_METRICS, type V1MetricName } from './v1.ts';
import { V3_METRICS, type V3MetricName } from './v3.ts';

/** Every metric name of the catalog (union of the string literals of the tables). */
export type MetricName =
  | V1MetricName
  | V3MetricName
  | ProductionMetricName
  | MonitorMetricName
  | MonitorStoreMetricName
  | HostMetricName
  | NodeExporterMetricName
  | RuntimeMetricName
  | LogMetricName
  | TraceMetricName;

/** A catalog entry with its name typed as a catalog name. */
export type CatalogMetric = MetricDef<MetricName>;

/** Every metric, in document order (v1, v3, production, monitor, host, node, runtime, logs, traces). */
export const CATALOG: readonly CatalogMetric[] = [
  ...V1_METRICS,
  ...V3_METRICS,
  ...PRODUCTION_METRICS,
  ...MONITOR_METRICS,
  ...MONITOR_STORE_METRICS,
  ...HOST_METRICS,
  ...NODE_EXPORTER_METRICS,
  ...RUNTIME_METRICS,
  ...LOG_METRICS,
  ...TRACE_METRICS,
];

const BY_NAME: ReadonlyMap<string, CatalogMetric> = new Map(CATALOG.map((m) => [m.name, m]));

/** Whether a run-time string is a catalog metric name (narrows it to `MetricName`). */
export function isMetricName(name: string): name is MetricName {
  return BY_NAME.has(name);
}

/** The metric with this exact name, or undefined (for names that arrive at run time). */
export function findMetric(name: string): CatalogMetric | undefined {
  return BY_NAME.get(name);
}

/**
 * The metric with a name known only at run time (configuration, request parameters).
 * @throws InvalidInputError when the catalog has no such metric.
 */
export function requireMetric(name: string): CatalogMetric {
  const m = BY_NAME.get(name);
  if (!m) throw new InvalidInputError(`metric ${name} is not in the catalog`);
  return m;
}

/**
 * The metric with this name. The name is checked at compile time against the catalog.
 * @throws Error when the catalog has no such metric (only reachable through a cast: names come from the catalog).
 */
export function getMetric<N extends MetricName>(name: N): MetricDef<N> {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`metric ${name} is not in the catalog`);
  return m as MetricDef<N>;
}

/** Metrics of one group. */
export function metricsOf(group: MetricGroup): readonly CatalogMetric[] {
  return CATALOG.filter((m) => m.group === group);
}

/**
 * Maps an exposed sample name back to its catalog metric: histogram series end in `_bucket`, `_sum` or
 * `_count`. Returns undefined for names outside the catalog.
 */
export function metricForSampleName(sampleName: string): CatalogMetric | undefined {
  const direct = BY_NAME.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const m = BY_NAME.get(sampleName.slice(0, -suffix.length));
      if (m && m.type === 'histogram') return m;
    }
  }
  return undefined;
}
