/**
 * The trace system as the HTTP API uses it (src/server/deps.ts `TraceSource`): the OTLP receiver (with tail
 * sampling in front of the store when configured, span metrics and the per-operation detection series in front of
 * both) plus the Jaeger-shaped queries over one trace store. Wiring only.
 */
import type { NamesResponse, OtlpExportResponse, OtlpStatus, TracesResponse } from '../contract/traces.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type { TraceQuery } from './query.ts';
import type { RequestRejectReason } from './otlp/limits.ts';
import { TraceQueryService } from './query-service.ts';
import { TraceReceiver, type OtlpExportRequest, type TraceReceiverOptions } from './receiver.ts';
import { SamplingSink } from './sampling/sampling-sink.ts';
import { SpanMetricsSink } from './span-metrics.ts';
import { SpanSeriesSink, type SpanSeriesOptions } from './span-series.ts';
import { TailSampler, type TailSamplerOptions } from './sampling/tail-sampler.ts';
import type { TraceStore } from './store/trace-store.ts';

/** Receiver and queries over one store. */
export class TraceApi {
  readonly receiver: TraceReceiver;
  readonly queries: TraceQueryService;
  /** The tail-sampling stage, when tail sampling is on. */
  readonly sampling: SamplingSink | undefined;
  /** Per-operation error ratio and latency percentiles of the received spans (before tail sampling), for detection. */
  readonly spanSeries: SpanSeriesSink;

  /** @throws InvalidInputError on invalid tail-sampling or span-series options. */
  constructor(
    store: TraceStore,
    opts: TraceReceiverOptions & {
      readonly tailSampling?: TailSamplerOptions;
      readonly spanSeries?: SpanSeriesOptions;
    },
  ) {
    this.sampling = opts.tailSampling
      ? new SamplingSink(store, new TailSampler(opts.tailSampling), {
          registry: opts.registry,
          ...(opts.now ? { now: opts.now } : {}),
        })
      : undefined;
    this.spanSeries = new SpanSeriesSink(this.sampling ?? store, opts.spanSeries);
    this.receiver = new TraceReceiver(new SpanMetricsSink(this.spanSeries, opts.registry), opts);
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

  /** See {@link TraceReceiver.encodeStatus}. */
  encodeStatus(status: OtlpStatus): Uint8Array {
    return this.receiver.encodeStatus(status);
  }

  /** See {@link TraceReceiver.countRejectedRequest}. */
  countRejectedRequest(reason: RequestRejectReason): void {
    this.receiver.countRejectedRequest(reason);
  }

  /** See {@link TraceQueryService.search}. */
  search(q: TraceQuery): Promise<TracesResponse> {
    return this.queries.search(q);
  }

  /** See {@link TraceQueryService.trace}. */
  trace(traceId: string): Promise<TracesResponse | undefined> {
    return this.queries.trace(traceId);
  }

  /** See {@link TraceQueryService.services}. */
  services(scope?: TenantScope): Promise<NamesResponse> {
    return this.queries.services(scope);
  }

  /** See {@link TraceQueryService.operations}. */
  operations(service: string, scope?: TenantScope): Promise<NamesResponse> {
    return this.queries.operations(service, scope);
  }
}
