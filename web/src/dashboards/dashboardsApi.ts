/** Typed fetch helpers for the dashboard API (/api/dashboards) and the URL of its live updates. */
import type { DashboardSpec } from '../../../src/contract/dashboard-spec.ts';
import type {
  DashboardImportResponse,
  DashboardPage,
  DashboardPageResponse,
  DashboardRecord,
  DashboardResponse,
  DashboardTemplatesResponse,
  DashboardVariablesResponse,
  VariableOptions,
} from '../../../src/contract/dashboards.ts';
import type { ApiErrorBody } from '../../../src/contract/api-error.ts';
import { ApiError } from '../api.ts';
import { apiQueryOfVars, type SelectedVars } from './variables.ts';

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body as Partial<ApiErrorBody> | null;
    throw new ApiError(res.status, e?.errorType ?? 'HTTP', e?.error ?? `HTTP ${res.status}`);
  }
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const path = (id: string) => `/api/dashboards/${encodeURIComponent(id)}`;

/** GET /api/dashboards (first 200 by title). */
export async function listDashboards(): Promise<DashboardPage> {
  return (await send<DashboardPageResponse>('/api/dashboards?limit=200')).data;
}

/** GET /api/dashboards/templates → template names. */
export async function listTemplates(): Promise<string[]> {
  return (await send<DashboardTemplatesResponse>('/api/dashboards/templates')).data.map((t) => t.name);
}

/** POST /api/dashboards/templates/{name} → the new dashboard. */
export async function createFromTemplate(name: string): Promise<DashboardRecord> {
  return (
    await send<DashboardResponse>(`/api/dashboards/templates/${encodeURIComponent(name)}`, { method: 'POST' })
  ).data;
}

/** POST /api/dashboards with a dashboard JSON (as exported) → the new dashboard. */
export async function importDashboard(spec: unknown): Promise<DashboardRecord> {
  return (await send<DashboardResponse>('/api/dashboards', json('POST', spec))).data;
}

/** POST /api/dashboards/import/grafana → the new dashboard and what was left out. */
export async function importGrafana(body: unknown): Promise<DashboardImportResponse> {
  return send<DashboardImportResponse>('/api/dashboards/import/grafana', json('POST', body));
}

/** GET /api/dashboards/{id}. */
export async function getDashboard(id: string): Promise<DashboardRecord> {
  return (await send<DashboardResponse>(path(id))).data;
}

/** PUT /api/dashboards/{id}: replaces `version`; an {@link ApiError} with status 409 when it is stale. */
export async function saveDashboard(
  id: string,
  version: number,
  dashboard: DashboardSpec,
): Promise<DashboardRecord> {
  return (await send<DashboardResponse>(path(id), json('PUT', { version, dashboard }))).data;
}

/** DELETE /api/dashboards/{id}?version= (409 when stale). */
export async function deleteDashboard(id: string, version: number): Promise<void> {
  await send<DashboardResponse>(`${path(id)}?version=${version}`, { method: 'DELETE' });
}

/** Download URLs of a dashboard's exports — own JSON, Grafana JSON, PNG and PDF (rendered by the server) — with the variable selection `vars`. */
export function exportUrl(
  id: string,
  format: 'json' | 'grafana' | 'png' | 'pdf',
  vars: SelectedVars = {},
): string {
  const selection = apiQueryOfVars(vars);
  if (format === 'png' || format === 'pdf') return `${path(id)}/export.${format}${selection}`;
  return `${path(id)}/export?format=${format}${selection.replace(/^\?/, '&')}`;
}

/** GET /api/dashboards/{id}/variables: the choices of each of the dashboard's variables. */
export async function getVariableOptions(id: string): Promise<readonly VariableOptions[]> {
  return (await send<DashboardVariablesResponse>(`${path(id)}/variables`)).data;
}

/** URL of WS /ws/dashboards/{id} on the current origin, with the selected variable values. */
export function dashboardLiveUrl(id: string, vars: SelectedVars = {}): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws/dashboards/${encodeURIComponent(id)}${apiQueryOfVars(vars)}`;
}
