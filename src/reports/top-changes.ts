/**
 * "Top changes" of a report: per metric, one figure for the report period and the same figure for the period
 * of equal length just before it, ranked by the size of the relative change. The figure depends on the metric
 * type: a gauge's mean over every point of every series; a counter's rate (increase per second, summed over
 * series; a decrease is a counter reset, as in Prometheus' `increase`, without extrapolation); a histogram's
 * mean observation, Δ_sum / Δ_count summed over series. Pure.
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#increase
 */
import type { MetricType } from '../catalog/types.ts';
import { counterIncrease } from '../monitor/network-provider.ts';

/** Points of one series: parallel arrays in time order. */
export interface Points {
  readonly timestampsMs: readonly number[];
  readonly values: readonly number[];
}

/** A metric's series for both periods. Histograms give their `_sum` and `_count` series. */
export type MetricSeries =
  | { readonly type: 'gauge' | 'counter'; readonly series: readonly Points[] }
  | { readonly type: 'histogram'; readonly sums: readonly Points[]; readonly counts: readonly Points[] };

/** One ranked change. */
export interface MetricChange {
  readonly metric: string;
  readonly type: MetricType;
  /** What `current`/`previous` are: `mean`, `rate_per_second` or `mean_observation`. */
  readonly figure: 'mean' | 'rate_per_second' | 'mean_observation';
  readonly previous: number | null;
  readonly current: number | null;
  /** (current − previous) / |previous| × 100; null when either is missing or previous is 0. */
  readonly changePercent: number | null;
}

/** Increase of a counter series within [from, to) (resets handled), or null with fewer than 2 points there. */
export function increase(p: Points, fromMs: number, toMs: number): number | null {
  const vs: number[] = [];
  for (let i = 0; i < p.timestampsMs.length; i++) {
    const t = p.timestampsMs[i]!;
    const v = p.values[i]!;
    if (t >= fromMs && t < toMs && Number.isFinite(v)) vs.push(v);
  }
  return vs.length >= 2 ? counterIncrease(vs) : null;
}

function mean(series: readonly Points[], fromMs: number, toMs: number): number | null {
  let sum = 0;
  let n = 0;
  for (const p of series) {
    for (let i = 0; i < p.timestampsMs.length; i++) {
      const t = p.timestampsMs[i]!;
      const v = p.values[i]!;
      if (t >= fromMs && t < toMs && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : null;
}

function sumIncreases(series: readonly Points[], fromMs: number, toMs: number): number | null {
  let total = 0;
  let any = false;
  for (const p of series) {
    const inc = increase(p, fromMs, toMs);
    if (inc !== null) {
      total += inc;
      any = true;
    }
  }
  return any ? total : null;
}

/** The period figure of one metric over [fromMs, toMs). */
export function periodFigure(m: MetricSeries, fromMs: number, toMs: number): number | null {
  switch (m.type) {
    case 'gauge':
      return mean(m.series, fromMs, toMs);
    case 'counter': {
      const inc = sumIncreases(m.series, fromMs, toMs);
      return inc === null ? null : inc / ((toMs - fromMs) / 1000);
    }
    case 'histogram': {
      const s = sumIncreases(m.sums, fromMs, toMs);
      const c = sumIncreases(m.counts, fromMs, toMs);
      return s === null || c === null || c === 0 ? null : s / c;
    }
  }
}

const FIGURE = { gauge: 'mean', counter: 'rate_per_second', histogram: 'mean_observation' } as const;

/**
 * Ranks metrics by |relative change| between [fromMs − (toMs − fromMs), fromMs) and [fromMs, toMs); metrics
 * without a relative change follow, then the top `limit` are returned.
 */
export function topChanges(
  metrics: ReadonlyMap<string, MetricSeries>,
  fromMs: number,
  toMs: number,
  limit = 10,
): MetricChange[] {
  const len = toMs - fromMs;
  const out: MetricChange[] = [];
  for (const [metric, m] of metrics) {
    const previous = periodFigure(m, fromMs - len, fromMs);
    const current = periodFigure(m, fromMs, toMs);
    if (previous === null && current === null) continue;
    const changePercent =
      previous !== null && current !== null && previous !== 0
        ? ((current - previous) / Math.abs(previous)) * 100
        : null;
    out.push({ metric, type: m.type, figure: FIGURE[m.type], previous, current, changePercent });
  }
  out.sort(
    (a, b) =>
      Math.abs(b.changePercent ?? -1) - Math.abs(a.changePercent ?? -1) || a.metric.localeCompare(b.metric),
  );
  return out.slice(0, Math.max(0, limit));
}
