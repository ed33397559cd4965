/**
 * Hints of GET /api/metrics/query for people reading a chart: the catalog unit of the queried metric (per
 * second for `rate`), and warnings for queries that are likely mistakes — `rate` of a gauge (rate is for
 * counters) and labels in `by` or `match[...]` that no matching series has.
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#rate ("rate should only be used with counters")
 */
import { metricForSampleName } from '../catalog/index.ts';
import type { DisplayUnit } from '../contract/dashboard-spec.ts';
import type { Aggregation } from '../contract/series.ts';

/** Unit and warnings of a range query. */
export interface QueryHints {
  /** Display unit of the result (the catalog unit; per second for `rate` of bytes and counts); null outside the catalog. */
  readonly unit: DisplayUnit | null;
  readonly warnings: string[];
}

/**
 * @param name metric (or histogram sample) name
 * @param seriesLabels labels of stored series of the metric (those the query found, or any when it found none)
 */
export function queryHints(
  name: string,
  agg: Aggregation,
  by: readonly string[],
  match: Readonly<Record<string, string>>,
  seriesLabels: readonly Readonly<Record<string, string>>[],
): QueryHints {
  const def = metricForSampleName(name);
  const warnings: string[] = [];
  let unit: DisplayUnit | null = def?.unit ?? null;
  if (agg === 'rate' && def) {
    if (def.type === 'gauge')
      warnings.push(
        `rate of ${name}, a gauge: rate is meant for counters (a gauge's rate is its change per second, negative when it falls); use avg or max to read its level`,
      );
    else if (unit === 'bytes') unit = 'bytes_per_second';
    else if (unit === 'count') unit = 'operations_per_second';
  }
  if (seriesLabels.length > 0) {
    const present = new Set(seriesLabels.flatMap((l) => Object.keys(l)));
    const unknown = [...new Set([...by, ...Object.keys(match)])].filter((l) => !present.has(l));
    if (unknown.length > 0)
      warnings.push(
        `no series of ${name} has the label${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; its labels are ${[...present].sort().join(', ') || '(none)'}`,
      );
  }
  return { unit, warnings };
}
