import type { WidgetData, WidgetSeries } from '../../../src/contract/dashboards.ts';
import type { DisplayUnit, Widget } from '../../../src/contract/dashboard-spec.ts';
import { useExemplars } from '../useExemplars.ts';
import { AlertListWidget, LogsWidget } from './widgets/EventWidgets.tsx';
import { HeatmapWidget } from './widgets/HeatmapWidget.tsx';
import { TableWidget } from './widgets/TableWidget.tsx';
import { TimeSeriesWidget } from './widgets/TimeSeriesWidget.tsx';
import { TopologyWidget } from './widgets/TopologyWidget.tsx';
import { BarWidget, GaugeWidget, ProgressWidget, StatusWidget, StatWidget } from './widgets/ValueWidgets.tsx';

/** A line widget: its chart, with the exemplars of its first catalog metric when that is a duration family. */
function LineWidget(props: {
  readonly widget: Widget;
  readonly series: readonly WidgetSeries[];
  readonly unit: DisplayUnit | null;
  readonly startMs: number;
  readonly endMs: number;
}) {
  const w = props.widget;
  let metric: string | null = null;
  if ('queries' in w)
    for (const q of w.queries) if (metric === null && q.kind === 'metric') metric = q.metric;
  const exemplars = useExemplars(metric, props.startMs, props.endMs);
  return (
    <TimeSeriesWidget
      series={props.series}
      unit={props.unit}
      stacked={false}
      title={w.title}
      {...(exemplars ? { exemplars } : {})}
    />
  );
}

/** The body of one widget from its evaluated data (or why there is none). */
function WidgetBody(props: {
  readonly widget: Widget;
  readonly data: WidgetData | undefined;
  readonly startMs: number;
  readonly endMs: number;
}) {
  const { widget: w, data: d } = props;
  if (d === undefined)
    return <p className="muted">Waiting for data (saved widgets are evaluated by the server).</p>;
  if (d.status !== 'ok') return <p className={d.status === 'error' ? 'error' : 'muted'}>{d.message}</p>;
  const r = d.result;
  const unit = d.unit;
  if (r.kind === 'series') {
    if (w.type === 'heatmap')
      return <HeatmapWidget series={r.series} unit={unit} startMs={props.startMs} endMs={props.endMs} />;
    if (w.type === 'line')
      return (
        <LineWidget widget={w} series={r.series} unit={unit} startMs={props.startMs} endMs={props.endMs} />
      );
    return (
      <TimeSeriesWidget series={r.series} unit={unit} stacked={w.type === 'stacked_area'} title={w.title} />
    );
  }
  if (r.kind === 'values') {
    if (w.type === 'stat') return <StatWidget widget={w} values={r.values} unit={unit} />;
    if (w.type === 'gauge') return <GaugeWidget widget={w} values={r.values} unit={unit} />;
    if (w.type === 'progress') return <ProgressWidget widget={w} values={r.values} unit={unit} />;
    if (w.type === 'status') return <StatusWidget widget={w} values={r.values} unit={unit} />;
    if (w.type === 'bar') return <BarWidget widget={w} values={r.values} unit={unit} />;
  }
  if (r.kind === 'anomalies') return <AlertListWidget anomalies={r.anomalies} title={w.title} />;
  if (r.kind === 'incidents') return <AlertListWidget incidents={r.incidents} title={w.title} />;
  if (r.kind === 'table' && w.type === 'table') return <TableWidget widget={w} result={r} unit={unit} />;
  if (r.kind === 'topology') return <TopologyWidget result={r} title={w.title} />;
  if (r.kind === 'logs') return <LogsWidget lines={r.lines} wrap={w.type === 'logs' && w.options.wrap} />;
  return (
    <p className="error">
      The server sent {r.kind} data for a {w.type} widget.
    </p>
  );
}

/**
 * One widget on the dashboard grid: title, drill-down links, warnings, its body, and (when editing is allowed)
 * a remove button. Its width follows the 24-column grid on wide screens; on narrow screens widgets stack.
 */
export function WidgetView(props: {
  readonly widget: Widget;
  readonly data: WidgetData | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly onRemove?: () => void;
}) {
  const w = props.widget;
  const warnings = props.data?.status === 'ok' ? props.data.warnings : [];
  return (
    <section
      className="widget"
      style={{ gridColumn: `span ${w.gridPos.w}` }}
      aria-labelledby={`w-${w.id}`}
      data-widget={w.id}
    >
      <header className="widget-head">
        <h3 id={`w-${w.id}`}>{w.title}</h3>
        {w.links.map((l) => (
          <a
            key={l.url}
            href={l.url}
            target={l.newTab ? '_blank' : undefined}
            rel="noreferrer"
            className="widget-link"
          >
            {l.title}
          </a>
        ))}
        {props.onRemove && (
          <button
            type="button"
            className="remove"
            onClick={props.onRemove}
            aria-label={`Remove widget ${w.title}`}
          >
            Remove
          </button>
        )}
      </header>
      {warnings.map((m) => (
        <p key={m} className="warning">
          {m}
        </p>
      ))}
      <WidgetBody widget={w} data={props.data} startMs={props.startMs} endMs={props.endMs} />
    </section>
  );
}
