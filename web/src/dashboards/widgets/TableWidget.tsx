import type { WidgetResult, WidgetSeries } from '../../../../src/contract/dashboards.ts';
import type { DisplayUnit, Widget } from '../../../../src/contract/dashboard-spec.ts';
import { formatValue } from '../../format.ts';
import { labelText } from '../thresholds.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { ANOMALY_COLUMNS, INCIDENT_COLUMNS } from './EventWidgets.tsx';
import { seriesStats } from './SeriesLegend.tsx';

type TableResult = Extract<WidgetResult, { kind: 'table' }>;
interface SeriesRow {
  readonly name: string;
  readonly unit: DisplayUnit | null;
  readonly last: number | null;
  readonly mean: number | null;
  readonly max: number | null;
}

const num = (v: number | null) => v ?? Number.NEGATIVE_INFINITY;
const SERIES_COLUMNS: readonly Column<SeriesRow>[] = [
  { key: 'series', header: 'Series', sortValue: (r) => r.name },
  { key: 'last', header: 'Last', sortValue: (r) => num(r.last), render: (r) => formatValue(r.last, r.unit) },
  { key: 'mean', header: 'Mean', sortValue: (r) => num(r.mean), render: (r) => formatValue(r.mean, r.unit) },
  { key: 'max', header: 'Max', sortValue: (r) => num(r.max), render: (r) => formatValue(r.max, r.unit) },
];

function seriesRows(series: readonly WidgetSeries[], unit: DisplayUnit | null): SeriesRow[] {
  return series.map((s) => ({
    name: labelText(s.labels, s.refId),
    unit: s.unit ?? unit,
    ...seriesStats(s.values),
  }));
}

/** Table widget: series (last/mean/max), anomalies and incidents, each sortable, filterable and paged by the widget's options. */
export function TableWidget(props: {
  readonly widget: Extract<Widget, { type: 'table' }>;
  readonly result: TableResult;
  readonly unit: DisplayUnit | null;
}) {
  const o = props.widget.options;
  const common = {
    pageSize: o.pageSize,
    sortBy: o.sortBy,
    sortDesc: o.sortDesc,
    filterable: o.filterable,
    label: props.widget.title,
  };
  const r = props.result;
  return (
    <>
      {r.series.length > 0 && (
        <DataTable
          {...common}
          rows={seriesRows(r.series, props.unit)}
          columns={SERIES_COLUMNS}
          sortBy={o.sortBy ?? 'series'}
        />
      )}
      {r.anomalies.length > 0 && <DataTable {...common} rows={r.anomalies} columns={ANOMALY_COLUMNS} />}
      {r.incidents.length > 0 && <DataTable {...common} rows={r.incidents} columns={INCIDENT_COLUMNS} />}
      {r.series.length + r.anomalies.length + r.incidents.length === 0 && <p className="muted">No rows.</p>}
    </>
  );
}
