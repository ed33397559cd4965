import type { DashboardSpec } from '../../../src/contract/dashboard-spec.ts';
import { exportUrl } from './dashboardsApi.ts';

const RANGES = ['now-5m', 'now-15m', 'now-1h', 'now-6h', 'now-24h', 'now-7d'] as const;
const REFRESHES = ['off', '5s', '10s', '30s', '1m', '5m'] as const;

/** `now-1h` → `Last 1h`. */
function rangeName(from: string): string {
  return from === 'now' ? 'Now' : `Last ${from.slice('now-'.length)}`;
}

/**
 * The toolbar of an open dashboard: time range and refresh interval (saved with the dashboard, so every viewer
 * and export sees the same window), add widget, save, and the exports (JSON, Grafana JSON, PNG, PDF).
 */
export function DashboardToolbar(props: {
  readonly id: string;
  readonly spec: DashboardSpec;
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly onChange: (spec: DashboardSpec) => void;
  readonly onAddWidget: () => void;
  readonly onSave: () => void;
}) {
  const { spec } = props;
  const ranges = (RANGES as readonly string[]).includes(spec.timeRange.from) ? RANGES : [spec.timeRange.from, ...RANGES];
  const refreshes = (REFRESHES as readonly string[]).includes(spec.refresh) ? REFRESHES : [spec.refresh, ...REFRESHES];
  return (
    <div className="controls toolbar">
      <label>
        Time range
        <select value={spec.timeRange.from} onChange={(e) => props.onChange({ ...spec, timeRange: { from: e.target.value, to: 'now' } })}>
          {ranges.map((r) => (
            <option key={r} value={r}>
              {rangeName(r)}
            </option>
          ))}
        </select>
      </label>
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
        <button type="button" className="primary" disabled={!props.dirty || props.saving} onClick={props.onSave}>
          {props.saving ? 'Saving…' : props.dirty ? 'Save' : 'Saved'}
        </button>
      </div>
      <div className="form-actions exports">
        <span className="muted">Export</span>
        <a href={exportUrl(props.id, 'json')} download={`${props.id}.json`}>
          JSON
        </a>
        <a href={exportUrl(props.id, 'grafana')} download={`${props.id}.grafana.json`}>
          Grafana JSON
        </a>
        <a href={exportUrl(props.id, 'png')} download={`${props.id}.png`}>
          PNG
        </a>
        <a href={exportUrl(props.id, 'pdf')} download={`${props.id}.pdf`}>
          PDF
        </a>
      </div>
    </div>
  );
}
