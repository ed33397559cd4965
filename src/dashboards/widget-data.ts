/**
 * Evaluates the widgets of a dashboard into their data (src/contract/dashboards.ts `WidgetData`): each query
 * through the shared cache (./query-cache.ts), so viewers of one dashboard — and dashboards sharing a query —
 * cost one evaluation per time to live. A widget whose query fails gets status `error` with the message; the
 * other widgets are unaffected. PromQL text (from imported Grafana dashboards) is `unsupported`: only Prometheus
 * evaluates it. A widget whose source the monitor was built without is `unavailable`.
 */
import type { Incident } from '../contract/alerting.ts';
import { toApiAnomaly, type ApiAnomaly } from '../contract/anomalies.ts';
import type {
  AnomaliesQuery,
  DisplayUnit,
  IncidentsQuery,
  LogsQuery,
  NetworkQuery,
  SeriesQuery,
  Widget,
} from '../contract/dashboard-spec.ts';
import type { LogLine, WidgetData, WidgetResult, WidgetSeries, WidgetValue } from '../contract/dashboards.ts';
import type { NetworkOverview } from '../contract/network.ts';
import { DwcpError } from '../errors.ts';
import {
  evaluateMetricQuery,
  metricQueryFamily,
  metricQueryKey,
  queryUnit,
  reduceValues,
  resolveMatch,
  toWidgetSeries,
  type MetricQueryResult,
  type VariableValues,
} from './metric-query.ts';
import type { SharedQueryCache } from './query-cache.ts';
import type { DashboardDataSources, QueryReadLimits } from './sources.ts';
import type { DataWindow } from './window.ts';

/** What one cached query evaluated to. */
export type QueryValue =
  | { readonly kind: 'metric'; readonly result: MetricQueryResult }
  | { readonly kind: 'anomalies'; readonly anomalies: ApiAnomaly[] }
  | { readonly kind: 'incidents'; readonly incidents: Incident[] }
  | { readonly kind: 'network'; readonly overview: NetworkOverview }
  | { readonly kind: 'logs'; readonly lines: LogLine[] };

/** Everything widget evaluation needs. */
export interface WidgetContext {
  readonly tenantId: string;
  readonly window: DataWindow;
  readonly vars: VariableValues;
  readonly sources: DashboardDataSources;
  readonly limits: QueryReadLimits;
  readonly cache: SharedQueryCache<QueryValue>;
}

