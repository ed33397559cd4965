/**
 * The range-query cache's counters on the monitor's catalog metrics (`dwcp_monitor_query_cache_*`,
 * src/catalog/monitor.ts).
 */
import { getMetric } from '../../catalog/index.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import type { ResultCacheMetrics } from './result-cache.ts';
import type { RowCacheMetrics } from './row-cache.ts';

/** Metrics of both range-query caches (decoded rollup rows and aggregated results). */
export type QueryCacheMetrics = RowCacheMetrics & ResultCacheMetrics;

/**
 * The caches' metrics on `metrics` (created from the monitor group).
 * @throws InvalidInputError when `metrics` was not created from the monitor group.
 */
export function catalogQueryCacheMetrics(metrics: CatalogMetrics): QueryCacheMetrics {
  const rows = metrics.counter(getMetric('dwcp_monitor_query_cache_rows_total').name);
  const bytes = metrics.gauge(getMetric('dwcp_monitor_query_cache_bytes').name);
  const steps = metrics.counter(getMetric('dwcp_monitor_query_result_cache_steps_total').name);
  const resultBytes = metrics.gauge(getMetric('dwcp_monitor_query_result_cache_bytes').name);
  return {
    rows: (result, n) => rows.inc({ result }, n),
    bytes: (n) => bytes.set(n),
    steps: (result, n) => steps.inc({ result }, n),
    resultBytes: (n) => resultBytes.set(n),
  };
}
