/**
 * The range-query cache's counters on the monitor's catalog metrics (`dwcp_monitor_query_cache_*`,
 * src/catalog/monitor.ts).
 */
import { getMetric } from '../../catalog/index.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import type { RowCacheMetrics } from './row-cache.ts';

/**
 * The cache's metrics on `metrics` (created from the monitor group).
 * @throws InvalidInputError when `metrics` was not created from the monitor group.
 */
export function catalogQueryCacheMetrics(metrics: CatalogMetrics): RowCacheMetrics {
  const rows = metrics.counter(getMetric('dwcp_monitor_query_cache_rows_total').name);
  const bytes = metrics.gauge(getMetric('dwcp_monitor_query_cache_bytes').name);
  return {
    rows: (result, n) => rows.inc({ result }, n),
    bytes: (n) => bytes.set(n),
  };
}
