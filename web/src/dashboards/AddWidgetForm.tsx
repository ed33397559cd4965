import { useState, type FormEvent } from 'react';
import type { Widget, WidgetType } from '../../../src/contract/dashboard-spec.ts';
import type { Aggregation } from '../../../src/contract/series.ts';
import { AggregationControls } from '../components/AggregationControls.tsx';
import { MetricPicker } from '../components/MetricPicker.tsx';
import { buildWidget, METRICLESS } from './newWidget.ts';

const TYPE_NAMES: Readonly<Record<WidgetType, string>> = {
  line: 'Line chart',
  stacked_area: 'Stacked area',
  bar: 'Bar chart',
  heatmap: 'Heatmap',
  gauge: 'Gauge',
  status: 'Status indicator',
  progress: 'Progress bar',
  alert_list: 'Alert list (incidents)',
  table: 'Table',
  logs: 'Logs',
  topology: 'Topology',
  stat: 'Statistic / KPI',
};

/** Form adding a widget to the dashboard being edited: type, title, and for series widgets a metric, aggregation and grouping. */
export function AddWidgetForm(props: {
  readonly widgets: readonly Widget[];
  readonly onAdd: (w: Widget) => void;
  readonly onCancel: () => void;
}) {
  const [type, setType] = useState<WidgetType>('line');
  const [title, setTitle] = useState('');
  const [metric, setMetric] = useState('');
  const [agg, setAgg] = useState<Aggregation>('avg');
  const [by, setBy] = useState('');
  const needsMetric = !METRICLESS.has(type);
  const ready = title.trim() !== '' && (!needsMetric || metric !== '');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (ready) props.onAdd(buildWidget({ type, title: title.trim(), metric, agg, by }, props.widgets));
  };
  return (
    <form className="panel controls add-widget" onSubmit={submit} aria-label="Add a widget">
      <label>
        Widget type
        <select value={type} onChange={(e) => setType(e.target.value as WidgetType)}>
          {(Object.keys(TYPE_NAMES) as WidgetType[]).map((t) => (
            <option key={t} value={t}>
              {TYPE_NAMES[t]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />
      </label>
      {needsMetric && (
        <>
          <MetricPicker value={metric} onChange={setMetric} />
          <AggregationControls
            agg={agg}
            by={by}
            onAggChange={setAgg}
            onByChange={setBy}
            byPlaceholder="e.g. node,component"
          />
        </>
      )}
      <div className="form-actions">
        <button type="submit" disabled={!ready}>
          Add widget
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
