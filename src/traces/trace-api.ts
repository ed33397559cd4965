/**
 * The trace system as the HTTP API uses it (src/server/deps.ts `TraceSource`): the OTLP receiver plus the
 * Jaeger-shaped queries over one trace store. Wiring only.
 */
import type { OtlpExportResponse, TraceSearchRequest, TracesResponse } from '../contract/traces.ts';
import type { RequestRejectReason } from './otlp/limits.ts';
import { TraceQueryService } from './query-service.ts';
import { TraceReceiver, type OtlpExportRequest, type TraceReceiverOptions } from './receiver.ts';
import type { TraceStore } from './store/trace-store.ts';

/** Receiver and queries over one store. */
export class TraceApi {
  readonly receiver: TraceReceiver;
  readonly queries: TraceQueryService;

  constructor(store: TraceStore, opts: TraceReceiverOptions) {
    this.receiver = new TraceReceiver(store, opts);
    this.queries = new TraceQueryService(store);
  }

  /** Largest request body accepted, bytes (the receiver's `maxBodyBytes` limit). */
  get maxBodyBytes(): number {
    return this.receiver.maxBodyBytes;
  }

  /** See {@link TraceReceiver.receive}. */
  receive(req: OtlpExportRequest): Promise<OtlpExportResponse> {
    return this.receiver.receive(req);
  }

  /** See {@link TraceReceiver.encodeProtobuf}. */
  encodeProtobuf(r: OtlpExportResponse): Uint8Array {
    return this.receiver.encodeProtobuf(r);
  }

  /** See {@link TraceReceiver.countRejectedRequest}. */
  countRejectedRequest(reason: RequestRejectReason): void {
    this.receiver.countRejectedRequest(reason);
  }

  /** See {@link TraceQueryService.search}. */
  search(q: TraceSearchRequest): Promise<TracesResponse> {
    return this.queries.search(q);
  }

  /** See {@link TraceQueryService.trace}. */
  trace(traceId: string): Promise<TracesResponse | undefined> {
    return this.queries.trace(traceId);
  }
}
