/**
 * The OTLP/HTTP trace receiver behind POST /v1/traces: decompresses (gzip), decodes (protobuf or JSON),
 * validates span by span and stores the valid spans in one transaction. A request with no valid span, or one
 * that does not decode, is refused as a whole and nothing of it is stored; a store failure stores nothing
 * either. With a tenant scope (a tenant's ingest token) only spans of its nodes or regions are stored: the others
 * are rejected one by one as `foreign_node` (partial success), and a request with none of its spans is refused
 * (403). Every refusal is counted by reason in the monitor's own metrics.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-request
 */
import { Counter, type Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import type { OtlpExportResponse, OtlpStatus } from '../contract/traces.ts';
import { ForbiddenError, PayloadTooLargeError, StoreError } from '../errors.ts';
import { foreignOnlyMessage, partitionByScope, type TenantScope } from '../model/tenant-scope.ts';
import {
  decodeContentEncoding,
  decodeExportRequest,
  encodeExportResponse,
  encodeStatus,
  OtlpRequestError,
  otlpEncodingOf,
} from './otlp/decode.ts';
import {
  DEFAULT_OTLP_LIMITS,
  type OtlpLimits,
  type RequestRejectReason,
  type SpanRejectReason,
} from './otlp/limits.ts';
import { indexFields, type SpanRecord } from './span.ts';

/** Where accepted spans go (the trace store). */
export interface SpanSink {
  /** Stores the spans atomically. @throws on failure (nothing stored) */
  insertSpans(spans: readonly SpanRecord[]): Promise<number>;
}

/** One POST /v1/traces request as the HTTP layer received it. */
export interface OtlpExportRequest {
  /** The raw body (possibly gzip-compressed). */
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** Only spans of this tenant scope's nodes or regions are stored; the others are rejected as `foreign_node`. */
  readonly scope?: TenantScope;
}

/** Options of {@link TraceReceiver}. */
export interface TraceReceiverOptions {
  /** Registry of the monitor's own metrics (counters are created there, or reused). */
  readonly registry: Registry;
  /** Overrides of {@link DEFAULT_OTLP_LIMITS}. */
  readonly limits?: Partial<OtlpLimits>;
  /** Wall clock, Unix ms (future/age limits); default Date.now. */
  readonly now?: () => number;
}

function counter(
  registry: Registry,
  name:
    | 'dwcp_monitor_otlp_spans_accepted_total'
    | 'dwcp_monitor_otlp_spans_rejected_total'
    | 'dwcp_monitor_otlp_requests_rejected_total',
): Counter {
  const def = getMetric(name);
  const existing = registry.getSingleMetric(def.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
}

/** Decodes, validates and stores OTLP trace exports. */
export class TraceReceiver {
  readonly limits: OtlpLimits;
  private readonly sink: SpanSink;
  private readonly now: () => number;
  private readonly accepted: Counter;
  private readonly rejectedSpans: Counter;
  private readonly rejectedRequests: Counter;

  constructor(sink: SpanSink, opts: TraceReceiverOptions) {
    this.sink = sink;
    this.limits = { ...DEFAULT_OTLP_LIMITS, ...opts.limits };
    this.now = opts.now ?? Date.now;
    this.accepted = counter(opts.registry, 'dwcp_monitor_otlp_spans_accepted_total');
    this.rejectedSpans = counter(opts.registry, 'dwcp_monitor_otlp_spans_rejected_total');
    this.rejectedRequests = counter(opts.registry, 'dwcp_monitor_otlp_requests_rejected_total');
  }

  /** Largest request body (compressed or not) the HTTP layer should accept, bytes. */
  get maxBodyBytes(): number {
    return this.limits.maxBodyBytes;
  }

  /** Counts a request the HTTP layer refused before the receiver saw it. */
  countRejectedRequest(reason: RequestRejectReason): void {
    this.rejectedRequests.inc({ reason });
  }

  /**
   * Handles one export request.
   * @returns the export response (partial success when spans were rejected)
   * @throws OtlpRequestError (400) when the body does not decode, its encoding is unsupported or no span is valid
   * @throws PayloadTooLargeError (413) when the decompressed body exceeds the limit
   * @throws StoreError (503) when the store fails (nothing of the request is stored)
   */
  async receive(req: OtlpExportRequest): Promise<OtlpExportResponse> {
    try {
      const encoding = otlpEncodingOf(req.contentType);
      if (encoding === undefined)
        throw new OtlpRequestError(
          'unsupported_media_type',
          `unsupported Content-Type ${JSON.stringify(req.contentType ?? '')} (application/x-protobuf or application/json)`,
        );
      const body = decodeContentEncoding(req.body, req.contentEncoding, this.limits);
      const decoded = decodeExportRequest(body, encoding, this.limits, this.now());
      for (const [reason, n] of decoded.rejected)
        this.rejectedSpans.inc({ reason: reason satisfies SpanRejectReason }, n);
      const { own: spans, foreign } = partitionByScope(req.scope, decoded.spans, (s) => {
        const f = indexFields(s);
        return { node: f.nodeId, region: f.region };
      });
      if (foreign > 0) this.rejectedSpans.inc({ reason: 'foreign_node' }, foreign);
      if (spans.length === 0 && foreign > 0 && req.scope?.kind === 'nodes')
        throw new ForbiddenError(foreignOnlyMessage(req.scope, foreign, 'valid spans'));
      if (spans.length === 0 && decoded.rejectedCount > 0) {
        throw new OtlpRequestError(
          'no_valid_spans',
          `no valid span in the request (${decoded.rejectedCount} rejected): ${decoded.messages.join('; ')}`,
        );
      }
      try {
        await this.sink.insertSpans(spans);
      } catch (e) {
        throw new StoreError(
          `storing ${spans.length} spans failed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
      this.accepted.inc(spans.length);
      const rejected = decoded.rejectedCount + foreign;
      if (rejected === 0) return {};
      const messages =
        foreign > 0
          ? [...decoded.messages, `${foreign} spans of nodes outside the tenant (foreign_node)`]
          : decoded.messages;
      return { partialSuccess: { rejectedSpans: rejected, errorMessage: messages.join('; ') } };
    } catch (e) {
      const reason: RequestRejectReason | undefined =
        e instanceof OtlpRequestError
          ? e.reason
          : e instanceof StoreError
            ? 'store_error'
            : e instanceof PayloadTooLargeError
              ? 'too_large'
              : undefined;
      if (reason !== undefined) this.rejectedRequests.inc({ reason });
      throw e;
    }
  }

  /** The binary protobuf body of an error response (`google.rpc.Status`). */
  encodeStatus(status: OtlpStatus): Uint8Array {
    return encodeStatus(status);
  }

  /** The protobuf encoding of an export response (`ExportTraceServiceResponse`). */
  encodeProtobuf(r: OtlpExportResponse): Uint8Array {
    return encodeExportResponse(
      'protobuf',
      r.partialSuccess?.rejectedSpans ?? 0,
      r.partialSuccess?.errorMessage ?? '',
    );
  }
}
