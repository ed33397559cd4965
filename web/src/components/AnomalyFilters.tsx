import type { Anomaly } from '../api.ts';
import { routeHref } from '../route.ts';

/** Filters of the anomaly table ('' = any). */
export interface AnomalyFilter {
  readonly severity: string;
  readonly state: '' | 'active' | 'resolved';
  /** Text found in the metric, node/instance, component or summary. */
  readonly text: string;
}

/** Minutes of context on each side of an anomaly in its series window. */
const CONTEXT_MS = 15 * 60_000;

/** The node of an anomaly's series (`node`, `node_id`, else `instance`), or `–`. */
export function anomalyNode(a: Anomaly): string {
  return a.labels['node'] ?? a.labels['node_id'] ?? a.labels['instance'] ?? '–';
}

/** Whether an anomaly passes the filter. */
export function matchesFilter(a: Anomaly, f: AnomalyFilter): boolean {
  if (f.severity !== '' && a.severity !== f.severity) return false;
  if (f.state === 'active' && a.resolvedAtMs !== null) return false;
  if (f.state === 'resolved' && a.resolvedAtMs === null) return false;
  const needle = f.text.trim().toLowerCase();
  return (
    needle === '' ||
    [a.metric, anomalyNode(a), a.component, a.summary].some((s) => s.toLowerCase().includes(needle))
  );
}

/** Link to the overview chart of the anomaly's metric on its node, 15 minutes either side of it. */
export function seriesWindowHref(a: Anomaly): string {
  const node = a.labels['node'] ?? a.labels['node_id'];
  const by = node === undefined ? undefined : a.labels['node'] !== undefined ? 'node' : 'node_id';
  return routeHref('overview', {
    metric: a.metric,
    agg: 'max',
    by,
    from: String(a.startedAtMs - CONTEXT_MS),
    to: String((a.resolvedAtMs ?? a.detectedAtMs) + CONTEXT_MS),
  });
}

/** Severity, state and text filters of the anomaly table. */
export function AnomalyFilters(props: {
  readonly filter: AnomalyFilter;
  readonly onChange: (f: AnomalyFilter) => void;
}) {
  const f = props.filter;
  return (
    <div className="controls">
      <label>
        Severity
        <select value={f.severity} onChange={(e) => props.onChange({ ...f, severity: e.target.value })}>
          <option value="">Any</option>
          {['low', 'medium', 'high', 'critical'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select
          value={f.state}
          onChange={(e) => props.onChange({ ...f, state: e.target.value as AnomalyFilter['state'] })}
        >
          <option value="">Any</option>
          <option value="active">active</option>
          <option value="resolved">resolved</option>
        </select>
      </label>
      <label>
        Find
        <input
          value={f.text}
          onChange={(e) => props.onChange({ ...f, text: e.target.value })}
          placeholder="metric, node, component"
        />
      </label>
    </div>
  );
}
