/** Typed fetch helpers for the monitor's HTTP API (same origin). */
import type {
  AcknowledgeResponse,
  AnomaliesResponse,
  ApiAnomaly as Anomaly,
} from '../../src/contract/anomalies.ts';
import type { ApiErrorBody } from '../../src/contract/api-error.ts';
import type { LoginResponse, Principal, PrincipalResponse } from '../../src/contract/auth.ts';
import type {
  ApiComponentStatus as ComponentStatus,
  ComponentsResponse,
} from '../../src/contract/components.ts';
import type { LiveEvent } from '../../src/contract/live.ts';
import type { Aggregation, QueryResponse, SearchResponse } from '../../src/contract/series.ts';
import type { ActiveTarget, TargetsResponse } from '../../src/contract/targets.ts';

export type { ActiveTarget, Aggregation, Anomaly, ComponentStatus, LiveEvent, Principal, QueryResponse };

/** Dispatched on `window` whenever the API answers 401 (no session, or it expired): the console shows its login. */
export const UNAUTHORIZED_EVENT = 'dwcp:unauthorized';

/** Error returned by the API (`{status: 'error', errorType, error}`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  if (!res.ok) {
    const e = body as Partial<ApiErrorBody> | null;
    throw new ApiError(res.status, e?.errorType ?? 'HTTP', e?.error ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** GET /api/v1/targets → active targets. */
export async function fetchTargets(): Promise<readonly ActiveTarget[]> {
  return (await request<TargetsResponse>('/api/v1/targets')).data.activeTargets;
}

/** GET /api/components/status. */
export async function fetchComponentStatus(): Promise<readonly ComponentStatus[]> {
  return (await request<ComponentsResponse>('/api/components/status')).data;
}

/** GET /api/anomalies?limit= (newest first). */
export async function fetchAnomalies(limit: number): Promise<readonly Anomaly[]> {
  return (await request<AnomaliesResponse>(`/api/anomalies?limit=${limit}`)).data;
}

/** POST /api/anomalies/:id/acknowledge → the acknowledged anomaly. */
export async function acknowledgeAnomaly(id: number): Promise<Anomaly> {
  return (await request<AcknowledgeResponse>(`/api/anomalies/${id}/acknowledge`, { method: 'POST' })).data;
}

/** GET /api/metrics/search?q=&limit=. */
export async function searchMetrics(q: string, limit = 50): Promise<readonly string[]> {
  const p = new URLSearchParams({ q, limit: String(limit) });
  return (await request<SearchResponse>(`/api/metrics/search?${p}`)).data;
}

/** GET /api/metrics/query over [startMs, endMs] (server picks the step). */
export async function queryMetric(
  name: string,
  agg: Aggregation,
  by: string,
  startMs: number,
  endMs: number,
): Promise<QueryResponse> {
  const p = new URLSearchParams({ name, agg, start: String(startMs / 1000), end: String(endMs / 1000) });
  if (by.trim() !== '') p.set('by', by.trim());
  return request<QueryResponse>(`/api/metrics/query?${p}`);
}

/** URL of the live websocket on the current origin. */
export function liveUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/live`;
}

/** GET /api/auth/me: who the session cookie is; null without a session; `disabled` when the monitor has no authentication. */
export async function fetchSession(): Promise<Principal | null | 'disabled'> {
  const res = await fetch('/api/auth/me');
  if (res.status === 401) return null;
  if (res.status === 404) return 'disabled';
  if (!res.ok) throw new ApiError(res.status, 'HTTP', `HTTP ${res.status}`);
  return ((await res.json()) as PrincipalResponse).data;
}

/** POST /api/auth/login: sets the HttpOnly session cookie (the password is sent once, never kept). */
export async function login(username: string, password: string): Promise<Principal> {
  const body = JSON.stringify({ username, password });
  const res = await request<LoginResponse>('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return res.data.principal;
}

/** POST /api/auth/logout: clears the session cookie. */
export async function logout(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST' });
}
