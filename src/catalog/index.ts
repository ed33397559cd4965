/** The DWCP metric catalog: lookup over the v1, v3, production and monitor tables. */
import { HOST_METRICS } from './host.ts';
import { MONITOR_METRICS } from './monitor.ts';
import { PRODUCTION_METRICS } from './production.ts';
import type { MetricDef, MetricGroup } from './types.ts';
import { V1_METRICS } from './v1.ts';
import { V3_METRICS } from './v3.ts';

/** Every metric, in document order (v1, v3, production, monitor, host). */
export const CATALOG: readonly MetricDef[] = [...V1_METRICS, ...V3_METRICS, ...PRODUCTION_METRICS, ...MONITOR_METRICS, ...HOST_METRICS];

const BY_NAME: ReadonlyMap<string, MetricDef> = new Map(CATALOG.map((m) => [m.name, m]));

/** The metric with this exact name, or undefined. */
export function findMetric(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}

/**
 * The metric with this name.
 * @throws Error when the catalog has no such metric (a programming error: names come from the catalog).
 */
export function getMetric(name: string): MetricDef {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`metric ${name} is not in the catalog`);
  return m;
}

/** Metrics of one group. */
export function metricsOf(group: MetricGroup): readonly MetricDef[] {
  return CATALOG.filter((m) => m.group === group);
}

/**
 * Maps an exposed sample name back to its catalog metric: histogram series end in `_bucket`, `_sum` or
 * `_count`. Returns undefined for names outside the catalog.
 */
export function metricForSampleName(sampleName: string): MetricDef | undefined {
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
