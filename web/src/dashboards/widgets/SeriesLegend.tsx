import type { WidgetSeries } from '../../../../src/contract/dashboards.ts';
import type { DisplayUnit } from '../../../../src/contract/dashboard-spec.ts';
import { formatValue } from '../../format.ts';

/** Last, mean and max of a series' finite values (null when it has none). */
export function seriesStats(values: readonly number[]): {
  last: number | null;
  mean: number | null;
  max: number | null;
} {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { last: null, mean: null, max: null };
  return {
    last: finite[finite.length - 1]!,
    mean: finite.reduce((a, b) => a + b, 0) / finite.length,
    max: Math.max(...finite),
  };
}

/** Legend table of a chart: each series with its colour and last/mean/max in the display unit. */
export function SeriesLegend(props: {
  readonly series: readonly WidgetSeries[];
  readonly names: readonly string[];
  readonly unit: DisplayUnit | null;
  readonly colors: readonly string[];
  readonly hidden: number;
}) {
  if (props.series.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <div className="table-scroll">
      <table className="legend-table">
        <thead>
          <tr>
            <th>Series</th>
            <th>Last</th>
            <th>Mean</th>
            <th>Max</th>
          </tr>
        </thead>
        <tbody>
          {props.series.map((s, i) => {
            const st = seriesStats(s.values);
            return (
              <tr key={i}>
                <td className="legend-name">
                  <span className="swatch" style={{ background: props.colors[i % props.colors.length] }} />
                  {props.names[i]}
                </td>
                <td>{formatValue(st.last, s.unit ?? props.unit)}</td>
                <td>{formatValue(st.mean, s.unit ?? props.unit)}</td>
                <td>{formatValue(st.max, s.unit ?? props.unit)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.hidden > 0 && <p className="muted">{props.hidden} more series not drawn.</p>}
    </div>
  );
}
