import type { Anomaly } from '../../api.ts';
import type { LogLine } from '../../../../src/contract/dashboards.ts';
import type { Incident } from '../../../../src/contract/alerting.ts';
import { clock } from '../../format.ts';
import { anomalyNode, seriesWindowHref } from '../../components/AnomalyFilters.tsx';
import { DataTable, type Column } from './DataTable.tsx';

const SEVERITY_RANK: Readonly<Record<string, number>> = {
  low: 0,
  info: 0,
  medium: 1,
  warning: 1,
  high: 2,
  critical: 3,
  page: 3,
};

/** Columns of anomaly tables: time, severity, metric, node/instance, state; the metric links to the series window. */
export const ANOMALY_COLUMNS: readonly Column<Anomaly>[] = [
  { key: 'time', header: 'Started', sortValue: (a) => a.startedAtMs, render: (a) => clock(a.startedAtMs) },
  {
    key: 'severity',
    header: 'Severity',
    sortValue: (a) => SEVERITY_RANK[a.severity] ?? 0,
    render: (a) => <span className={`badge sev-${a.severity}`}>{a.severity}</span>,
  },
  {
    key: 'metric',
    header: 'Metric',
    sortValue: (a) => a.metric,
    render: (a) => (
      <a href={seriesWindowHref(a)} className="mono">
        {a.metric}
      </a>
    ),
  },
  { key: 'node', header: 'Node / instance', sortValue: anomalyNode },
  { key: 'state', header: 'State', sortValue: (a) => (a.resolvedAtMs === null ? 'active' : 'resolved') },
];

export const INCIDENT_COLUMNS: readonly Column<Incident>[] = [
  { key: 'time', header: 'Started', sortValue: (i) => i.startedAtMs, render: (i) => clock(i.startedAtMs) },
  {
    key: 'severity',
    header: 'Severity',
    sortValue: (i) => SEVERITY_RANK[i.severity] ?? 0,
    render: (i) => <span className={`badge sev-${i.severity}`}>{i.severity}</span>,
  },
  { key: 'title', header: 'Incident', sortValue: (i) => i.title },
  { key: 'node', header: 'Node', sortValue: (i) => i.node ?? i.region ?? '' },
  { key: 'status', header: 'Status', sortValue: (i) => i.status },
];

/** Alert list: firing/resolved incidents or anomalies, newest first. */
export function AlertListWidget(props: {
  readonly anomalies?: readonly Anomaly[];
  readonly incidents?: readonly Incident[];
  readonly title: string;
}) {
  if (props.incidents) {
    if (props.incidents.length === 0) return <p className="muted">No incidents.</p>;
    return (
      <DataTable
        rows={props.incidents}
        columns={INCIDENT_COLUMNS}
        pageSize={10}
        sortBy="time"
        sortDesc
        filterable={false}
        label={props.title}
      />
    );
  }
  const anomalies = props.anomalies ?? [];
  if (anomalies.length === 0) return <p className="muted">No anomalies.</p>;
  return (
    <DataTable
      rows={anomalies}
      columns={ANOMALY_COLUMNS}
      pageSize={10}
      sortBy="time"
      sortDesc
      filterable={false}
      label={props.title}
    />
  );
}

/** Log lines, newest first (updated on each live push); `wrap` wraps long lines. */
export function LogsWidget(props: { readonly lines: readonly LogLine[]; readonly wrap: boolean }) {
  if (props.lines.length === 0) return <p className="muted">No log lines in this time range.</p>;
  return (
    <ol className={`log-lines mono${props.wrap ? ' wrap' : ''}`}>
      {props.lines.map((l, i) => (
        <li key={i}>
          <span className="muted">{clock(l.timeMs)}</span> <span className={`log-${l.level}`}>{l.level}</span>{' '}
          {l.message}
        </li>
      ))}
    </ol>
  );
}
