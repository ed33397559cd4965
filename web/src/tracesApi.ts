/** Typed helpers for the trace API (Jaeger query shapes): services, operations, trace search and one trace. */
import type {
  JaegerSpan,
  JaegerTag,
  JaegerTrace,
  NamesResponse,
  TracesResponse,
} from '../../src/contract/traces.ts';
import { ApiError } from './api.ts';

export type { JaegerSpan, JaegerTag, JaegerTrace };

/** The span attribute naming the DWCP node (`dwcp.node.id`), indexed by the trace store. */
export const NODE_ID_TAG = 'dwcp.node.id';

/** A trace search; times Unix ms; empty values are left out. */
export interface TraceSearchParams {
  readonly service?: string;
  readonly operation?: string;
  /** Jaeger duration text, e.g. `250ms`. */
  readonly minDuration?: string;
  readonly errorOnly?: boolean;
  readonly nodeId?: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body as { errorType?: string; error?: string; errors?: { msg: string }[] } | null;
    throw new ApiError(
      res.status,
      e?.errorType ?? 'HTTP',
      e?.error ?? e?.errors?.[0]?.msg ?? `HTTP ${res.status}`,
    );
  }
  return body as T;
}

/** GET /api/services. */
export async function fetchServices(): Promise<readonly string[]> {
  return (await get<NamesResponse>('/api/services')).data;
}

/** GET /api/services/{service}/operations. */
export async function fetchOperations(service: string): Promise<readonly string[]> {
  return (await get<NamesResponse>(`/api/services/${encodeURIComponent(service)}/operations`)).data;
}

/** GET /api/traces (most recent first). @throws ApiError with the API's message */
export async function searchTraces(p: TraceSearchParams): Promise<readonly JaegerTrace[]> {
  const q = new URLSearchParams({
    start: String(Math.round(p.fromMs * 1000)),
    end: String(Math.round(p.toMs * 1000)),
    limit: String(p.limit),
  });
  if (p.service) q.set('service', p.service);
  if (p.operation) q.set('operation', p.operation);
  if (p.minDuration) q.set('minDuration', p.minDuration);
  if (p.errorOnly) q.set('status', 'error');
  if (p.nodeId) q.set('tags', JSON.stringify({ [NODE_ID_TAG]: p.nodeId }));
  return (await get<TracesResponse>(`/api/traces?${q}`)).data;
}

/** GET /api/traces/{traceId}; undefined when it is not stored. */
export async function fetchTrace(traceId: string): Promise<JaegerTrace | undefined> {
  try {
    return (await get<TracesResponse>(`/api/traces/${encodeURIComponent(traceId)}`)).data[0];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** A tag's value as text, or undefined when the span has no such tag. */
export function tagValue(tags: readonly JaegerTag[], key: string): string | undefined {
  const t = tags.find((x) => x.key === key);
  return t === undefined ? undefined : String(t.value);
}

/** True when a span has error status (Jaeger's `error=true` tag). */
export function isErrorSpan(s: JaegerSpan): boolean {
  return s.tags.some(
    (t) => (t.key === 'error' && t.value === true) || (t.key === 'otel.status_code' && t.value === 'ERROR'),
  );
}
