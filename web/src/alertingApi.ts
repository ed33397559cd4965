/** Typed fetch helpers for the alerting endpoints: incidents, acknowledgements, silences, delivery health. */
import type {
  AlertingResponse,
  DeliveryHealth,
  Incident,
  Matcher,
  Silence,
} from '../../src/contract/alerting.ts';

export type { DeliveryHealth, Incident, Matcher, Silence };

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body = (await res.json().catch(() => null)) as (AlertingResponse<T> & { error?: string }) | null;
  if (!res.ok || body === null) throw new Error(body?.error ?? `HTTP ${res.status}`);
  return body.data;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** GET /api/incidents?limit= (newest first). */
export function fetchIncidents(limit = 50): Promise<Incident[]> {
  return send<Incident[]>(`/api/incidents?limit=${limit}`);
}

/** POST /api/incidents/:id/acknowledge. */
export function acknowledgeIncident(id: string, by: string, comment: string): Promise<Incident> {
  return send<Incident>(
    `/api/incidents/${encodeURIComponent(id)}/acknowledge`,
    json('POST', { by, comment }),
  );
}

/** POST /api/incidents/:id/unacknowledge. */
export function unacknowledgeIncident(id: string): Promise<Incident> {
  return send<Incident>(`/api/incidents/${encodeURIComponent(id)}/unacknowledge`, { method: 'POST' });
}

/** GET /api/silences. */
export function fetchSilences(): Promise<Silence[]> {
  return send<Silence[]>('/api/silences');
}

/** POST /api/silences. */
export function createSilence(
  matchers: Matcher[],
  endsAtMs: number,
  createdBy: string,
  comment: string,
): Promise<Silence> {
  return send<Silence>(
    '/api/silences',
    json('POST', { matchers, endsAt: new Date(endsAtMs).toISOString(), createdBy, comment }),
  );
}

/** DELETE /api/silences/:id (expires it). */
export function expireSilence(id: string): Promise<Silence> {
  return send<Silence>(`/api/silences/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** GET /api/alerting/health. */
export function fetchDeliveryHealth(): Promise<DeliveryHealth> {
  return send<DeliveryHealth>('/api/alerting/health');
}
