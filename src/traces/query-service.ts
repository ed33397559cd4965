/**
 * The trace queries of the API over the trace store: search (Jaeger's search parameters plus span status) and
 * one trace by id, both returned in the Jaeger query API's response shape (./jaeger.ts).
 */
import type { TraceSearchRequest, TracesResponse } from '../contract/traces.ts';
import { toJaegerTrace } from './jaeger.ts';
import type { TraceStore } from './store/trace-store.ts';

/** Trace search and lookup for the HTTP API. */
export class TraceQueryService {
  private readonly store: Pick<TraceStore, 'search' | 'getTrace'>;

  constructor(store: Pick<TraceStore, 'search' | 'getTrace'>) {
    this.store = store;
  }

  /**
   * Traces with a span matching every filter, most recent first, at most `q.limit`. When the store's scan limit
   * stopped the search early, `errors` says so (the traces found are still returned).
   * @throws InvalidInputError for a limit outside the store's range or end before start
   */
  async search(q: TraceSearchRequest): Promise<TracesResponse> {
    const r = await this.store.search(q);
    const data = r.traces.filter((t) => t.length > 0).map((t) => toJaegerTrace(t).trace);
    return {
      data,
      total: data.length,
      limit: q.limit,
      offset: 0,
      errors: r.truncated ? [{ code: 206, msg: `search stopped after reading ${r.scanned} spans; narrow the time range or add filters` }] : null,
    };
  }

  /** One trace, or undefined when none of its spans is stored. @throws InvalidInputError for a malformed id */
  async trace(traceId: string): Promise<TracesResponse | undefined> {
    const spans = await this.store.getTrace(traceId);
    if (spans.length === 0) return undefined;
    return { data: [toJaegerTrace(spans).trace], total: 1, limit: 0, offset: 0, errors: null };
  }
}
