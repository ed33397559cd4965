/**
 * The log receivers behind POST /v1/logs (OTLP/HTTP: protobuf or JSON, optionally gzip) and POST
 * /loki/api/v1/push (Loki: JSON optionally gzip, or snappy-compressed protobuf): decode, validate entry by
 * entry, mask PII in every line and attribute value, and store the valid entries in one transaction. A request
 * with no valid entry, or one that does not decode, is refused as a whole; a store failure stores nothing. OTLP
 * answers partial success naming the rejected entries; Loki's protocol has no partial response, so a request
 * with some valid entries answers 204 and the rejected ones are only counted. With a tenant scope (a tenant's
 * ingest token) only entries of its nodes or regions are stored: the others are rejected one by one as
 * `foreign_node`, and a request with none of its entries is refused (403). Entries of a new label set the store
 * refuses (its stream limit) are rejected entries (`stream_limit`); a request left with none stored is refused.
 * Every refusal is counted by protocol and reason.
 * @see https://opentelemetry.io/docs/specs/otlp/#partial-success-1
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 */
import { Counter, type Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import type { OtlpLogsExportResponse } from '../contract/logs.ts';
import { ForbiddenError, LimitExceededError, PayloadTooLargeError, StoreError } from '../errors.ts';
import { foreignOnlyMessage, partitionByScope, type TenantScope } from '../model/tenant-scope.ts';
import type { DecodedEntries } from './entry-builder.ts';
import { DEFAULT_LOG_LIMITS, type LogLimits, type LogRequestRejectReason } from './limits.ts';
import { decodeLokiPush } from './loki/decode.ts';
import { decodeOtlpLogs, encodeOtlpLogsResponse, type OtlpLogEncoding } from './otlp/decode.ts';
import { DEFAULT_PII_SETTINGS, PiiMasker, type PiiSettings } from './pii/masker.ts';
import { hasOwnKeys, type LogRecord } from './record.ts';
import { decodeContentEncoding, LogRequestError, snappyUncompress } from './request-error.ts';

/** The two push protocols (label value of the receiver counters). */
export type LogProtocol = 'otlp' | 'loki';

/** Where accepted entries go (the log store). */
export interface LogSink {
  /** Stores the entries atomically. @throws on failure (nothing stored) */
  insertLogs(records: readonly LogRecord[]): Promise<number>;
  /**
   * Stores the entries atomically, naming those it refused because their label set would exceed the store's
   * stream limit (when the sink has one). @throws on failure (nothing stored)
   */
  storeLogs?(
    records: readonly LogRecord[],
  ): Promise<{ readonly stored: number; readonly droppedForStreamLimit: readonly number[] }>;
}

/** One push request as the HTTP layer received it. */
export interface LogPushRequest {
  /** The raw body (possibly compressed). */
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** Only entries of this tenant scope's nodes or regions are stored; the others are rejected as `foreign_node`. */
  readonly scope?: TenantScope;
}

/** What a push stored and rejected. */
export interface LogPushResult {
  readonly accepted: number;
  readonly rejected: number;
  /** The first few rejection messages. */
  readonly messages: readonly string[];
}

/** Options of {@link LogReceiver}. */
export interface LogReceiverOptions {
  /** Registry of the monitor's own metrics (counters are created there, or reused). */
  readonly registry: Registry;
  readonly limits?: Partial<LogLimits>;
  readonly pii?: PiiSettings;
  /** Wall clock, Unix ms (future/age limits); default Date.now. */
  readonly now?: () => number;
  /** Called with the entries of each push after they are stored (masked): the live tail, log-derived metrics; must not throw. */
  readonly onStored?: (records: readonly LogRecord[]) => void;
}

type CounterName =
  | 'dwcp_monitor_log_entries_accepted_total'
  | 'dwcp_monitor_log_entries_rejected_total'
  | 'dwcp_monitor_log_requests_rejected_total';

function counter(registry: Registry, name: CounterName): Counter {
  const def = getMetric(name);
  const existing = registry.getSingleMetric(def.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
}

/** The base media type of a Content-Type (parameters dropped, lowercased). */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The encoding of a Content-Type: protobuf, JSON, or undefined for anything else. */
export function logEncodingOf(contentType: string | undefined): OtlpLogEncoding | undefined {
  const base = mediaType(contentType);
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json') return 'json';
  return undefined;
}

/** Decodes, validates, masks and stores log pushes of both protocols. */
export class LogReceiver {
  readonly limits: LogLimits;
  readonly masker: PiiMasker;
  private readonly sink: LogSink;
  private readonly now: () => number;
  private readonly onStored: ((records: readonly LogRecord[]) => void) | undefined;
  private readonly accepted: Counter;
  private readonly rejectedEntries: Counter;
  private readonly rejectedRequests: Counter;

  /** @throws InvalidInputError when a PII rule is invalid */
  constructor(sink: LogSink, opts: LogReceiverOptions) {
    this.sink = sink;
    this.limits = { ...DEFAULT_LOG_LIMITS, ...opts.limits };
    this.masker = new PiiMasker(opts.pii ?? DEFAULT_PII_SETTINGS);
    this.now = opts.now ?? Date.now;
    this.onStored = opts.onStored;
    this.accepted = counter(opts.registry, 'dwcp_monitor_log_entries_accepted_total');
    this.rejectedEntries = counter(opts.registry, 'dwcp_monitor_log_entries_rejected_total');
    this.rejectedRequests = counter(opts.registry, 'dwcp_monitor_log_requests_rejected_total');
  }

  /** Counts a request the HTTP layer refused before the receiver saw it. */
  countRejectedRequest(protocol: LogProtocol, reason: 'too_large' | 'unsupported_media_type'): void {
    this.rejectedRequests.inc({ protocol, reason });
  }

  /**
   * Handles one OTLP logs export.
   * @returns the export response (partial success when entries were rejected)
   * @throws LogRequestError (400) when the body does not decode, its encoding is unsupported or no entry is valid
   * @throws PayloadTooLargeError (413) when the decompressed body exceeds the limit
   * @throws StoreError (503) when the store fails (nothing of the request is stored)
   * @throws LimitExceededError (429) when the store's write queue is full (nothing of the request is stored)
   */
  async receiveOtlp(req: LogPushRequest): Promise<OtlpLogsExportResponse> {
    const r = await this.handle('otlp', req.scope, () => {
      const encoding = this.encoding(req.contentType);
      const body = decodeContentEncoding(req.body, req.contentEncoding, this.limits.maxDecompressedBytes);
      return decodeOtlpLogs(body, encoding, this.limits, this.now());
    });
    return r.rejected === 0
      ? {}
      : { partialSuccess: { rejectedLogRecords: r.rejected, errorMessage: r.messages.join('; ') } };
  }

  /**
   * Handles one Loki push: JSON (optionally gzip) or snappy-compressed protobuf.
   * @throws as {@link receiveOtlp}
   */
  async receiveLoki(req: LogPushRequest): Promise<LogPushResult> {
    return this.handle('loki', req.scope, () => {
      const encoding = this.encoding(req.contentType);
      const body =
        encoding === 'protobuf'
          ? snappyUncompress(
              decodeContentEncoding(req.body, req.contentEncoding, this.limits.maxDecompressedBytes),
              this.limits.maxDecompressedBytes,
            )
          : decodeContentEncoding(req.body, req.contentEncoding, this.limits.maxDecompressedBytes);
      return decodeLokiPush(body, encoding, this.limits, this.now());
    });
  }

  /** The protobuf encoding of an OTLP export response (`ExportLogsServiceResponse`). */
  encodeOtlpProtobuf(r: OtlpLogsExportResponse): Uint8Array {
    return encodeOtlpLogsResponse(
      'protobuf',
      r.partialSuccess?.rejectedLogRecords ?? 0,
      r.partialSuccess?.errorMessage ?? '',
    );
  }

  /** Masks PII in a record's line and attribute values (the record itself when nothing is to be masked). */
  mask(r: LogRecord): LogRecord {
    if (!this.masker.enabled) return r;
    const body = this.masker.mask(r.body);
    const attributes = hasOwnKeys(r.attributes) ? this.masker.maskAttributes(r.attributes) : r.attributes;
    return body === r.body && attributes === r.attributes ? r : { ...r, body, attributes };
  }

  private encoding(contentType: string | undefined): OtlpLogEncoding {
    const e = logEncodingOf(contentType);
    if (e === undefined)
      throw new LogRequestError(
        'unsupported_media_type',
        `unsupported Content-Type ${JSON.stringify(contentType ?? '')} (application/x-protobuf or application/json)`,
      );
    return e;
  }

  private async handle(
    protocol: LogProtocol,
    scope: TenantScope | undefined,
    decode: () => DecodedEntries,
  ): Promise<LogPushResult> {
    try {
      const decoded = decode();
      for (const [reason, n] of decoded.rejected) this.rejectedEntries.inc({ protocol, reason }, n);
      // entries naming no node or region ('') are cluster-wide: outside every tenant scope
      const { own, foreign } = partitionByScope(scope, decoded.records, (r) => ({
        node: r.nodeId === '' ? null : r.nodeId,
        region: r.region === '' ? null : r.region,
      }));
      if (foreign > 0) this.rejectedEntries.inc({ protocol, reason: 'foreign_node' }, foreign);
      if (own.length === 0 && foreign > 0 && scope?.kind === 'nodes')
        throw new ForbiddenError(foreignOnlyMessage(scope, foreign, 'valid entries'));
      if (own.length === 0 && decoded.rejectedCount > 0) {
        throw new LogRequestError(
          'no_valid_entries',
          `no valid entry in the request (${decoded.rejectedCount} rejected): ${decoded.messages.join('; ')}`,
        );
      }
      let masked = own.map((r) => this.mask(r));
      let dropped: readonly number[] = [];
      try {
        if (this.sink.storeLogs === undefined) await this.sink.insertLogs(masked);
        else dropped = (await this.sink.storeLogs(masked)).droppedForStreamLimit;
      } catch (e) {
        // a full write queue is load, not a failure: the client retries later (HTTP 429)
        if (e instanceof LimitExceededError) throw e;
        throw new StoreError(
          `storing ${masked.length} log entries failed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
      const messages = [...decoded.messages];
      if (dropped.length > 0) {
        this.rejectedEntries.inc({ protocol, reason: 'stream_limit' }, dropped.length);
        const out = new Set(dropped);
        messages.push(
          `${dropped.length} entries refused: their label set is a new stream and the log store holds its maximum of streams`,
        );
        masked = masked.filter((_, i) => !out.has(i));
        if (masked.length === 0)
          throw new LogRequestError(
            'no_valid_entries',
            `no entry stored (${decoded.rejectedCount + dropped.length} rejected): ${messages.join('; ')}`,
          );
      }
      this.accepted.inc({ protocol }, masked.length);
      if (masked.length > 0) this.onStored?.(masked);
      if (foreign > 0) messages.push(`${foreign} entries of nodes outside the tenant (foreign_node)`);
      return {
        accepted: masked.length,
        rejected: decoded.rejectedCount + foreign + dropped.length,
        messages,
      };
    } catch (e) {
      const reason: LogRequestRejectReason | undefined =
        e instanceof LogRequestError
          ? e.reason
          : e instanceof StoreError
            ? 'store_error'
            : e instanceof PayloadTooLargeError
              ? 'too_large'
              : e instanceof LimitExceededError
                ? 'overloaded'
                : undefined;
      if (reason !== undefined) this.rejectedRequests.inc({ protocol, reason });
      throw e;
    }
  }
}
