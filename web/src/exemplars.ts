/**
 * Exemplars of latency charts: the trace of one observed operation attached to a duration histogram's bucket
 * (OpenMetrics exemplars, `trace_id`/`span_id`), read from GET /api/v1/query_exemplars (Prometheus' shape) and
 * shown as points on the chart that open the trace view.
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
 */
import type { ExemplarsResponse } from '../../src/contract/traces.ts';
import { ApiError } from './api.ts';

/** One exemplar point: when, the observed duration in seconds, and its trace. */
export interface ExemplarPoint {
  /** Unix ms. */
  readonly timestampMs: number;
  /** Observed duration, seconds. */
  readonly seconds: number;
  /** W3C trace id (32 lowercase hex digits). */
  readonly traceId: string;
  /** Labels of the histogram series it was exposed on (node, mode, …; without `__name__` and `le`). */
  readonly series: Readonly<Record<string, string>>;
}

/** Exemplar points shown on one chart at most (the newest). */
export const MAX_EXEMPLAR_POINTS = 200;

const TRACE_ID = /^[0-9a-f]{32}$/;
const HISTOGRAM_PARTS = /_(bucket|sum|count)$/;

/**
 * The bucket series whose exemplars belong on a chart of `metric`: a duration family (base name ending in
 * `_seconds`, Prometheus' base unit) charted as itself or one of its `_bucket`/`_sum`/`_count` parts → its
 * `_bucket` series; null for any other metric.
 */
export function exemplarSeriesOf(metric: string): string | null {
  const base = metric.replace(HISTOGRAM_PARTS, '');
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*_seconds$/.test(base) ? `${base}_bucket` : null;
}

/** The points of an exemplar query answer with a valid trace id and a finite, non-negative value; the newest {@link MAX_EXEMPLAR_POINTS}, oldest first. */
export function exemplarPoints(res: ExemplarsResponse): ExemplarPoint[] {
  const out: ExemplarPoint[] = [];
  for (const s of res.data) {
    const series = Object.fromEntries(
      Object.entries(s.seriesLabels).filter(([k]) => k !== '__name__' && k !== 'le'),
    );
    for (const e of s.exemplars) {
      const traceId = (e.labels['trace_id'] ?? e.labels['traceID'] ?? '').toLowerCase();
      const seconds = Number(e.value);
      if (
        !TRACE_ID.test(traceId) ||
        !Number.isFinite(seconds) ||
        seconds < 0 ||
        !Number.isFinite(e.timestamp)
      )
        continue;
      out.push({ timestampMs: Math.round(e.timestamp * 1000), seconds, traceId, series });
    }
  }
  out.sort((a, b) => a.timestampMs - b.timestampMs);
  return out.slice(-MAX_EXEMPLAR_POINTS);
}

/**
 * The exemplars of `metric`'s duration family in [startMs, endMs]: [] for a metric that is not a duration
 * family; null when the caller may not read exemplars (operator only: 403) or the monitor keeps none (404).
 * @throws ApiError for other failures
 */
export async function fetchExemplars(
  metric: string,
  startMs: number,
  endMs: number,
): Promise<ExemplarPoint[] | null> {
  const series = exemplarSeriesOf(metric);
  if (series === null) return [];
  const q = new URLSearchParams({ query: series, start: String(startMs / 1000), end: String(endMs / 1000) });
  const res = await fetch(`/api/v1/query_exemplars?${q.toString()}`);
  if (res.status === 403 || res.status === 404) return null;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body as { errorType?: string; error?: string } | null;
    throw new ApiError(res.status, e?.errorType ?? 'HTTP', e?.error ?? `HTTP ${res.status}`);
  }
  return exemplarPoints(body as ExemplarsResponse);
}

/** Top of the exemplar scale, seconds: the largest duration plus a tenth (points are placed by height from 0 to this). */
export function exemplarScaleMax(points: readonly ExemplarPoint[]): number {
  const max = points.reduce((m, p) => Math.max(m, p.seconds), 0);
  return max > 0 ? max * 1.1 : 1;
}
