/** AMST (Adaptive Multi-Stream Transport) wrapper of seed 001 ("Instrument AMST Components"). */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { InFlight } from '../in-flight.ts';
import { DEFAULT_STREAM_ID_LIMIT, LabelLimiter } from '../label-limiter.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { nonEmpty, nonNegative } from '../validate.ts';
import { checkBase, type Clock, type V1BaseLabels } from './base.ts';

export interface AmstMetricsOptions {
  /** Milliseconds clock for stream durations; default `Date.now`. */
  readonly clock?: Clock;
  /** Distinct stream_id values exported before folding into "overflow"; default 64. */
  readonly streamIdLimit?: number;
  /** In-flight streams whose start time is kept; default 10 000 (oldest evicted beyond). */
  readonly maxInFlight?: number;
  /** Receives the one-time stream_id overflow warning; default console.warn. */
  readonly warn?: (message: string) => void;
}

/**
 * Records AMST stream lifecycle, bytes, errors and bandwidth utilisation on the v1 `dwcp_amst_*` metrics.
 * All methods throw InvalidInputError on empty ids/types or negative/non-finite numbers.
 */
export class AmstMetrics {
  private readonly base: V1BaseLabels;
  private readonly clock: Clock;
  private readonly inFlight: InFlight;
  readonly streamIds: LabelLimiter;
  private active = 0;
  private readonly activeGauge: Gauge<string>;
  private readonly streamsTotal: Counter<string>;
  private readonly bytesSent: Counter<string>;
  private readonly bytesReceived: Counter<string>;
  private readonly errors: Counter<string>;
  private readonly latency: Histogram<string>;
  private readonly utilisation: Gauge<string>;

  /** @param metrics a set created with the v1 catalog group; @param base cluster and node labels. */
  constructor(metrics: CatalogMetrics, base: V1BaseLabels, options: AmstMetricsOptions = {}) {
    this.base = checkBase(base);
    this.clock = options.clock ?? Date.now;
    this.inFlight = new InFlight(options.maxInFlight ?? 10_000);
    this.streamIds = new LabelLimiter({
      label: 'stream_id',
      limit: options.streamIdLimit ?? DEFAULT_STREAM_ID_LIMIT,
      warn: options.warn,
    });
    this.activeGauge = metrics.gauge('dwcp_amst_streams_active');
    this.streamsTotal = metrics.counter('dwcp_amst_streams_total');
    this.bytesSent = metrics.counter('dwcp_amst_bytes_sent_total');
    this.bytesReceived = metrics.counter('dwcp_amst_bytes_received_total');
    this.errors = metrics.counter('dwcp_amst_errors_total');
    this.latency = metrics.histogram('dwcp_amst_latency_seconds');
    this.utilisation = metrics.gauge('dwcp_amst_bandwidth_utilization_percent');
    this.activeGauge.set(this.base, 0);
  }

  /**
   * Exports 0 for streams_total{result="success"|"failure"} and errors_total for each given error type, so
   * the series exist (and rate() works) before the first event.
   */
  initialize(errorTypes: readonly string[]): void {
    for (const result of ['success', 'failure']) this.streamsTotal.inc({ ...this.base, result }, 0);
    for (const t of errorTypes) this.errors.inc({ ...this.base, error_type: nonEmpty(t, 'error type') }, 0);
  }

  /** A stream opened: active +1, streams_total{result="success"} +1, start time kept for its duration. */
  onStreamStart(streamId: string): void {
    nonEmpty(streamId, 'stream id');
    this.inFlight.start(streamId, this.clock());
    this.active++;
    this.activeGauge.set(this.base, this.active);
    this.streamsTotal.inc({ ...this.base, result: 'success' });
  }

  /** A stream could not be opened: streams_total{result="failure"} +1 and errors_total{error_type} +1. */
  onStreamOpenFailed(errorType: string): void {
    nonEmpty(errorType, 'error type');
    this.streamsTotal.inc({ ...this.base, result: 'failure' });
    this.errors.inc({ ...this.base, error_type: errorType });
  }

  /**
   * A stream ended: active -1 (never below 0) and, when its start is known, observes
   * dwcp_amst_latency_seconds{operation="stream_duration"}. Returns the duration in seconds or undefined.
   */
  onStreamEnd(streamId: string): number | undefined {
    nonEmpty(streamId, 'stream id');
    const start = this.inFlight.end(streamId);
    if (this.active > 0) this.active--;
    this.activeGauge.set(this.base, this.active);
    if (start === undefined) return undefined;
    const seconds = Math.max(0, (this.clock() - start) / 1000);
    this.latency.observe({ ...this.base, operation: 'stream_duration' }, seconds);
    return seconds;
  }

  /** Bytes moved on a stream (stream_id capped by the label limiter). */
  onStreamData(streamId: string, sentBytes: number, receivedBytes: number): void {
    nonEmpty(streamId, 'stream id');
    nonNegative(sentBytes, 'sent bytes');
    nonNegative(receivedBytes, 'received bytes');
    const sid = this.streamIds.map(streamId);
    this.bytesSent.inc({ ...this.base, stream_id: sid }, sentBytes);
    this.bytesReceived.inc({ ...this.base, stream_id: sid }, receivedBytes);
  }

  /** An error on a stream: errors_total{error_type} +1. */
  onStreamError(streamId: string, errorType: string): void {
    nonEmpty(streamId, 'stream id');
    nonEmpty(errorType, 'error type');
    this.errors.inc({ ...this.base, error_type: errorType });
  }

  /** Latency of another AMST operation (e.g. "chunk_send"), in seconds. */
  observeLatency(operation: string, seconds: number): void {
    nonEmpty(operation, 'operation');
    this.latency.observe({ ...this.base, operation }, nonNegative(seconds, 'latency'));
  }

  /** Bandwidth utilisation = used/available x 100 (percent; 0 when nothing is available). */
  onBandwidthUpdate(usedBytes: number, availableBytes: number): number {
    nonNegative(usedBytes, 'used bytes');
    nonNegative(availableBytes, 'available bytes');
    const pct = availableBytes > 0 ? (usedBytes / availableBytes) * 100 : 0;
    this.utilisation.set(this.base, pct);
    return pct;
  }

  /** Streams currently counted as active. */
  get activeStreams(): number {
    return this.active;
  }

  /** Streams whose start time is held (bounded by maxInFlight). */
  get trackedStreams(): number {
    return this.inFlight.size;
  }
}
