/** The exemplar store as the HTTP API uses it (src/server/deps.ts `ExemplarSource`): PromQL in, Prometheus' shape out. */
import type { ExemplarsResponse } from '../../contract/traces.ts';
import type { ExemplarStore } from './exemplar-store.ts';
import { selectorsOf } from './selectors.ts';

/** Prometheus' number formatting of sample values in API responses (`+Inf`, `-Inf`, `NaN`). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * Exemplars of the series matched by the selectors of `expr` in [startMs, endMs], in Prometheus' response shape
 * (value as a string, timestamp in Unix seconds).
 * @throws InvalidInputError for an expression that is not PromQL or has no series selector
 */
export async function queryExemplars(
  store: Pick<ExemplarStore, 'query'>,
  expr: string,
  startMs: number,
  endMs: number,
): Promise<ExemplarsResponse> {
  const series = await store.query(selectorsOf(expr), startMs, endMs);
  return {
    status: 'success',
    data: series.map((s) => ({
      seriesLabels: s.seriesLabels,
      exemplars: s.exemplars.map((e) => ({
        labels: e.labels,
        value: formatValue(e.value),
        timestamp: e.timestampMs / 1000,
      })),
    })),
  };
}
