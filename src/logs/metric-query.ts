/**
 * LogQL range aggregations of the log query service: `count_over_time` and `rate` (optionally `sum by`) on a step
 * grid, counted per stream and bucket in SQL when the pipeline only filters by substrings, otherwise from the
 * entries the pipeline accepts.
 * @see https://grafana.com/docs/loki/latest/query/metric_queries/#log-range-aggregations
 */
import { InvalidInputError } from '../errors.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import { gcd } from '../math/gcd.ts';
import type { LogQuery, MetricQuery } from './logql/ast.ts';
import {
  compilePipeline,
  isIndexedLabel,
  matcherTest,
  prefilterWords,
  requiredSubstrings,
  substringFiltersOnly,
} from './logql/pipeline.ts';
import { pick, scopeOf, seriesKey, type LogQueryLimits, type MatrixData } from './query-types.ts';
import type { LogRangeQuery } from '../model/log-query.ts';
import { LOG_LABELS } from './record.ts';
import { countByStream } from './store/counts.ts';
import type { LabelSet, LogStore } from './store/log-store.ts';

/** What a metric query needs of the query service. */
export interface MetricQueryContext {
  readonly store: LogStore;
  readonly limits: LogQueryLimits;
  /** The selector's indexed-label matchers as label sets (regex matchers resolved over the range). */
  labelSets(q: LogQuery, startUs: number, endUs: number, scope: TenantScope | undefined): Promise<LabelSet[]>;
}

/**
 * A range aggregation (`count_over_time`, `rate`, optionally `sum by`) over `[startUs, endUs]` on the step grid:
 * count-only in SQL when the pipeline only filters by substrings (see {@link countQuery}), otherwise from the
 * entries read through the pipeline.
 * @throws InvalidInputError (400) when the step is not positive or the grid has more than `maxPoints` points
 */
export async function metricQuery(
  ctx: MetricQueryContext,
  q: MetricQuery,
  r: LogRangeQuery,
): Promise<MatrixData> {
  if (!(r.stepMs > 0)) throw new InvalidInputError('step must be > 0');
  const stepUs = r.stepMs * 1000;
  const points = Math.floor((r.endUs - r.startUs) / stepUs) + 1;
  if (points > ctx.limits.maxPoints)
    throw new InvalidInputError(
      `${points} points per series exceed the limit of ${ctx.limits.maxPoints}; use a larger step or a shorter range`,
    );
  const rangeUs = q.rangeMs * 1000;
  const grid: Grid = {
    startUs: r.startUs,
    stepUs,
    points,
    rangeUs,
    perSecond: q.fn === 'rate' ? q.rangeMs / 1000 : undefined,
  };
  const filters = substringFiltersOnly(q.query);
  if (filters !== undefined && [stepUs, rangeUs, r.startUs, r.endUs].every(Number.isSafeInteger))
    return countQuery(ctx, q, r, grid, filters);
  const run = compilePipeline(q.query);
  const series = new Map<string, { labels: Record<string, string>; times: number[] }>();
  let dropped = false;
  const res = await ctx.store.scan({
    startUs: r.startUs - rangeUs + 1,
    endUs: r.endUs + 1,
    labels: await ctx.labelSets(q.query, r.startUs - rangeUs, r.endUs + 1, r.scope),
    contains: requiredSubstrings(q.query),
    containsWords: prefilterWords(q.query),
    ...scopeOf(r),
    direction: 'forward',
    limit: Number.MAX_SAFE_INTEGER,
    maxScan: ctx.limits.maxScan,
    accept: (row) => {
      const out = run(row);
      if (out === undefined) return false;
      const labels = q.sumBy === undefined ? out.labels : pick(out.labels, q.sumBy);
      const key = seriesKey(labels);
      let s = series.get(key);
      if (!s) {
        if (series.size >= ctx.limits.maxSeries) {
          dropped = true;
          return false;
        }
        series.set(key, (s = { labels, times: [] }));
      }
      s.times.push(row.timeUs);
      return false;
    },
  });
  const result = [...series.values()].map((s) => ({
    metric: s.labels,
    values: windowCounts(grid, s.times, undefined),
  }));
  return {
    resultType: 'matrix',
    result: result.filter((s) => s.values.length > 0),
    stats: { scannedLines: res.scanned, truncated: res.truncated || dropped },
  };
}

