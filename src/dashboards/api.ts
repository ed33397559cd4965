/**
 * The dashboard engine in the shape of the API's dependency (src/server/dashboards-deps.ts `DashboardsApi`,
 * matched structurally by the composition root): the service, the scope requests act in until authentication
 * exists, and the body and live-update bounds.
 */
import type { DashboardSpec } from '../contract/dashboard-spec.ts';
import type { DashboardScope, DashboardService } from './service.ts';
import { withSelection } from './export-selection.ts';
import { exportGrafanaDashboard } from './grafana-export.ts';
import { importGrafanaDashboard } from './grafana-import.ts';
import { allTemplates } from './templates.ts';
import { refreshMs } from './window.ts';

/** Bounds of the dashboard API. */
export interface DashboardApiOptions {
  readonly defaultScope: DashboardScope;
  /** Largest request body, bytes (default 256 KiB). */
  readonly maxBodyBytes?: number;
  /** Open dashboard websockets at most (default 2000) and per dashboard (default 500). */
  readonly maxLiveClients?: number;
  readonly maxLiveClientsPerDashboard?: number;
  /** Unsent bytes per websocket before updates are skipped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Shortest push interval, ms (default 1000). */
  readonly minRefreshMs?: number;
  /** Renders a console page to PNG/PDF (the composition root passes headless Chromium); absent → those exports are unavailable. */
  readonly render?: (
    url: string,
    format: 'png' | 'pdf',
    readySelector: string,
    headers: Readonly<Record<string, string>>,
  ) => Promise<Buffer>;
}

/** The service's methods bound, with the API's bounds. */
export function dashboardsApi(service: DashboardService, o: DashboardApiOptions) {
  return {
    defaultScope: o.defaultScope,
    maxBodyBytes: o.maxBodyBytes ?? 256 * 1024,
    live: {
      maxClients: o.maxLiveClients ?? 2000,
      maxClientsPerDashboard: o.maxLiveClientsPerDashboard ?? 500,
      maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
      minRefreshMs: o.minRefreshMs ?? 1000,
    },
    create: (s: DashboardScope, body: unknown) => service.create(s, body),
    get: (s: DashboardScope, id: string) => service.get(s, id),
    list: (s: DashboardScope, q: { offset: number; limit: number; search?: string }) => service.list(s, q),
    update: (s: DashboardScope, id: string, version: number, body: unknown) =>
      service.update(s, id, version, body),
    delete: (s: DashboardScope, id: string, version?: number) => service.delete(s, id, version),
    versions: (s: DashboardScope, id: string) => service.versions(s, id),
    data: (s: DashboardScope, id: string, vars: Readonly<Record<string, readonly string[]>>) =>
      service.data(s, id, vars),
    variables: (s: DashboardScope, id: string) => service.variables(s, id),
    templates: () => allTemplates(),
    importGrafana: async (s: DashboardScope, body: unknown) => {
      const { dashboard, warnings } = importGrafanaDashboard(body);
      return { record: await service.createSpec(s, dashboard), warnings };
    },
    exportSpec: async (s: DashboardScope, id: string, vars: Readonly<Record<string, readonly string[]>>) =>
      withSelection((await service.get(s, id)).dashboard, vars),
    exportGrafana: async (
      s: DashboardScope,
      id: string,
      vars: Readonly<Record<string, readonly string[]>>,
    ) => {
      const rec = await service.get(s, id);
      return exportGrafanaDashboard(withSelection(rec.dashboard, vars), rec.version);
    },
    refreshMs: (spec: DashboardSpec) => refreshMs(spec.refresh),
    ...(o.render ? { render: o.render } : {}),
  };
}
