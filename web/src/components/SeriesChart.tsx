import { useEffect, useMemo, useState } from 'react';
import type { WidgetSeries } from '../../../src/contract/dashboards.ts';
import type { DisplayUnit } from '../../../src/contract/dashboard-spec.ts';
import { queryMetric, type Aggregation, type QueryResponse } from '../api.ts';
import { TimeSeriesWidget } from '../dashboards/widgets/TimeSeriesWidget.tsx';
import { fetchExemplars } from '../exemplars.ts';
import { clock } from '../format.ts';
import { routeHref, type Route } from '../route.ts';
import { rangeNamed } from '../timeWindow.ts';
import { usePoll } from '../usePoll.ts';
import { AggregationControls, aggregationOr } from './AggregationControls.tsx';
import { MetricPicker } from './MetricPicker.tsx';
import { TimeRangeSelect } from './TimeRangeSelect.tsx';

/** Refresh intervals, ms (null = off). */
const REFRESHES: readonly [string, number | null][] = [
  ['off', null],
  ['2s', 2000],
  ['5s', 5000],
  ['10s', 10_000],
  ['30s', 30_000],
  ['1m', 60_000],
];

/** The query result as chart series, in the unit the server gives. */
function toSeries(res: QueryResponse): WidgetSeries[] {
  const unit = (res.data.unit ?? null) as DisplayUnit | null;
  return res.data.series.map((s) => ({
    refId: res.data.agg,
    labels: s.labels,
    unit,
    timestampsMs: s.timestampsMs,
    values: s.values,
  }));
}

/** Whole-number milliseconds of a URL parameter, or undefined. */
function msParam(v: string | null): number | undefined {
  const n = v === null ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Chart of one metric: every stored metric in a browser grouped by family, aggregation and grouping, a time range
 * (relative, or a fixed window such as an anomaly's) and a refresh interval — all kept in the URL, so the chart can
 * be bookmarked and linked. Values carry the catalog unit on the axis, in the hover legend and in a last/mean/max
 * legend; a drag-zoom persists across refreshes. When the API stops answering, the last data stays with a banner.
 * A duration metric (`…_seconds`) shows its exemplars, each opening its trace.
 */
export function SeriesChart({ route }: { readonly route: Route }) {
  const p = route.params;
  const [name, setName] = useState(p.get('metric') ?? '');
  const [agg, setAgg] = useState<Aggregation>(aggregationOr(p.get('agg'), 'avg'));
  const [by, setBy] = useState(p.get('by') ?? '');
  const [range, setRange] = useState(rangeNamed(p.get('range'), '5m').name);
  const [refresh, setRefresh] = useState(REFRESHES.find(([r]) => r === p.get('refresh'))?.[0] ?? '5s');
  const [fixed, setFixed] = useState(() => {
    const from = msParam(p.get('from'));
    const to = msParam(p.get('to'));
    return from !== undefined && to !== undefined && from < to ? { from, to } : null;
  });
  const seconds = rangeNamed(range, '5m').ms / 1000;
  const refreshMs = fixed ? null : REFRESHES.find(([r]) => r === refresh)![1];

  useEffect(() => {
    const href = routeHref(route.view, {
      metric: name,
      agg,
      by,
      range,
      refresh,
      from: fixed ? String(fixed.from) : undefined,
      to: fixed ? String(fixed.to) : undefined,
    });
    if (location.hash !== href) history.replaceState(null, '', href);
  }, [route.view, name, agg, by, range, refresh, fixed]);

  const result = usePoll(
    () => {
      if (name === '') return Promise.resolve(null);
      const end = fixed ? fixed.to : Date.now();
      return queryMetric(name, agg, by, fixed ? fixed.from : end - seconds * 1000, end);
    },
    refreshMs,
    [name, agg, by, seconds, fixed],
  );
  // Latency charts show exemplars over the same window (null: this user may not read them, so none are shown).
  const exemplars = usePoll(
    () => {
      if (name === '') return Promise.resolve(null);
      const end = fixed ? fixed.to : Date.now();
      return fetchExemplars(name, fixed ? fixed.from : end - seconds * 1000, end);
    },
    refreshMs,
    [name, seconds, fixed],
  );
  const series = useMemo(() => (result.data ? toSeries(result.data) : []), [result.data]);
  const [lastOk, setLastOk] = useState<number | null>(null);
  useEffect(() => {
    if (result.data && result.error === null) setLastOk(Date.now());
  }, [result.data, result.error]);

  const warnings = result.data?.warnings ?? [];
  return (
    <section className="panel">
      <h2>Series</h2>
      <div className="controls">
        <MetricPicker value={name} onChange={setName} selectFirst />
        <AggregationControls agg={agg} by={by} onAggChange={setAgg} onByChange={setBy} />
        <TimeRangeSelect
          value={range}
          fixedLabel={fixed ? `${clock(fixed.from)} – ${clock(fixed.to)}` : null}
          onChange={(r) => {
            setFixed(null);
            setRange(r);
          }}
        />
        <label>
          Refresh
          <select value={refresh} disabled={fixed !== null} onChange={(e) => setRefresh(e.target.value)}>
            {REFRESHES.map(([r]) => (
              <option key={r} value={r}>
                {r === 'off' ? 'Off' : `Every ${r}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {result.error && (
        <p className="stale-banner" role="alert">
          {result.data
            ? `The API is not answering (${result.error}): the chart shows data from ${lastOk === null ? 'earlier' : clock(lastOk)}.`
            : result.error}
        </p>
      )}
      {warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      {exemplars.error && <p className="muted">Exemplars could not be read: {exemplars.error}</p>}
      {name === '' && <p className="muted">No metrics stored yet.</p>}
      <div className="chart">
        {name !== '' && (
          <TimeSeriesWidget
            series={series}
            unit={(result.data?.data.unit ?? null) as DisplayUnit | null}
            stacked={false}
            title={name}
            {...(exemplars.data ? { exemplars: exemplars.data } : {})}
          />
        )}
      </div>
    </section>
  );
}
