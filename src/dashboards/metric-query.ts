/**
 * Evaluation of a catalog metric query of a widget: variables substituted into the label matchers, series
 * looked up and read as GET /api/metrics/query reads them (at most `seriesMax` series and `rawPointsPerSeries`
 * points each; stores with rollups at the step's resolution), aggregated by src/store/query.ts on the window's
 * step grid. Units come from the catalog (a `rate` of bytes is bytes per second, of a count operations per
 * second) unless the query or widget names one.
 */
import { findMetric, metricForSampleName } from '../catalog/index.ts';
import type { DisplayUnit, MetricQuery, Reducer } from '../contract/dashboard-spec.ts';
import type { WidgetSeries } from '../contract/dashboards.ts';
import { aggregateSeries } from '../store/query.ts';
import type { DashboardDataSources, QueryReadLimits } from './sources.ts';
import type { DataWindow } from './window.ts';

/** Selected values of the dashboard's variables: name → values; absent or empty = All. */
export type VariableValues = Readonly<Record<string, readonly string[]>>;

const VAR_REF = /^\$(?:\{([a-zA-Z_][a-zA-Z0-9_]*)\}|([a-zA-Z_][a-zA-Z0-9_]*))$/;
/** Grafana's value for "All". */
const ALL = '$__all';

/** Matchers after variable substitution: equality matchers, and labels that may take any of several values. */
export interface ResolvedMatch {
  readonly equal: Record<string, string>;
  readonly anyOf: Record<string, readonly string[]>;
}

/**
 * Substitutes `$name` / `${name}` values: one selected value → an equality matcher; several → the label must
 * be one of them; none or All → the label is not constrained. Other values are literal.
 */
export function resolveMatch(match: Readonly<Record<string, string>>, vars: VariableValues): ResolvedMatch {
  const equal: Record<string, string> = {};
  const anyOf: Record<string, readonly string[]> = {};
  for (const [label, raw] of Object.entries(match)) {
    const ref = VAR_REF.exec(raw);
    if (!ref) {
      equal[label] = raw;
      continue;
    }
    const values = (vars[ref[1] ?? ref[2]!] ?? []).filter((v) => v !== ALL);
    if (values.length === 1) equal[label] = values[0]!;
    else if (values.length > 1) anyOf[label] = [...new Set(values)].sort();
  }
  return { equal, anyOf };
}

/** The display unit of a query: its own, the widget's, or the catalog unit of its metric (per second for `rate`). */
export function queryUnit(q: MetricQuery, widgetUnit: DisplayUnit | undefined): DisplayUnit | null {
  if (q.unit !== undefined) return q.unit;
  if (widgetUnit !== undefined) return widgetUnit;
  const def = findMetric(q.metric) ?? metricForSampleName(q.metric);
  if (def === undefined) return null;
  if (q.agg === 'rate')
    return def.unit === 'bytes'
      ? 'bytes_per_second'
      : def.unit === 'count'
        ? 'operations_per_second'
        : def.unit;
  return def.unit;
}

/** What a metric query's result depends on apart from its window: tenant, metric, aggregation, grouping, matchers. */
const queryIdentity = (tenantId: string, q: MetricQuery, m: ResolvedMatch): unknown[] => [
  'metric',
  tenantId,
  q.metric,
  q.agg,
  q.by,
  m.equal,
  m.anyOf,
];

/** The cache key of a query over a window: everything its result depends on. */
export function metricQueryKey(tenantId: string, q: MetricQuery, m: ResolvedMatch, w: DataWindow): string {
  return JSON.stringify([...queryIdentity(tenantId, q, m), w.startMs, w.endMs, w.stepMs]);
}

/** What {@link metricQueryKey} is a version of: the same query over a window of the same length and step, wherever it ends. */
export function metricQueryFamily(tenantId: string, q: MetricQuery, m: ResolvedMatch, w: DataWindow): string {
  return JSON.stringify([...queryIdentity(tenantId, q, m), w.endMs - w.startMs, w.stepMs]);
}

/** Aggregated series of a metric query (labels of the `by` groups) and the notes on what was left out. */
export interface MetricQueryResult {
  readonly series: readonly {
    readonly labels: Record<string, string>;
    readonly timestampsMs: number[];
    readonly values: number[];
  }[];
  readonly warnings: readonly string[];
}

/**
 * Reads and aggregates the series of `q` over `w`.
 * @throws InvalidInputError from the aggregation (too many steps or series); StoreError from the store
 */
export async function evaluateMetricQuery(
  q: MetricQuery,
  m: ResolvedMatch,
  w: DataWindow,
  sources: DashboardDataSources,
  limits: QueryReadLimits,
): Promise<MetricQueryResult> {
  const warnings: string[] = [];
  const found = await sources.samples.findSeries(q.metric, m.equal, limits.seriesMax);
  const anyOf = Object.entries(m.anyOf);
  const refs =
    anyOf.length === 0
      ? found
      : found.filter((r) => anyOf.every(([l, vs]) => vs.includes(r.labels[l] ?? '')));
  if (found.length >= limits.seriesMax)
    warnings.push(
      `${q.refId}: only the first ${limits.seriesMax} matching series were read; narrow the query`,
    );
  const opts = {
    startMs: w.startMs,
    endMs: w.endMs,
    stepMs: w.stepMs,
    agg: q.agg,
    ...(q.by.length > 0 ? { by: q.by } : {}),
  };
  let res: { readonly series: MetricQueryResult['series'] };
  let truncated: boolean;
  if (sources.samples.queryRange) {
    // The chunked store aggregates while it decodes (the same result as the points + aggregateSeries below).
    const r = await sources.samples.queryRange(refs, opts, limits.rawPointsPerSeries);
    res = r;
    truncated = r.truncated;
  } else {
    const points = sources.samples.readForStep
      ? (await sources.samples.readForStep(refs, w.startMs, w.endMs, w.stepMs, limits.rawPointsPerSeries))
          .points
      : await sources.samples.readPoints(refs, w.startMs, w.endMs, limits.rawPointsPerSeries);
    truncated = points.some((p) => p.timestampsMs.length >= limits.rawPointsPerSeries);
    res = aggregateSeries(points, opts);
  }
  if (truncated) {
    warnings.push(
      `${q.refId}: some series have more than ${limits.rawPointsPerSeries} samples in the range; only the latest were used`,
    );
  }
  return { series: res.series, warnings };
}

/** The series of a result in the widget's shape. */
export function toWidgetSeries(
  q: MetricQuery,
  r: MetricQueryResult,
  unit: DisplayUnit | null,
): WidgetSeries[] {
  return r.series.map((s) => ({
    refId: q.refId,
    labels: s.labels,
    unit,
    timestampsMs: s.timestampsMs,
    values: s.values,
  }));
}

/** One value of a series by `reducer` over its finite values; null when it has none. */
export function reduceValues(values: readonly number[], reducer: Reducer): number | null {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return null;
  switch (reducer) {
    case 'last':
      return xs[xs.length - 1]!;
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
    case 'mean':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'max':
      return xs.reduce((a, b) => Math.max(a, b), -Infinity);
    case 'min':
      return xs.reduce((a, b) => Math.min(a, b), Infinity);
  }
}
