/**
 * Per-operation series for anomaly detection from received spans: for every node, service and operation (span
 * name), the share of calls with status error (`dwcp_span_error_ratio`) and the 95th and 99th percentile of the call
 * duration (`dwcp_span_latency_seconds{quantile}`), each over the calls since the operation's previous values.
 * {@link SpanSeriesSink.samples} hands them out as samples the monitor's pipeline ingests like pushed samples; the
 * detector then judges them with the kind and bad direction of their catalog entries (errors and latency up).
 * The node of a span is the one the trace store indexes (span.ts `spanNodeId`: `dwcp.node.id`, else the
 * resource's `service.instance.id` — what the DWCP SDK and the simulator set — else `host.name`); it is the
 * series' `node_id` label, so an anomaly names the node, and the console links it to that node's logs and
 * traces. Spans without a node are kept per service and operation (no `node_id` label).
 *
 * Evidence gate: an operation gets values only once at least `minCalls` calls have accumulated since its last
 * values (the calls of quieter intervals are carried over), so one slow call of a rare operation is not a
 * percentile. With fewer than 100 calls the 99th percentile is close to the largest duration seen.
 *
 * Bounded: at most `maxOperations` (node, service, operation) keys (spans of further keys are only counted in
 * {@link SpanSeriesSink.overflow}); per operation at most `maxDurations` durations between two values, a uniform
 * reservoir sample beyond that (Vitter's algorithm R), so percentiles of busy operations are estimates.
 * @see J. S. Vitter, "Random sampling with a reservoir", ACM TOMS 11 (1985) 37–57 (algorithm R)
 * @see https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/spanmetricsconnector
 */
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { quantileSorted } from '../math/quantile.ts';
import type { Sample } from '../model/sample.ts';
import type { SpanSink } from './receiver.ts';
import { RecordingSpanSink } from './recording-sink.ts';
import { spanNodeId, type SpanRecord } from './span.ts';

/** Options of {@link SpanSeriesSink}. */
export interface SpanSeriesOptions {
  /** (node, service, operation) keys with series at most (default 1,000). */
  readonly maxOperations?: number;
  /** Calls an operation needs since its previous values before it gets new ones (default 20). */
  readonly minCalls?: number;
  /** Durations kept per operation between two values (default 2,048; a reservoir sample beyond). */
  readonly maxDurations?: number;
  /** Uniform [0, 1) random numbers for the reservoir (default `Math.random`). */
  readonly random?: () => number;
}

/** The percentiles given per operation, and their `quantile` label values. */
export const SPAN_QUANTILES: readonly (readonly [number, string])[] = Object.freeze([
  [0.95, '0.95'],
  [0.99, '0.99'],
] as const);

const ERROR_RATIO = getMetric('dwcp_span_error_ratio').name;
const LATENCY = getMetric('dwcp_span_latency_seconds').name;

interface Window {
  /** `node_id`, `service_name` and `span_name` of the series. */
  readonly labels: Readonly<Record<string, string>>;
  calls: number;
  errors: number;
  /** Durations in seconds (a reservoir sample once `calls` exceeds the cap). */
  readonly durations: number[];
}

function positiveInt(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 1)
    throw new InvalidInputError(`${what} must be a positive integer, got ${v}`);
  return v;
}

/** Passes spans on to `inner` first ({@link RecordingSpanSink}), then adds the stored spans to the per-operation windows. */
export class SpanSeriesSink extends RecordingSpanSink {
  private readonly windows = new Map<string, Window>();
  private readonly maxOperations: number;
  private readonly minCalls: number;
  private readonly maxDurations: number;
  private readonly random: () => number;
  private overflowed = 0;

  /** @throws InvalidInputError when a limit is not a positive integer */
  constructor(inner: SpanSink, opts: SpanSeriesOptions = {}) {
    super(inner);
    this.maxOperations = positiveInt(opts.maxOperations ?? 1000, 'maxOperations');
    this.minCalls = positiveInt(opts.minCalls ?? 20, 'minCalls');
    this.maxDurations = positiveInt(opts.maxDurations ?? 2048, 'maxDurations');
    this.random = opts.random ?? Math.random;
  }

  /** (node, service, operation) keys tracked. */
  get operations(): number {
    return this.windows.size;
  }

  /** Spans of keys beyond `maxOperations` (in no series). */
  get overflow(): number {
    return this.overflowed;
  }

  /** Adds the spans to their operations' windows. */
  record(spans: readonly SpanRecord[]): void {
    for (const s of spans) {
      const node = spanNodeId(s);
      const key = `${node ?? ''}\u0000${s.process.service}\u0000${s.name}`;
      let w = this.windows.get(key);
      if (w === undefined) {
        if (this.windows.size >= this.maxOperations) {
          this.overflowed++;
          continue;
        }
        const labels: Record<string, string> = node === null ? {} : { node_id: node };
        labels.service_name = s.process.service;
        labels.span_name = s.name;
        w = { labels, calls: 0, errors: 0, durations: [] };
        this.windows.set(key, w);
      }
      w.calls++;
      if (s.status === 'error') w.errors++;
      const seconds = s.durationUs / 1e6;
      if (w.durations.length < this.maxDurations) w.durations.push(seconds);
      else {
        // Algorithm R: the call-th item replaces a random slot with probability maxDurations / calls.
        const j = Math.floor(this.random() * w.calls);
        if (j < this.maxDurations) w.durations[j] = seconds;
      }
    }
  }

  /**
   * The values at `nowMs` (Unix ms) of every operation with at least `minCalls` calls since its previous values:
   * its error ratio and its percentiles ({@link SPAN_QUANTILES}); those operations start a new window.
   */
  samples(nowMs: number): Sample[] {
    const out: Sample[] = [];
    for (const w of this.windows.values()) {
      if (w.calls < this.minCalls) continue;
      const { labels } = w;
      out.push({ name: ERROR_RATIO, labels, value: w.errors / w.calls, timestampMs: nowMs });
      const sorted = w.durations.sort((a, b) => a - b);
      for (const [q, label] of SPAN_QUANTILES)
        out.push({
          name: LATENCY,
          labels: { ...labels, quantile: label },
          value: quantileSorted(sorted, q),
          timestampMs: nowMs,
        });
      w.calls = 0;
      w.errors = 0;
      w.durations.length = 0;
    }
    return out;
  }
}
