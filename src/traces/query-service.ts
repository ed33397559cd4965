/**
 * The trace queries of the API over the trace store: search (Jaeger's search parameters plus span status), one
 * trace by id, and the service and operation names, all in the Jaeger query API's response shape (./jaeger.ts).
 */
import type { NamesResponse, TracesResponse } from '../contract/traces.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import { toJaegerTrace } from './jaeger.ts';
import type { TraceQuery } from './query.ts';
import type { TraceStore } from './store/trace-store.ts';

/** Trace search and lookup for the HTTP API. */
export class TraceQueryService {
  private readonly store: Pick<TraceStore, 'search' | 'getTrace' | 'services' | 'operations'>;

  constructor(store: Pick<TraceStore, 'search' | 'getTrace' | 'services' | 'operations'>) {
    this.store = store;
  }

  /**
   * Traces with a span matching every filter (on a node of `q.scope`, when given), most recent first, at most
   * `q.limit`. When the store's scan limit
   * stopped the search early, `errors` says so (the traces found are still returned).
   * @throws InvalidInputError for a limit outside the store's range or end before start
   */
  async search(q: TraceQuery): Promise<TracesResponse> {
    const r = await this.store.search(q);
    const data = r.traces.filter((t) => t.length > 0).map((t) => toJaegerTrace(t).trace);
    return {
      data,
      total: data.length,
      limit: q.limit,
      offset: 0,
      errors: r.truncated
        ? [
            {
              code: 206,
              msg: `search stopped after reading ${r.scanned} spans; narrow the time range or add filters`,
            },
          ]
        : null,
    };
  }

  /** One trace, or undefined when none of its spans is stored. @throws InvalidInputError for a malformed id */
  async trace(traceId: string): Promise<TracesResponse | undefined> {
    const spans = await this.store.getTrace(traceId);
    if (spans.length === 0) return undefined;
    return { data: [toJaegerTrace(spans).trace], total: 1, limit: 0, offset: 0, errors: null };
  }

  /** Services that sent spans within the retention (on a node of `scope`, when given), sorted, in Jaeger's `{data, total, ...}` shape. */
  async services(scope?: TenantScope): Promise<NamesResponse> {
    const data = await this.store.services(scope);
    return { data, total: data.length, limit: 0, offset: 0, errors: null };
  }

  /** Operation names of a service within the retention (of spans on a node of `scope`, when given), sorted (empty for an unknown service). */
  async operations(service: string, scope?: TenantScope): Promise<NamesResponse> {
    const data = await this.store.operations(service, scope);
    return { data, total: data.length, limit: 0, offset: 0, errors: null };
  }
}
