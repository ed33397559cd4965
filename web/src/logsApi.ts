/** Typed helpers for the log API: GET /api/logs (entries) and the live tail WS /loki/api/v1/tail. */
import type { LogEntry, LogsResponse, LokiTailMessage } from '../../src/contract/logs.ts';
import { ApiError } from './api.ts';

export type { LogEntry, LokiTailMessage };

/** The five levels, lowest first. */
export const LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A LogQL selector matching every entry (LogQL needs at least one matcher). */
export const ALL_LOGS_QUERY = '{service=~".+"}';

/** A search of GET /api/logs; times Unix ms; empty strings and lists are left out. */
export interface LogSearchParams {
  readonly query?: string;
  readonly levels?: readonly string[];
  readonly traceId?: string;
  readonly spanId?: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
}

/** Unix ms as the Loki API's Unix ns text. */
function ns(ms: number): string {
  return `${Math.round(ms)}000000`;
}

/** GET /api/logs (newest first). @throws ApiError with the API's message (e.g. where a query does not parse) */
export async function searchLogs(p: LogSearchParams): Promise<LogsResponse> {
  const q = new URLSearchParams({ start: ns(p.fromMs), end: ns(p.toMs), limit: String(p.limit) });
  if (p.query) q.set('query', p.query);
  if (p.levels && p.levels.length > 0) q.set('level', p.levels.join(','));
  if (p.traceId) q.set('trace_id', p.traceId);
  if (p.spanId) q.set('span_id', p.spanId);
  const res = await fetch(`/api/logs?${q}`);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body as { errorType?: string; error?: string } | null;
    throw new ApiError(res.status, e?.errorType ?? 'HTTP', e?.error ?? `HTTP ${res.status}`);
  }
  return body as LogsResponse;
}

/** The URL of the live tail for a LogQL log query (history of `limit` entries first). */
export function tailUrl(query: string, limit: number): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/loki/api/v1/tail?${new URLSearchParams({ query, limit: String(limit) })}`;
}