/**
 * A range aggregation whose pipeline only filters by substrings: entries counted per stream in buckets of
 * gcd(step, range) in SQL (no line is read), summed into the series and windows of the grid. `scannedLines`
 * is the entries counted; the group bound is `maxScan` (each group counts at least one entry).
 */
async function countQuery(
  ctx: MetricQueryContext,
  q: MetricQuery,
  r: LogRangeQuery,
  grid: Grid,
  filters: { contains: string[]; notContains: string[] },
): Promise<MatrixData> {
  if (!q.query.selector.filter((m) => !isIndexedLabel(m.name)).every((m) => matcherTest(m)('')))
    return { resultType: 'matrix', result: [], stats: { scannedLines: 0, truncated: false } };
  const bucketUs = gcd(grid.stepUs, grid.rangeUs);
  const res = await countByStream(ctx.store, {
    originUs: r.startUs - grid.rangeUs,
    endUs: r.endUs + 1,
    bucketUs,
    labels: await ctx.labelSets(q.query, r.startUs - grid.rangeUs, r.endUs + 1, r.scope),
    ...scopeOf(r),
    ...filters,
    maxGroups: ctx.limits.maxScan,
  });
  const series = new Map<string, { labels: Record<string, string>; times: number[]; counts: number[] }>();
  let dropped = false;
  for (const st of res.streams) {
    const all: Record<string, string> = {};
    for (const l of LOG_LABELS) if (st.labels[l] !== '') all[l] = st.labels[l];
    const labels = q.sumBy === undefined ? all : pick(all, q.sumBy);
    const key = seriesKey(labels);
    let s = series.get(key);
    if (!s) {
      if (series.size >= ctx.limits.maxSeries) {
        dropped = true;
        continue;
      }
      series.set(key, (s = { labels, times: [], counts: [] }));
    }
    s.times.push(...st.bucketEndsUs);
    s.counts.push(...st.counts);
  }
  const result = [...series.values()].map((s) => {
    // streams merged into one series: their buckets in time order
    const order = s.times.map((_, i) => i).sort((a, b) => s.times[a]! - s.times[b]!);
    return {
      metric: s.labels,
      values: windowCounts(
        grid,
        order.map((i) => s.times[i]!),
        order.map((i) => s.counts[i]!),
      ),
    };
  });
  return {
    resultType: 'matrix',
    result: result.filter((s) => s.values.length > 0),
    stats: { scannedLines: res.lines, truncated: res.truncated || dropped },
  };
}

/** The evaluation grid of a range aggregation: points `startUs + i·stepUs`, each over `(t − rangeUs, t]`. */
interface Grid {
  readonly startUs: number;
  readonly stepUs: number;
  readonly points: number;
  readonly rangeUs: number;
  /** `rate`: the range in seconds the counts are divided by; undefined for `count_over_time`. */
  readonly perSecond: number | undefined;
}

/**
 * Entries in each window of the grid from times in ascending order (each weighing its count, or 1), as Loki's
 * matrix values (points without entries left out).
 */
function windowCounts(
  g: Grid,
  times: readonly number[],
  counts: readonly number[] | undefined,
): [number, string][] {
  const values: [number, string][] = [];
  let lo = 0;
  let hi = 0;
  let n = 0;
  for (let i = 0; i < g.points; i++) {
    const t = g.startUs + i * g.stepUs;
    for (; hi < times.length && times[hi]! <= t; hi++) n += counts === undefined ? 1 : counts[hi]!;
    for (; lo < hi && times[lo]! <= t - g.rangeUs; lo++) n -= counts === undefined ? 1 : counts[lo]!;
    if (n === 0) continue;
    values.push([t / 1e6, String(g.perSecond === undefined ? n : n / g.perSecond)]);
  }
  return values;
}
