import type { WidgetSeries } from '../../../../src/contract/dashboards.ts';
import type { DisplayUnit } from '../../../../src/contract/dashboard-spec.ts';
import { clock, formatValue } from '../../format.ts';
import { labelText } from '../thresholds.ts';

/** Time columns at most (samples are merged into this many buckets by their maximum). */
const COLUMNS = 48;
const ROWS = 16;

/** Each series' values merged into `columns` equal time buckets between `startMs` and `endMs` (max per bucket; null when empty). */
export function bucketize(
  s: WidgetSeries,
  startMs: number,
  endMs: number,
  columns: number,
): (number | null)[] {
  const out = new Array<number | null>(columns).fill(null);
  const width = Math.max(1, endMs - startMs) / columns;
  s.timestampsMs.forEach((t, i) => {
    const v = s.values[i];
    if (v === undefined || !Number.isFinite(v)) return;
    const b = Math.min(columns - 1, Math.max(0, Math.floor((t - startMs) / width)));
    out[b] = out[b] === null ? v : Math.max(out[b]!, v);
  });
  return out;
}

/** Heatmap: one row per series, one cell per time bucket, darker for larger values (scale from the smallest to the largest cell). */
export function HeatmapWidget(props: {
  readonly series: readonly WidgetSeries[];
  readonly unit: DisplayUnit | null;
  readonly startMs: number;
  readonly endMs: number;
}) {
  const rows = props.series.slice(0, ROWS).map((s) => ({
    name: labelText(s.labels, s.refId),
    cells: bucketize(s, props.startMs, props.endMs, COLUMNS),
  }));
  const all = rows.flatMap((r) => r.cells).filter((v): v is number => v !== null);
  if (all.length === 0) return <p className="muted">No data in this time range.</p>;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return (
    <div className="heatmap">
      {rows.map((r) => (
        <div key={r.name} className="heatmap-row">
          <span className="heatmap-label">{r.name}</span>
          <svg
            viewBox={`0 0 ${COLUMNS} 1`}
            preserveAspectRatio="none"
            className="heatmap-cells"
            role="img"
            aria-label={`${r.name}: from ${formatValue(Math.min(...r.cells.filter((v): v is number => v !== null)), props.unit)} to ${formatValue(Math.max(...r.cells.filter((v): v is number => v !== null)), props.unit)}`}
          >
            {r.cells.map((v, i) => (
              <rect
                key={i}
                x={i}
                y={0}
                width={1}
                height={1}
                className="heatmap-cell"
                style={{ opacity: v === null ? 0.04 : 0.15 + 0.85 * (hi === lo ? 1 : (v - lo) / (hi - lo)) }}
              >
                <title>{v === null ? 'no data' : formatValue(v, props.unit)}</title>
              </rect>
            ))}
          </svg>
        </div>
      ))}
      <p className="muted heatmap-scale">
        {clock(props.startMs)} – {clock(props.endMs)} · {formatValue(lo, props.unit)} (light) to{' '}
        {formatValue(hi, props.unit)} (dark)
      </p>
    </div>
  );
}
