/**
 * Span metrics, as the OpenTelemetry Collector's spanmetrics connector computes them: for every received span
 * (before tail sampling, so rates and errors are not thinned), a call count and a duration histogram per service,
 * span name, span kind and status. Cardinality is bounded: at most `maxOperations` distinct service + span name
 * pairs get series; spans of further pairs are only counted in `dwcp_monitor_span_metrics_overflow_total` (the
 * connector's `aggregation_cardinality_limit` puts them under `otel.metric.overflow="true"` instead).
 * Mapping to the connector: `traces_span_metrics_calls_total` → `dwcp_monitor_span_calls_total`,
 * `traces_span_metrics_duration_seconds` → `dwcp_monitor_span_duration_seconds` (same default buckets, seconds),
 * dimensions `service.name`, `span.name`, `span.kind` (`SPAN_KIND_SERVER`, …), `status.code` (`STATUS_CODE_ERROR`,
 * …) with the same values.
 * @see https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/spanmetricsconnector
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import type { SpanSink } from './receiver.ts';
import { RecordingSpanSink } from './recording-sink.ts';
import type { SpanRecord } from './span.ts';

/** Default cap on distinct service + span name pairs. */
export const DEFAULT_MAX_SPAN_OPERATIONS = 1000;

function existing<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Passes spans on to `inner` first ({@link RecordingSpanSink}), then records span metrics for every stored span. */
export class SpanMetricsSink extends RecordingSpanSink {
  private readonly calls: Counter;
  private readonly duration: Histogram;
  private readonly overflow: Counter;
  private readonly operations = new Set<string>();

  /** @throws InvalidInputError on a cap below 1 */
  constructor(
    inner: SpanSink,
    registry: Registry,
    private readonly maxOperations = DEFAULT_MAX_SPAN_OPERATIONS,
  ) {
    super(inner);
    if (!Number.isInteger(maxOperations) || maxOperations < 1)
      throw new InvalidInputError(`span metrics cap must be a positive integer, got ${maxOperations}`);
    const c = getMetric('dwcp_monitor_span_calls_total');
    const d = getMetric('dwcp_monitor_span_duration_seconds');
    const o = getMetric('dwcp_monitor_span_metrics_overflow_total');
    this.calls = existing(
      registry,
      c.name,
      () => new Counter({ name: c.name, help: c.help, labelNames: [...c.labels], registers: [registry] }),
    );
    this.duration = existing(
      registry,
      d.name,
      () =>
        new Histogram({
          name: d.name,
          help: d.help,
          labelNames: [...d.labels],
          buckets: [...(d.buckets ?? [])],
          registers: [registry],
        }),
    );
    this.overflow = existing(
      registry,
      o.name,
      () => new Counter({ name: o.name, help: o.help, labelNames: [], registers: [registry] }),
    );
  }

  /** Distinct service + span name pairs with series (at most the cap). */
  get operationCount(): number {
    return this.operations.size;
  }

  /** Adds the spans to the metrics. */
  record(spans: readonly SpanRecord[]): void {
    for (const s of spans) {
      const key = `${s.process.service}\u0000${s.name}`;
      if (!this.operations.has(key)) {
        if (this.operations.size >= this.maxOperations) {
          this.overflow.inc();
          continue;
        }
        this.operations.add(key);
      }
      const labels = {
        service_name: s.process.service,
        span_name: s.name,
        span_kind: `SPAN_KIND_${s.kind.toUpperCase()}`,
        status_code: `STATUS_CODE_${s.status.toUpperCase()}`,
      };
      this.calls.inc(labels);
      this.duration.observe(labels, s.durationUs / 1e6);
    }
  }
}
