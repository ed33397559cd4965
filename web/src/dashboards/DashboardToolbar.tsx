import type { DashboardSpec } from '../../../src/contract/dashboard-spec.ts';
import { TimeRangeSelect } from '../components/TimeRangeSelect.tsx';
import { RANGES } from '../timeWindow.ts';
import { exportUrl } from './dashboardsApi.ts';
import type { SelectedVars } from './variables.ts';

const REFRESHES = ['off', '5s', '10s', '30s', '1m', '5m'] as const;

/** The range name of a dashboard's relative start (`now-1h` → `1h`). */
function rangeOf(from: string): string {
  return from.startsWith('now-') ? from.slice('now-'.length) : from;
}

/**
 * The toolbar of an open dashboard: time range and refresh interval (saved with the dashboard, so every viewer
 * and export sees the same window), add widget, save, delete (the editor asks first), and the exports (JSON,
 * Grafana JSON, PNG, PDF) with the variable selection shown.
 */
export function DashboardToolbar(props: {
  readonly id: string;
  readonly spec: DashboardSpec;
  /** The variable selection shown, carried by the exports. */
  readonly vars: SelectedVars;
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly onChange: (spec: DashboardSpec) => void;
  readonly onAddWidget: () => void;
  readonly onSave: () => void;
  readonly onDelete: () => void;
}) {
  const { spec } = props;
  const range = rangeOf(spec.timeRange.from);
  const offered = RANGES.some((r) => r.name === range) && spec.timeRange.to === 'now';
  const refreshes = (REFRESHES as readonly string[]).includes(spec.refresh)
    ? REFRESHES
    : [spec.refresh, ...REFRESHES];
  return (
    <div className="controls toolbar">
      <TimeRangeSelect
        value={range}
        fixedLabel={offered ? null : `${spec.timeRange.from} to ${spec.timeRange.to}`}
        onChange={(r) => props.onChange({ ...spec, timeRange: { from: `now-${r}`, to: 'now' } })}
      />
      <label>
        Refresh
        <select value={spec.refresh} onChange={(e) => props.onChange({ ...spec, refresh: e.target.value })}>
          {refreshes.map((r) => (
            <option key={r} value={r}>
              {r === 'off' ? 'Off' : `Every ${r}`}
            </option>
          ))}
        </select>
      </label>
      <div className="form-actions">
        <button type="button" onClick={props.onAddWidget}>
          Add widget
        </button>
        <button
          type="button"
          className="primary"
          disabled={!props.dirty || props.saving}
          onClick={props.onSave}
        >
          {props.saving ? 'Saving…' : props.dirty ? 'Save' : 'Saved'}
        </button>
        <button type="button" onClick={props.onDelete}>
          Delete…
        </button>
      </div>
      <div className="form-actions exports">
        <span className="muted">Export</span>
        <a href={exportUrl(props.id, 'json', props.vars)} download={`${props.id}.json`}>
          JSON
        </a>
        <a href={exportUrl(props.id, 'grafana', props.vars)} download={`${props.id}.grafana.json`}>
          Grafana JSON
        </a>
        <a href={exportUrl(props.id, 'png', props.vars)} download={`${props.id}.png`}>
          PNG
        </a>
        <a href={exportUrl(props.id, 'pdf', props.vars)} download={`${props.id}.pdf`}>
          PDF
        </a>
      </div>
    </div>
  );
}