/** A widget cannot be evaluated for a reason other than a failing query. */
class NotEvaluated extends Error {
  constructor(
    readonly status: 'unsupported' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

interface Evaluated {
  readonly result: WidgetResult;
  readonly computedAtMs: number;
  readonly warnings: string[];
}

/** Evaluates every series query (metric queries; PromQL ones are noted and left out). */
async function seriesOf(
  w: Widget,
  queries: readonly SeriesQuery[],
  ctx: WidgetContext,
): Promise<{ series: WidgetSeries[]; computedAtMs: number; warnings: string[] }> {
  const metricQueries = queries.filter((q) => q.kind === 'metric');
  const promql = queries.filter((q) => q.kind === 'promql');
  if (metricQueries.length === 0)
    throw new NotEvaluated(
      'unsupported',
      'the queries are PromQL text, which Prometheus evaluates; this monitor evaluates catalog metric queries',
    );
  const warnings = promql.map(
    (q) => `${q.refId}: PromQL text is evaluated by Prometheus, not by this monitor`,
  );
  const series: WidgetSeries[] = [];
  let computedAtMs = Infinity;
  for (const q of metricQueries) {
    const m = resolveMatch(q.match, ctx.vars);
    const c = await ctx.cache.get(
      metricQueryKey(ctx.tenantId, q, m, ctx.window),
      async () => ({
        kind: 'metric',
        result: await evaluateMetricQuery(q, m, ctx.window, ctx.sources, ctx.limits),
      }),
      metricQueryFamily(ctx.tenantId, q, m, ctx.window),
    );
    if (c.value.kind !== 'metric') throw new Error('cache entry of another kind');
    computedAtMs = Math.min(computedAtMs, c.computedAtMs);
    warnings.push(...c.value.result.warnings);
    series.push(...toWidgetSeries(q, c.value.result, queryUnit(q, w.unit)));
  }
  return { series, computedAtMs, warnings };
}

function reduced(
  series: readonly WidgetSeries[],
  reducer: Parameters<typeof reduceValues>[1],
): WidgetValue[] {
  return series.map((s) => ({
    refId: s.refId,
    labels: s.labels,
    unit: s.unit,
    value: reduceValues(s.values, reducer),
  }));
}

async function anomaliesOf(q: AnomaliesQuery, ctx: WidgetContext) {
  const src = ctx.sources.anomalies;
  if (src === undefined)
    throw new NotEvaluated('unavailable', 'the anomaly history is not configured on this monitor');
  const key = JSON.stringify(['anomalies', ctx.tenantId, q, ctx.window.startMs, ctx.window.endMs]);
  const c = await ctx.cache.get(key, async () => {
    // Filters the store has no index for are applied after reading a bounded page.
    const filtered = q.metric !== undefined || q.activeOnly;
    const rows = await src.list({
      startMs: ctx.window.startMs,
      endMs: ctx.window.endMs,
      limit: filtered ? 1000 : q.limit,
      ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
    });
    const kept = rows.filter(
      (a) => (q.metric === undefined || a.metric === q.metric) && (!q.activeOnly || a.resolvedAtMs === null),
    );
    return { kind: 'anomalies', anomalies: kept.slice(0, q.limit).map(toApiAnomaly) };
  });
  if (c.value.kind !== 'anomalies') throw new Error('cache entry of another kind');
  return { anomalies: c.value.anomalies, computedAtMs: c.computedAtMs };
}

async function incidentsOf(q: IncidentsQuery, ctx: WidgetContext) {
  const src = ctx.sources.incidents;
  if (src === undefined) throw new NotEvaluated('unavailable', 'alerting is not configured on this monitor');
  const c = await ctx.cache.get(JSON.stringify(['incidents', ctx.tenantId, q]), async () => ({
    kind: 'incidents',
    incidents: await src.listIncidents(q.limit, q.status),
  }));
  if (c.value.kind !== 'incidents') throw new Error('cache entry of another kind');
  return { incidents: c.value.incidents, computedAtMs: c.computedAtMs };
}

async function topologyOf(q: NetworkQuery, ctx: WidgetContext): Promise<Evaluated> {
  const src = ctx.sources.network;
  if (src === undefined)
    throw new NotEvaluated('unavailable', 'network telemetry is not configured on this monitor');
  const { startMs, endMs } = ctx.window;
  const c = await ctx.cache.get(JSON.stringify(['network', ctx.tenantId, q, startMs, endMs]), async () => ({
    kind: 'network',
    overview: await src.network(endMs - startMs, endMs, q.region),
  }));
  if (c.value.kind !== 'network') throw new Error('cache entry of another kind');
  const pairs = c.value.overview.pairs;
  const regions = [...new Set(pairs.flatMap((p) => [p.region, p.remoteRegion]))].sort();
  const nodes = new Map<string, string>();
  for (const p of pairs) for (const n of p.nodes) nodes.set(n, p.region);
  return {
    result: {
      kind: 'topology',
      regions,
      nodes: [...nodes]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, region]) => ({ id, region })),
      links: pairs,
    },
    computedAtMs: c.computedAtMs,
    warnings: [...c.value.overview.warnings],
  };
}

async function logsOf(q: LogsQuery, ctx: WidgetContext): Promise<Evaluated> {
  const src = ctx.sources.logs;
  if (src === undefined) throw new NotEvaluated('unavailable', 'no log source is configured on this monitor');
  const { startMs, endMs } = ctx.window;
  const c = await ctx.cache.get(JSON.stringify(['logs', ctx.tenantId, q, startMs, endMs]), async () => ({
    kind: 'logs',
    lines: await src.search({
      startMs,
      endMs,
      match: q.match,
      limit: q.limit,
      ...(q.search !== undefined ? { search: q.search } : {}),
    }),
  }));
  if (c.value.kind !== 'logs') throw new Error('cache entry of another kind');
  return {
    result: { kind: 'logs', lines: c.value.lines.slice(0, q.limit) },
    computedAtMs: c.computedAtMs,
    warnings: [],
  };
}

