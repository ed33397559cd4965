/**
 * "Top changes" of a report: per metric, one figure for the report period and the same figure for the period
 * of equal length just before it, ranked by the size of the relative change. The figure depends on the metric
 * type: a gauge's mean over every point of every series; a counter's rate (increase per second, summed over
 * series; a decrease is a counter reset, as in Prometheus' `increase`, without extrapolation); a histogram's
 * mean observation, Δ_sum / Δ_count summed over series. Pure.
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#increase
 */
import { findMetric } from '../catalog/index.ts';
import type { MetricType, Unit } from '../catalog/types.ts';
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
  /**
   * Unit of `previous` and `current` (`B`, `B/s`, `s`, `%`, `/s` for a rate of counted events, '' for a ratio,
   * score or count); '' for a metric outside the catalog whose unit is not known.
   */
  readonly unit: string;
}

/** Symbols of the catalog's base units ('' for the unitless ones). */
const UNIT_SYMBOL: Readonly<Record<Unit, string>> = {
  bytes: 'B',
  bytes_per_second: 'B/s',
  seconds: 's',
  percent: '%',
  ratio: '',
  count: '',
  score: '',
  state: '',
  info: '',
};

/**
 * The unit of a metric's period figure: the catalog unit's symbol for a gauge's mean and a histogram's mean
 * observation, per second for a counter's rate (`B/s`, or `/s` for counted events).
 */
export function figureUnit(metric: string, type: MetricType): string {
  const def = findMetric(metric);
  const symbol = def === undefined ? '' : UNIT_SYMBOL[def.unit];
  if (type !== 'counter') return symbol;
  if (def === undefined) return '/s';
  return symbol === '' ? '/s' : `${symbol}/s`;
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
    out.push({
      metric,
      type: m.type,
      figure: FIGURE[m.type],
      previous,
      current,
      changePercent,
      unit: figureUnit(metric, m.type),
    });
  }
  out.sort(
    (a, b) =>
      Math.abs(b.changePercent ?? -1) - Math.abs(a.changePercent ?? -1) || a.metric.localeCompare(b.metric),
  );
  return out.slice(0, Math.max(0, limit));
}

/** A formatted figure with its unit (`1.5 B/s`); the text alone when the unit is '' or the figure is missing ('–'). */
export function withUnit(text: string, unit: string): string {
  return unit === '' || text === '–' ? text : `${text} ${unit}`;
}
