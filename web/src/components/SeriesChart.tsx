import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { queryMetric, searchMetrics, type Aggregation, type QueryResponse } from '../api.ts';
import { usePoll } from '../usePoll.ts';

const AGGS: readonly Aggregation[] = ['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate'];
const RANGE_SECONDS = 300;
const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];
/** At most this many lines are drawn. */
const MAX_LINES = 8;

/** Converts the query result to uPlot's aligned data (seconds on x; gaps as null). */
function toAligned(res: QueryResponse): { data: uPlot.AlignedData; names: string[] } {
  const series = res.data.series.slice(0, MAX_LINES);
  const xs = [...new Set(series.flatMap((s) => s.timestampsMs))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    s.timestampsMs.forEach((t, i) => {
      col[index.get(t)!] = s.values[i] ?? null;
    });
    return col;
  });
  const names = series.map((s) => {
    const l = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    return l === '' ? res.data.agg : l;
  });
  return { data: [xs.map((t) => t / 1000), ...ys], names };
}

/** Live chart of one metric over the last 5 minutes, refreshed every 2 s. */
export function SeriesChart() {
  const [q, setQ] = useState('');
  const [name, setName] = useState('');
  const [agg, setAgg] = useState<Aggregation>('avg');
  const [by, setBy] = useState('');
  const names = usePoll(() => searchMetrics(q), 10_000, [q]);
  const result = usePoll(
    () => (name === '' ? Promise.resolve(null) : queryMetric(name, agg, by, RANGE_SECONDS)),
    2000,
    [name, agg, by],
  );
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef('');

  useEffect(() => {
    if (name === '' && names.data && names.data.length > 0) setName(names.data[0]!);
  }, [names.data, name]);

  useEffect(() => {
    const el = container.current;
    const res = result.data;
    if (!el || !res) return;
    const { data, names: lines } = toAligned(res);
    const key = lines.join('|');
    if (plot.current && shape.current === key) {
      plot.current.setData(data);
      return;
    }
    plot.current?.destroy();
    shape.current = key;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: 280,
      series: [{}, ...lines.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length]!, width: 1.5, spanGaps: false }))],
      axes: [{}, { size: 70 }],
      legend: { show: true },
    };
    plot.current = new uPlot(opts, data, el);
  }, [result.data]);

  useEffect(() => {
    const onResize = (): void => {
      const el = container.current;
      if (el && plot.current) plot.current.setSize({ width: Math.max(300, el.clientWidth), height: 280 });
    };
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  const warnings = result.data?.warnings ?? [];
  return (
    <section className="panel">
      <h2>Live series (last 5 min)</h2>
      <div className="controls">
        <label>
          Search
          <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="filter metric names" />
        </label>
        <label>
          Metric
          <select value={name} onChange={(e) => setName(e.target.value)}>
            {name !== '' && !(names.data ?? []).includes(name) && <option value={name}>{name}</option>}
            {(names.data ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Aggregation
          <select value={agg} onChange={(e) => setAgg(e.target.value as Aggregation)}>
            {AGGS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          By labels
          <input value={by} onChange={(e) => setBy(e.target.value)} placeholder="e.g. region,node_id" />
        </label>
      </div>
      {result.error && <p className="error">{result.error}</p>}
      {warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      {name === '' && <p className="muted">No metrics stored yet.</p>}
      <div ref={container} className="chart" />
    </section>
  );
}