async function evaluate(w: Widget, ctx: WidgetContext): Promise<Evaluated> {
  switch (w.type) {
    case 'line':
    case 'stacked_area':
    case 'heatmap': {
      const s = await seriesOf(w, w.queries, ctx);
      return {
        result: { kind: 'series', series: s.series },
        computedAtMs: s.computedAtMs,
        warnings: s.warnings,
      };
    }
    case 'stat': {
      const s = await seriesOf(w, w.queries, ctx);
      const result: WidgetResult = w.options.sparkline
        ? { kind: 'series', series: s.series }
        : { kind: 'values', values: reduced(s.series, w.options.reduce) };
      return { result, computedAtMs: s.computedAtMs, warnings: s.warnings };
    }
    case 'bar':
    case 'gauge':
    case 'status':
    case 'progress': {
      const s = await seriesOf(w, w.queries, ctx);
      return {
        result: { kind: 'values', values: reduced(s.series, w.options.reduce) },
        computedAtMs: s.computedAtMs,
        warnings: s.warnings,
      };
    }
    case 'alert_list': {
      if (w.query.kind === 'incidents') {
        const r = await incidentsOf(w.query, ctx);
        return {
          result: { kind: 'incidents', incidents: r.incidents },
          computedAtMs: r.computedAtMs,
          warnings: [],
        };
      }
      const r = await anomaliesOf(w.query, ctx);
      return {
        result: { kind: 'anomalies', anomalies: r.anomalies },
        computedAtMs: r.computedAtMs,
        warnings: [],
      };
    }
    case 'table': {
      const seriesQueries = w.queries.filter(
        (q): q is SeriesQuery => q.kind === 'metric' || q.kind === 'promql',
      );
      const s =
        seriesQueries.length > 0
          ? await seriesOf(w, seriesQueries, ctx)
          : { series: [], computedAtMs: Infinity, warnings: [] };
      const anomalies: ApiAnomaly[] = [];
      const incidents: Incident[] = [];
      let computedAtMs = s.computedAtMs;
      for (const q of w.queries) {
        if (q.kind === 'anomalies') {
          const r = await anomaliesOf(q, ctx);
          anomalies.push(...r.anomalies);
          computedAtMs = Math.min(computedAtMs, r.computedAtMs);
        } else if (q.kind === 'incidents') {
          const r = await incidentsOf(q, ctx);
          incidents.push(...r.incidents);
          computedAtMs = Math.min(computedAtMs, r.computedAtMs);
        }
      }
      return {
        result: { kind: 'table', series: s.series, anomalies, incidents },
        computedAtMs,
        warnings: s.warnings,
      };
    }
    case 'logs':
      return logsOf(w.query, ctx);
    case 'topology':
      return topologyOf(w.query, ctx);
  }
}

/** The display unit of a widget: its own, or the first metric query's. */
function widgetUnit(w: Widget, result: WidgetResult): DisplayUnit | null {
  if (w.unit !== undefined) return w.unit;
  if (result.kind === 'series' || result.kind === 'table') return result.series[0]?.unit ?? null;
  if (result.kind === 'values') return result.values[0]?.unit ?? null;
  return null;
}

/** Evaluates one widget; never throws (a failure becomes the widget's `error` status). */
export async function widgetData(w: Widget, ctx: WidgetContext): Promise<WidgetData> {
  try {
    const e = await evaluate(w, ctx);
    return {
      id: w.id,
      type: w.type,
      status: 'ok',
      unit: widgetUnit(w, e.result),
      result: e.result,
      computedAtMs: Number.isFinite(e.computedAtMs) ? e.computedAtMs : ctx.window.endMs,
      warnings: e.warnings,
    };
  } catch (err) {
    if (err instanceof NotEvaluated)
      return { id: w.id, type: w.type, status: err.status, message: err.message };
    const message = err instanceof DwcpError ? err.message : 'the query failed';
    return { id: w.id, type: w.type, status: 'error', message };
  }
}
