/**
 * The Prometheus remote-write receiver behind POST /api/v1/write: checks the headers remote write 1.0 requires
 * (`Content-Type: application/x-protobuf`, `Content-Encoding: snappy`), decodes the body
 * (src/ingest/remote-write/decode.ts) and runs the valid samples through the monitor's pipeline as the source
 * `remote_write` (its own share of the series budget; order, duplicates and the time window checked as for
 * scrapes). Per-series and per-sample refusals are counted by reason and the rest of the request is kept; a body
 * that does not decode is refused as a whole (400) and counted. With a tenant scope (a tenant's ingest token)
 * only series of its nodes or regions are ingested: the others are refused as `foreign_node` (counted; remote
 * write has no response body), and a request with none of its series is refused (403).
 * @see https://prometheus.io/docs/concepts/remote_write_spec/
 */
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import { ForbiddenError, PayloadTooLargeError } from '../errors.ts';
import {
  foreignOnlyMessage,
  NODE_LABEL,
  partitionByScope,
  REGION_LABEL,
  type TenantScope,
} from '../model/tenant-scope.ts';
import {
  decodeRemoteWrite,
  RemoteWriteRequestError,
  type RemoteWriteLimits,
  type RemoteWriteRequestReject,
  type RemoteWriteSampleReject,
} from '../ingest/remote-write/decode.ts';
import type { RejectReason } from '../store/types.ts';
import type { MonitorPipeline } from './pipeline.ts';

/** The budget source (and `target` label) of remote-written samples. */
export const REMOTE_WRITE_SOURCE = 'remote_write';

/** One POST /api/v1/write request as the HTTP layer received it. */
export interface RemoteWriteInput {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** Only series of this tenant scope's nodes or regions (`node_id`/`region` labels) are ingested; the others are rejected as `foreign_node`. */
  readonly scope?: TenantScope;
}

/** What one request did: samples decoded, stored, and refused by reason (decoding, admission and store). */
export interface RemoteWriteResult {
  readonly samples: number;
  readonly stored: number;
  readonly rejected: Readonly<
    Partial<Record<RemoteWriteSampleReject | RejectReason | 'foreign_node', number>>
  >;
}

/** The receiver's counters (created from the monitor's catalog metrics). */
export interface RemoteWriteMetrics {
  received(n: number): void;
  sampleRejected(reason: RemoteWriteSampleReject | 'foreign_node', n: number): void;
  requestRejected(reason: RemoteWriteRequestReject): void;
}

/**
 * The receiver's metrics on the monitor's catalog metrics (`dwcp_monitor_remote_write_*`).
 * @throws InvalidInputError when `metrics` was not created from the monitor group.
 */
export function catalogRemoteWriteMetrics(metrics: CatalogMetrics): RemoteWriteMetrics {
  const received = metrics.counter(getMetric('dwcp_monitor_remote_write_samples_received_total').name);
  const samples = metrics.counter(getMetric('dwcp_monitor_remote_write_samples_rejected_total').name);
  const requests = metrics.counter(getMetric('dwcp_monitor_remote_write_requests_rejected_total').name);
  return {
    received: (n) => received.inc(n),
    sampleRejected: (reason, n) => samples.inc({ reason }, n),
    requestRejected: (reason) => requests.inc({ reason }),
  };
}

/** Options of {@link RemoteWriteReceiver}. */
export interface RemoteWriteReceiverOptions {
  readonly pipeline: Pick<MonitorPipeline, 'ingestPushed'>;
  readonly limits: RemoteWriteLimits;
  /** Largest request body (compressed), bytes. */
  readonly maxBodyBytes: number;
  readonly metrics?: RemoteWriteMetrics;
}

const base = (v: string | undefined) => (v ?? '').split(';')[0]!.trim().toLowerCase();

/** Receives remote-write requests into the pipeline. */
export class RemoteWriteReceiver {
  readonly maxBodyBytes: number;
  private readonly o: RemoteWriteReceiverOptions;

  constructor(opts: RemoteWriteReceiverOptions) {
    this.o = opts;
    this.maxBodyBytes = opts.maxBodyBytes;
  }

  /** Counts a request the HTTP layer refused before the receiver saw it. */
  countRejectedRequest(reason: 'too_large' | 'unsupported_media_type'): void {
    this.o.metrics?.requestRejected(reason);
  }

  /**
   * Handles one request.
   * @throws RemoteWriteRequestError (400) for another content type or encoding, or a body that does not decode
   * @throws PayloadTooLargeError (413) when the decompressed body would exceed the limit
   * @throws StoreError (503) when the store fails (nothing of the request is stored)
   */
  async receive(req: RemoteWriteInput): Promise<RemoteWriteResult> {
    const m = this.o.metrics;
    try {
      if (base(req.contentType) !== 'application/x-protobuf') {
        throw new RemoteWriteRequestError(
          'unsupported_media_type',
          `Content-Type must be application/x-protobuf, got ${JSON.stringify(req.contentType ?? '')}`,
        );
      }
      if (base(req.contentEncoding) !== 'snappy') {
        throw new RemoteWriteRequestError(
          'unsupported_encoding',
          `Content-Encoding must be snappy, got ${JSON.stringify(req.contentEncoding ?? '')}`,
        );
      }
      const decoded = decodeRemoteWrite(req.body, this.o.limits);
      m?.received(decoded.samples.length + Object.values(decoded.rejected).reduce((a, b) => a + b, 0));
      for (const [r, n] of Object.entries(decoded.rejected) as [RemoteWriteSampleReject, number][])
        m?.sampleRejected(r, n);
      const { own, foreign } = partitionByScope(req.scope, decoded.samples, (x) => ({
        node: x.labels[NODE_LABEL],
        region: x.labels[REGION_LABEL],
      }));
      if (foreign > 0) m?.sampleRejected('foreign_node', foreign);
      if (own.length === 0 && foreign > 0 && req.scope?.kind === 'nodes')
        throw new ForbiddenError(foreignOnlyMessage(req.scope, foreign, 'samples'));
      const step = await this.o.pipeline.ingestPushed(REMOTE_WRITE_SOURCE, own);
      return {
        samples: decoded.samples.length,
        stored: step.stored,
        rejected: {
          ...decoded.rejected,
          ...step.rejected,
          ...(foreign > 0 ? { foreign_node: foreign } : {}),
        },
      };
    } catch (e) {
      if (e instanceof RemoteWriteRequestError) m?.requestRejected(e.reason);
      else if (e instanceof PayloadTooLargeError) m?.requestRejected('too_large');
      throw e;
    }
  }
}
