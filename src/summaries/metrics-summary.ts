/**
 * GET /metrics/summary: the production metrics summary (migration latency quantiles, throughput, error rate, SLA
 * compliance, anomaly detections) over a recent window, read from the stored series, with base units in every
 * field name (the original summary labelled seconds as `p50_ms` and bytes/s as `current_gbps`). Latency
 * quantiles come from the histogram buckets' increase over the window summed across series
 * (`histogram_quantile(q, sum by (le) (increase(..._bucket[w])))`); throughput is the sum of each series'
 * latest value; the error rate is the counters' increase per second.
 * @see seed 002 (HTTP endpoints /metrics, /health, /metrics/summary)
 * @see https://prometheus.io/docs/practices/histograms/#quantiles
 */
import { histogramQuantile, parseLe } from '../analysis/slo/quantile.ts';
import { getMetric } from '../catalog/index.ts';
import type { MetricsSummary } from '../contract/summaries.ts';
import { InvalidInputError } from '../errors.ts';
import { counterIncrease } from '../monitor/network-provider.ts';
import type { SampleStore, SeriesPoints } from '../store/types.ts';

export type { MetricsSummary };

/** Bounds: series per metric (default 500) and points per series (default 2000). */
export interface SummaryOptions {
  readonly maxSeries?: number;
  readonly maxPointsPerSeries?: number;
}

const latest = (s: SeriesPoints): number | undefined => {
  for (let i = s.values.length - 1; i >= 0; i--) if (Number.isFinite(s.values[i]!)) return s.values[i]!;
  return undefined;
};
const inc = (s: SeriesPoints): number => counterIncrease(s.values.filter((v) => Number.isFinite(v)));

/**
 * Computes the summary over [nowMs − windowMs, nowMs].
 * @throws InvalidInputError for a window outside 10 s..24 h; StoreError from the store.
 */
export async function metricsSummary(
  store: SampleStore,
  windowMs: number,
  nowMs: number,
  opts: SummaryOptions = {},
): Promise<MetricsSummary> {
  if (!Number.isFinite(windowMs) || windowMs < 10_000 || windowMs > 86_400_000)
    throw new InvalidInputError(`window must be 10s..24h, got ${windowMs} ms`);
  const maxSeries = opts.maxSeries ?? 500;
  const maxPoints = opts.maxPointsPerSeries ?? 2000;
  const warnings: string[] = [];
  const read = async (name: string): Promise<SeriesPoints[]> => {
    const series = await store.findSeries(name, {}, maxSeries + 1);
    if (series.length > maxSeries)
      warnings.push(`${name}: more than ${maxSeries} series; read the first ${maxSeries}`);
    return series.length === 0
      ? []
      : store.readPoints(series.slice(0, maxSeries), nowMs - windowMs, nowMs, maxPoints);
  };
  const latency = getMetric('dwcp_v3_migration_latency_seconds').name;
  const [buckets, counts, throughput, errors, sla, detections] = await Promise.all([
    read(`${latency}_bucket`),
    read(`${latency}_count`),
    read(getMetric('dwcp_v3_throughput_bytes_per_second').name),
    read(getMetric('dwcp_v3_errors_total').name),
    read(getMetric('dwcp_v3_sla_compliance').name),
    read(getMetric('dwcp_v3_anomaly_detections_total').name),
  ]);

  const byLe = new Map<number, number>();
  for (const s of buckets) {
    const le = parseLe(s.series.labels['le'] ?? '');
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + inc(s));
  }
  const bucketList = [...byLe].map(([upperBound, count]) => ({ upperBound, count }));
  const q = (p: number): number | null => histogramQuantile(p, bucketList).value;

  const byComponent = (
    list: SeriesPoints[],
    f: (s: SeriesPoints) => number | undefined,
  ): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const s of list) {
      const v = f(s);
      if (v === undefined) continue;
      const c = s.series.labels['component'] ?? 'unknown';
      out[c] = (out[c] ?? 0) + v;
    }
    return out;
  };
  const sum = (r: Record<string, number>): number | null =>
    Object.keys(r).length === 0 ? null : Object.values(r).reduce((a, b) => a + b, 0);
  const tput = byComponent(throughput, latest);
  const errIncrease = byComponent(errors, inc);
  const errRate = Object.fromEntries(Object.entries(errIncrease).map(([k, v]) => [k, v / (windowMs / 1000)]));
  const slaCompliance: Record<string, number> = {};
  for (const s of sla) {
    const v = latest(s);
    if (v !== undefined)
      slaCompliance[`${s.series.labels['sla_type'] ?? '?'}/${s.series.labels['metric'] ?? '?'}`] = v;
  }
  return {
    windowSeconds: windowMs / 1000,
    timestampMs: nowMs,
    migrationLatency: {
      p50Seconds: q(0.5),
      p95Seconds: q(0.95),
      p99Seconds: q(0.99),
      count: counts.reduce((a, s) => a + inc(s), 0),
    },
    throughput: { totalBytesPerSecond: sum(tput), byComponent: tput },
    errors: { perSecond: sum(errRate), byComponent: errRate },
    slaCompliance,
    anomalyDetections: detections.length === 0 ? null : detections.reduce((a, s) => a + inc(s), 0),
    warnings,
  };
}
