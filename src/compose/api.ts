/**
 * Composition of the API's adapters for `startMonitor`: the alerting service as the server's narrow alerting
 * interface, and the dashboard API over the dashboard store and the monitor's data sources. Wiring only.
 */
import type { AlertingService } from '../alerting/service.ts';
import type { MonitorConfig } from '../config.ts';
import { dashboardsApi } from '../dashboards/api.ts';
import { DashboardService } from '../dashboards/service.ts';
import type { DashboardStore } from '../dashboards/store/dashboard-store.ts';
import { DashboardLogSource } from '../logs/dashboard-source.ts';
import type { LogApi } from '../logs/log-api.ts';
import { createNetworkProvider } from '../monitor/network-provider.ts';
import type { AlertingApi } from '../server/alerting-deps.ts';
import { DEFAULT_APP_LIMITS } from '../server/deps.ts';
import type { OpenedStore } from '../store/sqlite.ts';
import { exportRenderer } from './stores.ts';

/** The alerting service's methods bound as the API's alerting routes take them. */
export function alertingApi(alerting: AlertingService): AlertingApi {
  return {
    listIncidents: (limit, status, scope) => alerting.listIncidents(limit, status, scope),
    getIncident: (id) => alerting.getIncident(id),
    acknowledge: (id, input) => alerting.acknowledge(id, input),
    unacknowledge: (id) => alerting.unacknowledge(id),
    listSilences: () => alerting.listSilences(),
    getSilence: (id) => alerting.getSilence(id),
    createSilence: (body) => alerting.createSilence(body),
    updateSilence: (id, body) => alerting.updateSilence(id, body),
    expireSilence: (id) => alerting.expireSilence(id),
    rules: () => alerting.rules.overview(),
    reloadRules: () => alerting.reloadRules(),
    health: () => alerting.health(),
  };
}

/** Dependencies of {@link buildDashboardsApi}. */
export interface DashboardsDeps {
  readonly config: MonitorConfig;
  readonly dashboardStore: DashboardStore | undefined;
  readonly store: OpenedStore;
  readonly alerting: AlertingService;
  readonly logs: LogApi | undefined;
  /** Clock (Unix ms). */
  readonly clock: () => number;
}

/** The dashboard API, or undefined when dashboards are off (no dashboard store). */
export function buildDashboardsApi(d: DashboardsDeps): ReturnType<typeof dashboardsApi> | undefined {
  const { config, dashboardStore, store, alerting, logs } = d;
  if (!dashboardStore) return undefined;
  const service = new DashboardService({
    store: dashboardStore,
    sources: {
      samples: store,
      anomalies: store,
      incidents: { listIncidents: (limit, status, scope) => alerting.listIncidents(limit, status, scope) },
      network: createNetworkProvider(store),
      ...(logs ? { logs: new DashboardLogSource(logs.queries) } : {}),
    },
    limits: {
      seriesMax: DEFAULT_APP_LIMITS.querySeriesMax,
      rawPointsPerSeries: DEFAULT_APP_LIMITS.queryRawPointsPerSeries,
      targetPoints: DEFAULT_APP_LIMITS.queryDefaultPoints,
    },
    cache: { ttlMs: config.dashboards.cacheTtl },
    now: d.clock,
  });
  return dashboardsApi(service, {
    defaultScope: { tenantId: config.dashboards.tenant, actor: 'anonymous' },
    maxLiveClients: config.dashboards.maxLiveClients,
    render: exportRenderer(config.reports.chromiumPath),
  });
}
