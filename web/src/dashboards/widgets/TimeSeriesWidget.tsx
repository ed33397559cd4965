import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { WidgetSeries } from '../../../../src/contract/dashboards.ts';
import type { DisplayUnit } from '../../../../src/contract/dashboard-spec.ts';
import { formatValue } from '../../format.ts';
import { labelText } from '../thresholds.ts';
import { exemplarScaleMax, type ExemplarPoint } from '../../exemplars.ts';
import { placeExemplars } from './exemplarMarkers.ts';
import { SeriesLegend } from './SeriesLegend.tsx';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];
/** Lines drawn at most (the legend says how many were left out). */
export const MAX_LINES = 12;
const HEIGHT = 220;

/** Series on one time axis for uPlot (seconds on x; gaps as null); `stacked` adds each series onto the previous ones. */
export function alignSeries(series: readonly WidgetSeries[], stacked: boolean): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.timestampsMs))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col = new Array<number | null>(xs.length).fill(null);
    s.timestampsMs.forEach((t, i) => (col[index.get(t)!] = s.values[i] ?? null));
    return col;
  });
  if (stacked) {
    for (let k = 1; k < columns.length; k++)
      columns[k] = columns[k]!.map((v, i) => (v === null ? null : v + (columns[k - 1]![i] ?? 0)));
  }
  return [xs.map((t) => t / 1000), ...columns];
}

/**
 * Line and stacked-area widgets: uPlot with values in the widget's unit on the y axis and in the hover legend,
 * and a legend table of last/mean/max. A drag-zoom persists across live updates until a double-click resets it.
 * `exemplars` (latency charts) are drawn as points that open their traces (./exemplarMarkers.ts).
 */
export function TimeSeriesWidget(props: {
  readonly series: readonly WidgetSeries[];
  readonly unit: DisplayUnit | null;
  readonly stacked: boolean;
  readonly title: string;
  readonly exemplars?: readonly ExemplarPoint[];
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef('');
  const zoomed = useRef(false);
  const exemplars = useRef<readonly ExemplarPoint[]>([]);
  exemplars.current = props.exemplars ?? [];
  const series = props.series.slice(0, MAX_LINES);
  const names = series.map((s) => labelText(s.labels, s.refId));

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const data = alignSeries(series, props.stacked);
    const key = `${names.join('|')}#${props.unit ?? ''}#${props.stacked}`;
    if (plot.current && shape.current === key) {
      plot.current.setData(data, !zoomed.current);
      return;
    }
    plot.current?.destroy();
    shape.current = key;
    zoomed.current = false;
    const fmt = (v: number | null) => formatValue(v, props.unit);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      series: [
        {},
        ...names.map((label, i) => {
          const color = COLORS[i % COLORS.length]!;
          return {
            label,
            stroke: color,
            width: 1.5,
            value: (_u: uPlot, v: number | null) => fmt(v),
            ...(props.stacked ? { fill: `${color}55` } : {}),
          };
        }),
      ],
      axes: [
        {},
        {
          size: (u: uPlot, values: string[] | null) =>
            Math.max(50, ...(values ?? []).map((v) => v.length * 7 + 14)),
          values: (_u: uPlot, ticks: number[]) => ticks.map(fmt),
        },
      ],
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [() => (zoomed.current = true)],
        ready: [(u: uPlot) => u.over.addEventListener('dblclick', () => (zoomed.current = false))],
        draw: [(u: uPlot) => placeExemplars(u, exemplars.current)],
      },
    };
    plot.current = new uPlot(opts, data, el);
  }, [props.series, props.unit, props.stacked]);

  useEffect(() => {
    if (plot.current) placeExemplars(plot.current, exemplars.current);
  }, [props.exemplars]);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  return (
    <>
      <div
        ref={container}
        className="chart-box"
        role="img"
        aria-label={`${props.title}: chart of ${series.length} series`}
      />
      <SeriesLegend
        series={series}
        names={names}
        unit={props.unit}
        colors={COLORS}
        hidden={props.series.length - series.length}
      />
      {props.exemplars !== undefined && props.exemplars.length > 0 && (
        <p className="muted exemplar-note">
          <span className="exemplar-key" aria-hidden="true" /> {props.exemplars.length} exemplars: traces of
          single observations, placed by their duration (0 at the bottom to{' '}
          {formatValue(exemplarScaleMax(props.exemplars), 'seconds')} at the top). Select one to open its
          trace.
        </p>
      )}
    </>
  );
}
