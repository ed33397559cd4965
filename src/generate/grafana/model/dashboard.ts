/**
 * The typed Grafana dashboard envelope (classic JSON model, schemaVersion 39): metadata, time settings, links,
 * annotations, templating and panels.
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import type { DataSourceRef, Panel } from './panel.ts';
import type { Variable } from './variable.ts';

/** A dashboard link (here: a dropdown of the dashboards with a tag). */
export interface DashboardLink {
  readonly title: string;
  readonly type: 'dashboards' | 'link';
  readonly tags: readonly string[];
  readonly asDropdown: boolean;
  readonly includeVars: boolean;
  readonly keepTime: boolean;
}

/** An annotation query (here: Grafana's built-in annotations and alerts). */
export interface AnnotationQuery {
  readonly builtIn: 0 | 1;
  readonly datasource: DataSourceRef;
  readonly enable: boolean;
  readonly hide: boolean;
  readonly iconColor: string;
  readonly name: string;
  readonly type: 'dashboard' | 'tags';
}

/** A relative time range, e.g. `now-1h` .. `now`. */
export interface TimeRange {
  readonly from: string;
  readonly to: string;
}

/** A complete dashboard, as written to `grafana/dashboards/<uid>.json`. */
export interface Dashboard {
  /** 8-40 characters of [A-Za-z0-9_-]. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: 'browser' | 'utc' | '';
  readonly editable: boolean;
  /** 0 default, 1 shared crosshair, 2 shared tooltip. */
  readonly graphTooltip: 0 | 1 | 2;
  readonly schemaVersion: number;
  readonly version: number;
  /** Auto-refresh interval, e.g. `5s`. */
  readonly refresh: string;
  readonly time: TimeRange;
  readonly timepicker: Readonly<Record<string, never>>;
  readonly fiscalYearStartMonth: number;
  readonly liveNow: boolean;
  readonly weekStart: string;
  readonly links: readonly DashboardLink[];
  readonly annotations: { readonly list: readonly AnnotationQuery[] };
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly Panel[];
}
